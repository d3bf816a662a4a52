package dev.thingbridge.shadows;

import dev.thingbridge.mqtt.MqttException;

/**
 * A {@link ShadowManager} operation on one named shadow failed: the Device Shadow service rejected it (with
 * its HTTP-like {@link #code()}: 400, 401, 403, 404, 409, 413, 415, 429, 500), the shadow is not managed, or the
 * reply could not be read. Timeouts, disconnections and a closed client fail operations with the MQTT layer's
 * own exceptions instead ({@code MqttTimeoutException}, ...).
 */
public final class ShadowManagerException extends MqttException {
  private static final long serialVersionUID = 1L;

  /** What went wrong. */
  public enum Reason {
    /** The service answered on the {@code rejected} topic; see {@link #code()} and {@link #errorMessage()}. */
    REJECTED,
    /** The id is not (or no longer) one of the manager's shadows. */
    NOT_MANAGED,
    /** The accepted reply was not a shadow document. */
    MALFORMED_REPLY
  }

  private final Reason reason;
  private final String shadowName;
  private final int code;
  private final String errorMessage;
  private final String clientToken;

  public ShadowManagerException(Reason reason, String shadowName, int code, String errorMessage,
      String clientToken) {
    super(describe(reason, shadowName, code, errorMessage));
    this.reason = reason;
    this.shadowName = shadowName;
    this.code = code;
    this.errorMessage = errorMessage == null ? "" : errorMessage;
    this.clientToken = clientToken;
  }

  public Reason reason() {
    return reason;
  }

  /** The full shadow name (prefix and id). */
  public String shadowName() {
    return shadowName;
  }

  /** The service's error code for {@link Reason#REJECTED}, else 0. */
  public int code() {
    return code;
  }

  /** The service's error message ("Version conflict", ...), or a description; never null. */
  public String errorMessage() {
    return errorMessage;
  }

  /** The client token of the failed request, or null. */
  public String clientToken() {
    return clientToken;
  }

  private static String describe(Reason reason, String shadowName, int code, String message) {
    return switch (reason) {
      case REJECTED -> "shadow " + shadowName + ": rejected with " + code
          + (message == null || message.isEmpty() ? "" : " (" + message + ")");
      case NOT_MANAGED -> "shadow " + shadowName + " is not managed";
      case MALFORMED_REPLY -> "shadow " + shadowName + ": unreadable reply: " + message;
    };
  }
}
