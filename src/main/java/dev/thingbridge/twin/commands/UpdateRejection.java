package dev.thingbridge.twin.commands;

/**
 * Why the cloud rejects a device's update, with the error codes AWS publishes on {@code .../response/rejected}
 * (upper snake case, as observed from the live service).
 */
final class UpdateRejection extends Exception {
  /** The {@code error} field of the rejected document. */
  public enum Code {
    INVALID_TOPIC,
    INVALID_JSON,
    INVALID_REQUEST,
    INVALID_STATE_TRANSITION,
    RESOURCE_NOT_FOUND,
    VERSION_MISMATCH,
    INTERNAL_ERROR,
    REQUEST_THROTTLED,
    TERMINAL_STATE_REACHED
  }

  private final Code code;

  public UpdateRejection(Code code, String message) {
    super(message, null, false, false);
    this.code = code;
  }

  public Code code() {
    return code;
  }
}
