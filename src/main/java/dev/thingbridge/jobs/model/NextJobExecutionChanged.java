package dev.thingbridge.jobs.model;

import java.util.Optional;

/**
 * A {@code notify-next} message: the head of the thing's pending queue changed. Without an execution the
 * queue is empty (or the previous head was canceled, removed or timed out).
 */
public record NextJobExecutionChanged(JobExecution execution, Long timestamp) {
  public Optional<JobExecution> executionIfAny() {
    return Optional.ofNullable(execution);
  }
}
