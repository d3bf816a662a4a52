package dev.thingbridge.cli;

/** Bad input from the user (a flag value, a configuration file): one clear line and exit code 2. */
public class UsageException extends RuntimeException {
  public UsageException(String message) {
    super(message);
  }

  public UsageException(String message, Throwable cause) {
    super(message, cause);
  }
}
