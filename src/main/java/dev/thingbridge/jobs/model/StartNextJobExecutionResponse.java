package dev.thingbridge.jobs.model;

import java.util.Optional;

/** The accepted reply to StartNextPendingJobExecution; no execution when nothing was pending. */
public record StartNextJobExecutionResponse(JobExecution execution, Long timestamp, String clientToken) {
  public Optional<JobExecution> executionIfAny() {
    return Optional.ofNullable(execution);
  }
}
