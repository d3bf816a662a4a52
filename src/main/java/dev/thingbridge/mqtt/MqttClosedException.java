package dev.thingbridge.mqtt;

/** The client or the subscription was closed; the operation cannot complete. */
public class MqttClosedException extends MqttException {
  public MqttClosedException(String message) {
    super(message);
  }
}
