package dev.thingbridge.shadows;

import dev.thingbridge.mqtt.MqttException;
import dev.thingbridge.shadows.model.ShadowError;
import java.util.Optional;

/**
 * A shadow request failed with a code: the Device Shadow service rejected it (the cloud's code as a typed value and
 * its message), or a {@link ShadowManager} refused to send it ({@link ShadowErrorCode#NOT_MANAGED}). Carries where
 * it happened: the thing, the shadow, the request topic and the clientToken.
 */
public class ShadowException extends MqttException {
  private static final long serialVersionUID = 1L;

  private final ShadowErrorCode code;
  private final int status;
  private final String cloudMessage;
  private final String thingName;
  private final String shadowName;
  private final String topic;
  private final String clientToken;

  public ShadowException(ShadowTopics shadow, String topic, String clientToken, ShadowError error) {
    super("shadow request on " + topic + " rejected: " + error.code()
        + (error.message().isEmpty() ? "" : " (" + error.message() + ")"));
    this.code = ShadowErrorCode.of(error.code());
    this.status = error.code();
    this.cloudMessage = error.message();
    this.thingName = shadow.thingName();
    this.shadowName = shadow.shadowName().orElse(null);
    this.topic = topic;
    this.clientToken = clientToken;
  }

  /**
   * A request this device did not send, such as one for a shadow a {@link ShadowManager} does not manage.
   *
   * @param code the reason, {@link ShadowErrorCode#NOT_MANAGED} for example
   */
  public ShadowException(ShadowTopics shadow, ShadowErrorCode code, String message) {
    super("shadow " + shadow.thingName() + shadow.shadowName().map(n -> "/" + n).orElse("") + ": " + message);
    this.code = code;
    this.status = code.status();
    this.cloudMessage = "";
    this.thingName = shadow.thingName();
    this.shadowName = shadow.shadowName().orElse(null);
    this.topic = shadow.base();
    this.clientToken = null;
  }

  public ShadowErrorCode code() {
    return code;
  }

  /** The numeric code as received (useful when {@link #code()} is {@link ShadowErrorCode#UNKNOWN}). */
  public int status() {
    return status;
  }

  /** The cloud's message, empty when it sent none. */
  public String cloudMessage() {
    return cloudMessage;
  }

  public String thingName() {
    return thingName;
  }

  /** The named shadow, empty for the classic shadow. */
  public Optional<String> shadowName() {
    return Optional.ofNullable(shadowName);
  }

  /** The request topic (the shadow's base topic when nothing was sent). */
  public String topic() {
    return topic;
  }

  /** The request's clientToken, or null when nothing was sent. */
  public String clientToken() {
    return clientToken;
  }
}
