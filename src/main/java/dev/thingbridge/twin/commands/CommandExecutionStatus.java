package dev.thingbridge.twin.commands;

/**
 * The status of a command execution, as AWS IoT names it.
 *
 * <p>CREATED is set by StartCommandExecution; the device reports the others. SUCCEEDED, FAILED and REJECTED are
 * terminal. TIMED_OUT is terminal only when the device reports it: when the cloud sets it because the timeout
 * passed, the device may still report a final status (see {@link CommandExecution#isTerminal()}).
 */
public enum CommandExecutionStatus {
  CREATED,
  IN_PROGRESS,
  SUCCEEDED,
  FAILED,
  REJECTED,
  TIMED_OUT;

  /** Whether a device may report this status (every one but CREATED). */
  public boolean reportableByDevice() {
    return this != CREATED;
  }

  /** Whether a device report of this status ends the execution (all but IN_PROGRESS and CREATED). */
  public boolean endsExecution() {
    return this != CREATED && this != IN_PROGRESS;
  }

  /** The status for a wire name, or null if unknown. */
  public static CommandExecutionStatus fromName(String name) {
    for (CommandExecutionStatus s : values()) {
      if (s.name().equals(name)) {
        return s;
      }
    }
    return null;
  }
}
