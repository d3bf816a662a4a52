package dev.thingbridge.jobs.model;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyOrder;
import java.util.Map;

/**
 * StartNextPendingJobExecution, published to {@code $aws/things/{thing}/jobs/start-next}: moves the next
 * QUEUED execution to IN_PROGRESS (an execution already IN_PROGRESS is returned as it is).
 *
 * @param statusDetails details to store on the started execution; null to send none
 * @param stepTimeoutInMinutes 1-10080; the execution times out unless updated within it; null for none
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
@JsonPropertyOrder({"statusDetails", "stepTimeoutInMinutes", "clientToken"})
public record StartNextPendingJobExecutionRequest(
    Map<String, String> statusDetails, Integer stepTimeoutInMinutes, String clientToken) {
  public StartNextPendingJobExecutionRequest {
    statusDetails = statusDetails == null ? null : JobLimits.checkStatusDetails(statusDetails);
    if (stepTimeoutInMinutes != null && (stepTimeoutInMinutes < 1 || stepTimeoutInMinutes > 10_080)) {
      throw new IllegalArgumentException("stepTimeoutInMinutes must be 1..10080: " + stepTimeoutInMinutes);
    }
    JobLimits.checkClientToken(clientToken);
  }

  public StartNextPendingJobExecutionRequest withClientToken(String token) {
    return new StartNextPendingJobExecutionRequest(statusDetails, stepTimeoutInMinutes, token);
  }
}
