package dev.thingbridge.sibling;

/**
 * The {@code error.code} of a failed local API request, and the client's own failures. Stable strings: siblings
 * may switch on them.
 */
public enum LocalApiErrorCode {
  /** The request is malformed: not a JSON object, no correlation id, a missing or invalid field. */
  BAD_REQUEST,
  /** No such service or operation. */
  UNKNOWN_OPERATION,
  /** The thing is not one the component hosts. */
  UNKNOWN_THING,
  /** The shadow, job execution, command execution or MCU does not exist. */
  NOT_FOUND,
  /** The service is turned off in the component's configuration. */
  NOT_ENABLED,
  /** Someone else holds it (a job kind or command claimed by another component), or a version conflict. */
  CONFLICT,
  /** AWS IoT refused the request; the message carries its code and message. */
  REJECTED,
  /** The request or its result is larger than allowed. */
  TOO_LARGE,
  /** No answer in time: from the cloud (component side) or from the component (client side). */
  TIMEOUT,
  /** The component has no connection to the cloud or to the nucleus right now; try again later. */
  UNAVAILABLE,
  /** The caller's accessControl does not allow the IPC call (client side: the nucleus' UnauthorizedError). */
  UNAUTHORIZED,
  /** Anything else that went wrong in the component. */
  INTERNAL;

  /** The code for a wire string; {@link #INTERNAL} for one this client does not know. */
  public static LocalApiErrorCode of(String wire) {
    if (wire != null) {
      for (LocalApiErrorCode c : values()) {
        if (c.name().equals(wire)) {
          return c;
        }
      }
    }
    return INTERNAL;
  }
}
