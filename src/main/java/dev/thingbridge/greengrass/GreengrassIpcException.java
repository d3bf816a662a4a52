package dev.thingbridge.greengrass;

/**
 * A Greengrass IPC call that is not an MQTT operation (configuration, lifecycle, local pub/sub) failed. The
 * {@link Kind} says how, so callers can tell "not allowed" from "not there" from "try later".
 */
public class GreengrassIpcException extends RuntimeException {
  /** Why the call failed. */
  public enum Kind {
    /** The component's {@code accessControl} does not grant the operation ({@code UnauthorizedError}). */
    UNAUTHORIZED,
    /** The key, component or resource does not exist ({@code ResourceNotFoundError}). */
    NOT_FOUND,
    /** The nucleus rejected the request's arguments ({@code InvalidArgumentsError}). */
    INVALID_ARGUMENTS,
    /** The nucleus does not implement the operation (older nucleus, Greengrass Lite). */
    UNSUPPORTED,
    /** Any other nucleus-side failure ({@code ServiceError} and the rest). */
    SERVICE,
    /** The IPC connection is down; the supervisor is reconnecting. */
    NOT_CONNECTED,
    /** No answer within the operation timeout. */
    TIMEOUT,
    /** The {@link GreengrassIpc} was closed. */
    CLOSED
  }

  private final Kind kind;

  public GreengrassIpcException(Kind kind, String message) {
    super(message);
    this.kind = kind;
  }

  public GreengrassIpcException(Kind kind, String message, Throwable cause) {
    super(message, cause);
    this.kind = kind;
  }

  /** How the call failed. */
  public Kind kind() {
    return kind;
  }
}
