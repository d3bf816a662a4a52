package dev.thingbridge.jobs;

import java.util.Objects;

/**
 * An inbound or outbound Jobs topic, parsed: which operation, for which thing and (where the topic names
 * one) which job. {@code jobId} is {@code $next} for the describe-next topics and null where the topic has
 * no job.
 */
public record JobTopic(String thingName, Kind kind, String jobId) {
  /** Every topic of the Jobs MQTT API. */
  public enum Kind {
    NOTIFY, NOTIFY_NEXT,
    GET_PENDING, GET_PENDING_ACCEPTED, GET_PENDING_REJECTED,
    START_NEXT, START_NEXT_ACCEPTED, START_NEXT_REJECTED,
    DESCRIBE, DESCRIBE_ACCEPTED, DESCRIBE_REJECTED,
    UPDATE, UPDATE_ACCEPTED, UPDATE_REJECTED;

    /** Whether topics of this kind name a job. */
    public boolean hasJobId() {
      return this.compareTo(DESCRIBE) >= 0;
    }
  }

  public JobTopic {
    Objects.requireNonNull(thingName, "thingName");
    Objects.requireNonNull(kind, "kind");
    if (kind.hasJobId() != (jobId != null)) {
      throw new IllegalArgumentException(kind + (kind.hasJobId() ? " needs" : " takes no") + " job id");
    }
  }

  /** The topic string. */
  public String format() {
    JobTopics t = new JobTopics(thingName);
    return switch (kind) {
      case NOTIFY -> t.notifyTopic();
      case NOTIFY_NEXT -> t.notifyNext();
      case GET_PENDING -> t.getPending();
      case GET_PENDING_ACCEPTED -> t.getPending() + "/accepted";
      case GET_PENDING_REJECTED -> t.getPending() + "/rejected";
      case START_NEXT -> t.startNext();
      case START_NEXT_ACCEPTED -> t.startNext() + "/accepted";
      case START_NEXT_REJECTED -> t.startNext() + "/rejected";
      case DESCRIBE -> t.describe(jobId);
      case DESCRIBE_ACCEPTED -> t.describe(jobId) + "/accepted";
      case DESCRIBE_REJECTED -> t.describe(jobId) + "/rejected";
      case UPDATE -> t.update(jobId);
      case UPDATE_ACCEPTED -> t.update(jobId) + "/accepted";
      case UPDATE_REJECTED -> t.update(jobId) + "/rejected";
    };
  }
}
