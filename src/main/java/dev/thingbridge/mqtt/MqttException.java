package dev.thingbridge.mqtt;

/** Base of every failure the MQTT layer reports. Unchecked: futures complete exceptionally with these. */
public class MqttException extends RuntimeException {
  public MqttException(String message) {
    super(message);
  }

  public MqttException(String message, Throwable cause) {
    super(message, cause);
  }
}
