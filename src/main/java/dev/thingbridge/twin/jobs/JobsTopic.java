package dev.thingbridge.twin.jobs;

/**
 * A device request topic under {@code $aws/things/{thing}/jobs/}, parsed: which API it calls and where the
 * reply goes. Topics the service itself publishes (notify, replies) parse as {@link Kind#OUTBOUND}.
 *
 * @param thingName the thing segment (validated separately)
 * @param kind the API
 * @param jobId the job id segment for DESCRIBE and UPDATE ({@code $next} allowed for DESCRIBE)
 * @param requestTopic the topic as received; replies go to it plus {@code /accepted} or {@code /rejected}
 */
record JobsTopic(String thingName, Kind kind, String jobId, String requestTopic) {
  static final String NEXT = "$next";

  enum Kind { GET_PENDING, START_NEXT, DESCRIBE, UPDATE, OUTBOUND, INVALID }

  /** The topic parsed, or null if it is not under {@code $aws/things/+/jobs/}. */
  static JobsTopic parse(String topic) {
    String[] s = topic.split("/", -1);
    if (s.length < 5 || !s[0].equals("$aws") || !s[1].equals("things") || !s[3].equals("jobs")) {
      return null;
    }
    String thing = s[2];
    String last = s[s.length - 1];
    if (last.equals("accepted") || last.equals("rejected") || (s.length == 5
        && (s[4].equals("notify") || s[4].equals("notify-next")))
        || s[4].startsWith("notify-next-namespace-") || (s.length >= 6 && s[5].startsWith("notify-namespace-"))) {
      return new JobsTopic(thing, Kind.OUTBOUND, null, topic);
    }
    if (s.length == 5 && s[4].equals("get")) {
      return new JobsTopic(thing, Kind.GET_PENDING, null, topic);
    }
    if (s.length == 5 && s[4].equals("start-next")) {
      return new JobsTopic(thing, Kind.START_NEXT, null, topic);
    }
    if (s.length == 6 && s[5].equals("get")) {
      return new JobsTopic(thing, Kind.DESCRIBE, s[4], topic);
    }
    if (s.length == 6 && s[5].equals("update")) {
      return new JobsTopic(thing, Kind.UPDATE, s[4], topic);
    }
    return new JobsTopic(thing, Kind.INVALID, null, topic);
  }

  String accepted() {
    return requestTopic + "/accepted";
  }

  String rejected() {
    return requestTopic + "/rejected";
  }

  static String notify(String thingName) {
    return "$aws/things/" + thingName + "/jobs/notify";
  }

  static String notifyNext(String thingName) {
    return "$aws/things/" + thingName + "/jobs/notify-next";
  }
}
