package dev.thingbridge.cli;

/** Process exit codes shared by every command, in the spirit of mosquitto_pub/sub. */
public final class ExitCodes {
  /** Done. */
  public static final int OK = 0;
  /** Anything unexpected. */
  public static final int FAILURE = 1;
  /** Bad flags, bad configuration file, bad input. */
  public static final int USAGE = 2;
  /** The connection could not be made or was refused (the broker's reason is printed). */
  public static final int CONNECTION = 3;
  /** A wait ran out. */
  public static final int TIMEOUT = 4;

  private ExitCodes() {}
}
