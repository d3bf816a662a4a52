package dev.thingbridge.mqtt;

import java.time.Duration;
import java.util.List;
import java.util.Objects;

/**
 * One request of an AWS IoT request/response API (Jobs, Shadows, Commands, Fleet Provisioning): the
 * request to publish and the pair of reply topics it is answered on. Sent by {@link MqttRequester}.
 *
 * @param topic the topic to publish the request to
 * @param payload the request payload
 * @param properties MQTT 5 properties of the request (content type for CBOR, for instance)
 * @param acceptedTopic the exact topic the success reply arrives on
 * @param rejectedTopic the exact topic the error reply arrives on
 * @param replyFilters the filters to keep subscribed for the replies; usually wildcards covering the reply
 *     topics of many requests (such as {@code $aws/things/T/jobs/+/update/accepted}), so one broker
 *     subscription serves every job instead of one per job id
 * @param clientToken the correlation token the reply echoes; {@code null} for APIs without one (Commands),
 *     whose replies are then matched in request order per reply topic
 * @param timeout how long to wait for the reply, counted from the call
 */
public record MqttRequest(
    String topic,
    byte[] payload,
    MessageProperties properties,
    String acceptedTopic,
    String rejectedTopic,
    List<SubscriptionFilter> replyFilters,
    String clientToken,
    Duration timeout) {

  public MqttRequest {
    Topics.requireValidTopic(topic, Topics.MQTT_MAX_TOPIC_BYTES);
    Objects.requireNonNull(payload, "payload");
    Objects.requireNonNull(properties, "properties");
    Topics.requireValidTopic(acceptedTopic, Topics.MQTT_MAX_TOPIC_BYTES);
    Topics.requireValidTopic(rejectedTopic, Topics.MQTT_MAX_TOPIC_BYTES);
    replyFilters = List.copyOf(replyFilters);
    if (replyFilters.stream().noneMatch(f -> Topics.matches(f.filter(), acceptedTopic))
        || replyFilters.stream().noneMatch(f -> Topics.matches(f.filter(), rejectedTopic))) {
      throw new IllegalArgumentException(
          "the reply filters " + replyFilters + " must cover " + acceptedTopic + " and " + rejectedTopic);
    }
    if (clientToken != null && clientToken.isEmpty()) {
      throw new IllegalArgumentException("clientToken must not be empty (use null for none)");
    }
    Objects.requireNonNull(timeout, "timeout");
    if (timeout.isNegative() || timeout.isZero()) {
      throw new IllegalArgumentException("timeout must be positive: " + timeout);
    }
  }

  /** A request whose replies are subscribed exactly (no wildcard), at QoS 1. */
  public static MqttRequest of(
      String topic, byte[] payload, String acceptedTopic, String rejectedTopic, String clientToken,
      Duration timeout) {
    return new MqttRequest(topic, payload, MessageProperties.NONE, acceptedTopic, rejectedTopic,
        List.of(SubscriptionFilter.of(acceptedTopic, QoS.AT_LEAST_ONCE),
            SubscriptionFilter.of(rejectedTopic, QoS.AT_LEAST_ONCE)),
        clientToken, timeout);
  }

  @Override
  public String toString() {
    return "MqttRequest[" + topic + ", " + payload.length + " bytes, token=" + clientToken + "]";
  }

  @Override
  public boolean equals(Object o) {
    return this == o;
  }

  @Override
  public int hashCode() {
    return System.identityHashCode(this);
  }
}
