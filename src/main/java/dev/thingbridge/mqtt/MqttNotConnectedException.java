package dev.thingbridge.mqtt;

/** The operation needs a connection and there is none (for example a QoS 0 publish while offline). */
public class MqttNotConnectedException extends MqttException {
  public MqttNotConnectedException(String message) {
    super(message);
  }

  public MqttNotConnectedException(String message, Throwable cause) {
    super(message, cause);
  }
}
