package dev.thingbridge.twin.jobs;

/**
 * The status of a job execution, as AWS IoT Jobs reports it. A device may set {@link #IN_PROGRESS},
 * {@link #SUCCEEDED}, {@link #FAILED} and {@link #REJECTED}; the service sets the others.
 */
public enum ExecutionStatus {
  QUEUED(false),
  IN_PROGRESS(false),
  SUCCEEDED(true),
  FAILED(true),
  TIMED_OUT(true),
  REJECTED(true),
  REMOVED(true),
  CANCELED(true);

  private final boolean terminal;

  ExecutionStatus(boolean terminal) {
    this.terminal = terminal;
  }

  /** True for the end states: nothing moves an execution out of them. */
  public boolean isTerminal() {
    return terminal;
  }

  /** True for QUEUED and IN_PROGRESS: the execution is on the thing's pending list. */
  public boolean isPending() {
    return !terminal;
  }

  /**
   * Whether a device's UpdateJobExecution may move an execution from {@code from} to {@code to}: out of
   * QUEUED or IN_PROGRESS into IN_PROGRESS, SUCCEEDED, FAILED or REJECTED (IN_PROGRESS to IN_PROGRESS
   * reports progress). Everything else is an InvalidStateTransition.
   */
  public static boolean deviceMayMove(ExecutionStatus from, ExecutionStatus to) {
    if (from.terminal) {
      return false;
    }
    return to == IN_PROGRESS || to == SUCCEEDED || to == FAILED || to == REJECTED;
  }

  /** The status of a name, or null if it is none of AWS's. */
  public static ExecutionStatus parse(String name) {
    for (ExecutionStatus s : values()) {
      if (s.name().equals(name)) {
        return s;
      }
    }
    return null;
  }
}
