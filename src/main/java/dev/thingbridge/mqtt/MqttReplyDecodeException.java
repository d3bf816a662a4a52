package dev.thingbridge.mqtt;

/** A reply arrived but could not be decoded into the expected type: a payload error, not a transport one. */
public class MqttReplyDecodeException extends MqttException {
  public MqttReplyDecodeException(String message, Throwable cause) {
    super(message, cause);
  }
}
