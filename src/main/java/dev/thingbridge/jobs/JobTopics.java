package dev.thingbridge.jobs;

import dev.thingbridge.jobs.model.JobLimits;
import dev.thingbridge.mqtt.AwsNames;
import dev.thingbridge.mqtt.QoS;
import dev.thingbridge.mqtt.SubscriptionFilter;
import java.util.List;
import java.util.Optional;

/**
 * The topics of the AWS IoT Jobs MQTT API for one thing ({@code $aws/things/{thing}/jobs/...}), formatted
 * and parsed. Names are checked: a thing name of 1-128 and a job id of 1-64 allowed characters, else
 * {@link IllegalArgumentException} says which limit was broken.
 */
public final class JobTopics {
  /** The job id that means "the next pending execution" in describe topics. */
  public static final String NEXT = "$next";

  private final String thingName;
  private final String prefix;

  public JobTopics(String thingName) {
    this.thingName = AwsNames.requireThingName(thingName);
    this.prefix = "$aws/things/" + thingName + "/jobs/";
  }

  public String thingName() {
    return thingName;
  }

  /** {@code notify}: the pending list changed. */
  public String notifyTopic() {
    return prefix + "notify";
  }

  /** {@code notify-next}: the next pending execution changed. */
  public String notifyNext() {
    return prefix + "notify-next";
  }

  /** GetPendingJobExecutions. */
  public String getPending() {
    return prefix + "get";
  }

  /** StartNextPendingJobExecution. */
  public String startNext() {
    return prefix + "start-next";
  }

  /** DescribeJobExecution for a job id or {@link #NEXT}. */
  public String describe(String jobId) {
    return prefix + checkDescribeId(jobId) + "/get";
  }

  /** UpdateJobExecution. */
  public String update(String jobId) {
    return prefix + AwsNames.requireJobId(jobId) + "/update";
  }

  /** The accepted reply topic of a request topic. */
  public static String accepted(String requestTopic) {
    return requestTopic + "/accepted";
  }

  /** The rejected reply topic of a request topic. */
  public static String rejected(String requestTopic) {
    return requestTopic + "/rejected";
  }

  /** Filters covering the describe replies of every job (and {@code $next}). */
  public List<SubscriptionFilter> describeReplyFilters() {
    return List.of(SubscriptionFilter.of(prefix + "+/get/accepted", QoS.AT_LEAST_ONCE),
        SubscriptionFilter.of(prefix + "+/get/rejected", QoS.AT_LEAST_ONCE));
  }

  /** Filters covering the update replies of every job. */
  public List<SubscriptionFilter> updateReplyFilters() {
    return List.of(SubscriptionFilter.of(prefix + "+/update/accepted", QoS.AT_LEAST_ONCE),
        SubscriptionFilter.of(prefix + "+/update/rejected", QoS.AT_LEAST_ONCE));
  }

  /**
   * Parses any Jobs topic. Anything else (another service, a namespaced Greengrass deployment topic, an
   * invalid thing name or job id, extra or missing levels) gives an empty result.
   */
  public static Optional<JobTopic> parse(String topic) {
    if (topic == null || !topic.startsWith("$aws/things/")) {
      return Optional.empty();
    }
    String[] l = topic.split("/", -1);
    if (l.length < 5 || l.length > 7 || !l[3].equals("jobs") || !validThing(l[2])) {
      return Optional.empty();
    }
    String thing = l[2];
    int n = l.length - 4; // levels after "jobs"
    JobTopic.Kind kind = null;
    String jobId = null;
    if (n == 1) {
      kind = switch (l[4]) {
        case "notify" -> JobTopic.Kind.NOTIFY;
        case "notify-next" -> JobTopic.Kind.NOTIFY_NEXT;
        case "get" -> JobTopic.Kind.GET_PENDING;
        case "start-next" -> JobTopic.Kind.START_NEXT;
        default -> null;
      };
    } else if (n == 2 && (l[4].equals("get") || l[4].equals("start-next")) && isReply(l[5])) {
      boolean accepted = l[5].equals("accepted");
      kind = l[4].equals("get")
          ? (accepted ? JobTopic.Kind.GET_PENDING_ACCEPTED : JobTopic.Kind.GET_PENDING_REJECTED)
          : (accepted ? JobTopic.Kind.START_NEXT_ACCEPTED : JobTopic.Kind.START_NEXT_REJECTED);
    }
    if (kind == null && (n == 2 || n == 3) && (l[5].equals("get") || l[5].equals("update"))) {
      boolean describe = l[5].equals("get");
      jobId = l[4];
      boolean idOk = describe ? validDescribeId(jobId) : validJobId(jobId);
      if (idOk && n == 2) {
        kind = describe ? JobTopic.Kind.DESCRIBE : JobTopic.Kind.UPDATE;
      } else if (idOk && isReply(l[6])) {
        boolean accepted = l[6].equals("accepted");
        kind = describe
            ? (accepted ? JobTopic.Kind.DESCRIBE_ACCEPTED : JobTopic.Kind.DESCRIBE_REJECTED)
            : (accepted ? JobTopic.Kind.UPDATE_ACCEPTED : JobTopic.Kind.UPDATE_REJECTED);
      }
    }
    if (kind == null) {
      return Optional.empty();
    }
    return Optional.of(new JobTopic(thing, kind, kind.hasJobId() ? jobId : null));
  }

  private static boolean isReply(String level) {
    return level.equals("accepted") || level.equals("rejected");
  }

  private static String checkDescribeId(String jobId) {
    return NEXT.equals(jobId) ? jobId : AwsNames.requireJobId(jobId);
  }

  private static boolean validThing(String s) {
    try {
      AwsNames.requireThingName(s);
      return true;
    } catch (IllegalArgumentException e) {
      return false;
    }
  }

  private static boolean validJobId(String s) {
    try {
      AwsNames.requireJobId(s);
      return true;
    } catch (IllegalArgumentException e) {
      return false;
    }
  }

  private static boolean validDescribeId(String s) {
    return NEXT.equals(s) || validJobId(s);
  }
}
