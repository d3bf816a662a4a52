package dev.thingbridge.sibling;

import java.util.Map;
import java.util.Objects;

/**
 * How a job ended in this sibling: SUCCEEDED, FAILED or REJECTED, with statusDetails.
 *
 * @param status {@code SUCCEEDED}, {@code FAILED} or {@code REJECTED}
 * @param statusDetails stored on the execution (at most 10; keys 1-128 of {@code [a-zA-Z0-9:_-]})
 */
public record JobResult(String status, Map<String, String> statusDetails) {
  public JobResult {
    Objects.requireNonNull(status, "status");
    if (!status.equals("SUCCEEDED") && !status.equals("FAILED") && !status.equals("REJECTED")) {
      throw new IllegalArgumentException("a job ends SUCCEEDED, FAILED or REJECTED, not " + status);
    }
    statusDetails = statusDetails == null ? Map.of() : Map.copyOf(statusDetails);
  }

  public static JobResult succeeded() {
    return new JobResult("SUCCEEDED", Map.of());
  }

  public static JobResult succeeded(Map<String, String> details) {
    return new JobResult("SUCCEEDED", details);
  }

  public static JobResult failed(String reason) {
    return new JobResult("FAILED", Map.of("reason", reason));
  }

  public static JobResult rejected(String reason) {
    return new JobResult("REJECTED", Map.of("reason", reason));
  }
}
