package dev.thingbridge.commands;

/** The status of a command execution as the device reports it. Unknown values read as {@link #UNKNOWN}. */
public enum CommandStatus {
  IN_PROGRESS, SUCCEEDED, FAILED, REJECTED,
  /** Reported by the device itself (the cloud's own TIMED_OUT is not final; the device may still report). */
  TIMED_OUT,
  /** A value this version does not know. Never sent. */
  UNKNOWN;

  /** The status of a wire string; {@link #UNKNOWN} for anything else. */
  public static CommandStatus fromWire(String s) {
    for (CommandStatus c : values()) {
      if (c.name().equals(s)) {
        return c;
      }
    }
    return UNKNOWN;
  }
}
