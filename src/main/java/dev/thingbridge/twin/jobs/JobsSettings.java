package dev.thingbridge.twin.jobs;

/**
 * Choices where AWS's documentation is ambiguous or has changed over time.
 *
 * @param notifyListLimit the most pending executions a {@code jobs/notify} message lists (the current
 *     developer guide says 15; older text said 10)
 * @param rejectDescribeOfTerminalExecution whether {@code {jobId}/get} on an execution in a terminal state
 *     is rejected with {@code TerminalStateReached} (the documented meaning of that code) instead of
 *     returning the execution
 */
public record JobsSettings(int notifyListLimit, boolean rejectDescribeOfTerminalExecution) {
  /** What the twin does unless told otherwise: the documented behaviour. */
  public static final JobsSettings DEFAULT = new JobsSettings(15, true);

  public JobsSettings {
    if (notifyListLimit < 1) {
      throw new IllegalArgumentException("notifyListLimit must be positive");
    }
  }
}
