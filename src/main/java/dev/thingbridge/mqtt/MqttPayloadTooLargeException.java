package dev.thingbridge.mqtt;

/** A publish was larger than the client's {@link MqttLimits#maxPayloadBytes()}; nothing was sent. */
public class MqttPayloadTooLargeException extends MqttException {
  private final int size;
  private final int limit;

  public MqttPayloadTooLargeException(String topic, int size, int limit) {
    super("payload of " + size + " bytes for " + topic + " is over the limit of " + limit + " bytes");
    this.size = size;
    this.limit = limit;
  }

  public int size() {
    return size;
  }

  public int limit() {
    return limit;
  }
}
