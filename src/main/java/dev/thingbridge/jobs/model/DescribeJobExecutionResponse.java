package dev.thingbridge.jobs.model;

import java.util.Optional;

/** The accepted reply to DescribeJobExecution; for {@code $next} with nothing pending there is no execution. */
public record DescribeJobExecutionResponse(JobExecution execution, Long timestamp, String clientToken) {
  public Optional<JobExecution> executionIfAny() {
    return Optional.ofNullable(execution);
  }
}
