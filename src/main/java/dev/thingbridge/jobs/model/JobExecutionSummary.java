package dev.thingbridge.jobs.model;

import com.fasterxml.jackson.annotation.JsonInclude;
import java.util.Objects;

/** One entry of a pending-executions list ({@code get} reply and {@code notify}). Epoch seconds. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record JobExecutionSummary(
    String jobId, Long queuedAt, Long startedAt, Long lastUpdatedAt, Long versionNumber, Long executionNumber) {
  public JobExecutionSummary {
    Objects.requireNonNull(jobId, "jobId");
  }
}
