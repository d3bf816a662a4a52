package dev.thingbridge.shadows;

import dev.thingbridge.mqtt.MqttException;
import dev.thingbridge.shadows.model.ShadowError;
import java.util.Optional;

/**
 * The Device Shadow service rejected a request. Carries the cloud's code as a typed value and its message, and
 * where it happened: the thing, the shadow, the request topic and the clientToken.
 */
public class ShadowException extends MqttException {
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

  /** The request topic. */
  public String topic() {
    return topic;
  }

  public String clientToken() {
    return clientToken;
  }
}
