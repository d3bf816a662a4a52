package dev.thingbridge.sibling;

import java.util.Objects;

/**
 * A local API request failed: the component answered with an error, or the client could not get an answer.
 * {@link #code()} says which; the message is the component's (or the client's) one line.
 */
public class LocalApiException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  private final LocalApiErrorCode code;
  private final String operation;

  public LocalApiException(LocalApiErrorCode code, String operation, String message) {
    this(code, operation, message, null);
  }

  public LocalApiException(LocalApiErrorCode code, String operation, String message, Throwable cause) {
    super(operation + ": " + code + ": " + message, cause);
    this.code = Objects.requireNonNull(code, "code");
    this.operation = operation;
  }

  /** Why it failed. */
  public LocalApiErrorCode code() {
    return code;
  }

  /** The operation, {@code service/operation}. */
  public String operation() {
    return operation;
  }
}
