package dev.thingbridge.mqtt;

/**
 * Sizes a client checks before it sends anything, so that an oversize message fails with a typed error
 * instead of a disconnect by AWS IoT Core.
 *
 * @param maxPayloadBytes largest payload to publish; AWS IoT Core allows 128 KiB
 * @param maxTopicBytes longest topic name or filter in UTF-8 bytes; AWS IoT Core allows 256
 */
public record MqttLimits(int maxPayloadBytes, int maxTopicBytes) {
  /** AWS IoT Core's limits: 128 KiB payloads and 256-byte topics. */
  public static final MqttLimits AWS_IOT_CORE = new MqttLimits(128 * 1024, 256);

  public MqttLimits {
    if (maxPayloadBytes <= 0) {
      throw new IllegalArgumentException("maxPayloadBytes must be positive: " + maxPayloadBytes);
    }
    if (maxTopicBytes <= 0 || maxTopicBytes > Topics.MQTT_MAX_TOPIC_BYTES) {
      throw new IllegalArgumentException("maxTopicBytes must be 1.." + Topics.MQTT_MAX_TOPIC_BYTES);
    }
  }
}
