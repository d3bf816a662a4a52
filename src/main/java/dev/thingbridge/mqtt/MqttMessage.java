package dev.thingbridge.mqtt;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Objects;

/**
 * One MQTT application message, outbound or inbound.
 *
 * <p>The payload array is owned by the message: callers must not change it after construction, and
 * receivers get their own copy per subscription only where a backend must copy anyway.
 *
 * @param topic the topic name (no wildcards)
 * @param payload the payload bytes, never null (may be empty)
 * @param qos the quality of service: for an inbound message, the level it was delivered with
 * @param retain the retain flag
 * @param properties MQTT 5 properties; {@link MessageProperties#NONE} when there are none
 */
public record MqttMessage(
    String topic, byte[] payload, QoS qos, boolean retain, MessageProperties properties) {

  public MqttMessage {
    Objects.requireNonNull(topic, "topic");
    Objects.requireNonNull(payload, "payload");
    Objects.requireNonNull(qos, "qos");
    Objects.requireNonNull(properties, "properties");
  }

  /** A message with no MQTT 5 properties and no retain flag. */
  public static MqttMessage of(String topic, byte[] payload, QoS qos) {
    return new MqttMessage(topic, payload, qos, false, MessageProperties.NONE);
  }

  /** A message with a UTF-8 text payload, no properties and no retain flag. */
  public static MqttMessage of(String topic, String payload, QoS qos) {
    return of(topic, payload.getBytes(StandardCharsets.UTF_8), qos);
  }

  /** The payload decoded as UTF-8 (malformed bytes become U+FFFD). */
  public String payloadAsString() {
    return new String(payload, StandardCharsets.UTF_8);
  }

  /** A copy with another QoS (what a subscriber with a lower maximum QoS receives). */
  public MqttMessage withQos(QoS newQos) {
    return newQos == qos ? this : new MqttMessage(topic, payload, newQos, retain, properties);
  }

  /** A copy with other properties. */
  public MqttMessage withProperties(MessageProperties newProperties) {
    return new MqttMessage(topic, payload, qos, retain, newProperties);
  }

  /** A copy with another retain flag. */
  public MqttMessage withRetain(boolean newRetain) {
    return newRetain == retain ? this : new MqttMessage(topic, payload, qos, newRetain, properties);
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof MqttMessage m
        && topic.equals(m.topic)
        && Arrays.equals(payload, m.payload)
        && qos == m.qos
        && retain == m.retain
        && properties.equals(m.properties);
  }

  @Override
  public int hashCode() {
    return Objects.hash(topic, Arrays.hashCode(payload), qos, retain, properties);
  }

  @Override
  public String toString() {
    return "MqttMessage[topic=" + topic + ", " + payload.length + " bytes, qos=" + qos.level()
        + (retain ? ", retain" : "") + (properties.isEmpty() ? "" : ", " + properties) + "]";
  }
}
