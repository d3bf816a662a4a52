package dev.thingbridge.jobs.model;

import com.fasterxml.jackson.annotation.JsonInclude;

/** GetPendingJobExecutions, published to {@code $aws/things/{thing}/jobs/get}. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record GetPendingJobExecutionsRequest(String clientToken) {
  public GetPendingJobExecutionsRequest {
    JobLimits.checkClientToken(clientToken);
  }
}
