package dev.thingbridge.jobs.model;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyOrder;

/**
 * DescribeJobExecution, published to {@code $aws/things/{thing}/jobs/{jobId}/get} ({@code jobId} may be
 * {@code $next}). Every field is optional; absent ones are not sent.
 *
 * @param executionNumber which execution; the latest when absent
 * @param includeJobDocument whether to include the job document; the service's default is true
 * @param clientToken echoed in the reply; the client fills in a fresh one when absent
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
@JsonPropertyOrder({"executionNumber", "includeJobDocument", "clientToken"})
public record DescribeJobExecutionRequest(Long executionNumber, Boolean includeJobDocument, String clientToken) {
  /** The latest execution with its job document. */
  public static final DescribeJobExecutionRequest LATEST = new DescribeJobExecutionRequest(null, null, null);

  public DescribeJobExecutionRequest {
    if (executionNumber != null && executionNumber < 1) {
      throw new IllegalArgumentException("executionNumber must be positive: " + executionNumber);
    }
    JobLimits.checkClientToken(clientToken);
  }

  public DescribeJobExecutionRequest withClientToken(String token) {
    return new DescribeJobExecutionRequest(executionNumber, includeJobDocument, token);
  }
}
