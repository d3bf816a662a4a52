package dev.thingbridge.jobs.model;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyOrder;
import com.fasterxml.jackson.databind.JsonNode;
import java.util.Map;
import java.util.Objects;

/**
 * A job execution as the Jobs MQTT API sends it (in describe, start-next and notify-next replies).
 * Timestamps are epoch seconds. The job document is kept as JSON; decode it into your own type with
 * {@code JobDocumentType.decode} (package {@code jobs}).
 *
 * @param jobId the job's id (1-64 characters)
 * @param thingName the thing it runs on, when the service includes it
 * @param status the execution's status
 * @param statusDetails name/value pairs the device reported (empty when none)
 * @param jobDocument the job document, or null when it was not asked for
 * @param versionNumber the execution's version, incremented on every update; the value to send as {@code
 *     expectedVersion} to make an update conditional
 * @param executionNumber which execution of the job on this thing (re-runs get a new number)
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
@JsonPropertyOrder({"jobId", "thingName", "status", "statusDetails", "queuedAt", "startedAt", "lastUpdatedAt",
    "versionNumber", "executionNumber", "approximateSecondsBeforeTimedOut", "jobDocument"})
public record JobExecution(
    String jobId,
    String thingName,
    JobExecutionStatus status,
    Map<String, String> statusDetails,
    Long queuedAt,
    Long startedAt,
    Long lastUpdatedAt,
    Long versionNumber,
    Long executionNumber,
    Long approximateSecondsBeforeTimedOut,
    JsonNode jobDocument) {

  public JobExecution {
    Objects.requireNonNull(jobId, "jobId");
    status = status == null ? JobExecutionStatus.UNKNOWN : status;
    statusDetails = statusDetails == null ? Map.of() : Map.copyOf(statusDetails);
  }

  /** The version, or 0 when the service did not send one. */
  public long version() {
    return versionNumber == null ? 0 : versionNumber;
  }

  /** The execution number, or 0 when the service did not send one. */
  public long execution() {
    return executionNumber == null ? 0 : executionNumber;
  }
}
