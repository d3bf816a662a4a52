package dev.thingbridge.jobs;

import dev.thingbridge.jobs.model.JobLimits;
import dev.thingbridge.jobs.model.JobExecutionStatus;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;

/**
 * How a job ended on the device: the terminal status to report and its statusDetails.
 *
 * @param status SUCCEEDED, FAILED or REJECTED
 * @param statusDetails details stored on the execution (checked against the Jobs limits)
 */
public record JobOutcome(JobExecutionStatus status, Map<String, String> statusDetails) {
  public JobOutcome {
    Objects.requireNonNull(status, "status");
    if (status != JobExecutionStatus.SUCCEEDED && status != JobExecutionStatus.FAILED && status != JobExecutionStatus.REJECTED) {
      throw new IllegalArgumentException("an outcome is SUCCEEDED, FAILED or REJECTED, not " + status);
    }
    statusDetails = JobLimits.checkStatusDetails(statusDetails == null ? Map.of() : statusDetails);
  }

  public static JobOutcome succeeded() {
    return new JobOutcome(JobExecutionStatus.SUCCEEDED, Map.of());
  }

  public static JobOutcome succeeded(Map<String, String> details) {
    return new JobOutcome(JobExecutionStatus.SUCCEEDED, details);
  }

  public static JobOutcome failed(Map<String, String> details) {
    return new JobOutcome(JobExecutionStatus.FAILED, details);
  }

  /** FAILED with {@code reason} in statusDetails (made to fit: control characters removed, cut to 1024). */
  public static JobOutcome failed(String reason) {
    return new JobOutcome(JobExecutionStatus.FAILED, Map.of("reason", JobLimits.toDetailValue(reason)));
  }

  /** REJECTED with {@code reason} in statusDetails, as rustot's {@code reject_job} sends it. */
  public static JobOutcome rejected(String reason) {
    return new JobOutcome(JobExecutionStatus.REJECTED, Map.of("reason", JobLimits.toDetailValue(reason)));
  }

  /** A copy with one more detail. */
  public JobOutcome withDetail(String key, String value) {
    Map<String, String> m = new LinkedHashMap<>(statusDetails);
    m.put(key, value);
    return new JobOutcome(status, m);
  }
}
