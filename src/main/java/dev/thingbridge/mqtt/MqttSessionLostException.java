package dev.thingbridge.mqtt;

/**
 * Raised once by {@link Subscription#next} after the broker dropped the session. The subscription has
 * been renewed; the caller should resynchronise and go on calling {@code next}.
 */
public class MqttSessionLostException extends MqttException {
  public MqttSessionLostException() {
    super("the broker dropped the MQTT session; messages may have been missed");
  }
}
