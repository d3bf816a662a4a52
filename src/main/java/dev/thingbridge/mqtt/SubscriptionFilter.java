package dev.thingbridge.mqtt;

import java.util.Objects;

/**
 * One topic filter of a subscribe request.
 *
 * @param filter the MQTT topic filter ({@code +} and {@code #} allowed)
 * @param qos the maximum QoS to receive with
 * @param noLocal MQTT 5 No Local: the broker does not send back what this client published itself. Ignored
 *     by the Greengrass IPC backend, which cannot ask for it.
 */
public record SubscriptionFilter(String filter, QoS qos, boolean noLocal) {
  public SubscriptionFilter {
    Objects.requireNonNull(filter, "filter");
    Objects.requireNonNull(qos, "qos");
    Topics.requireValidFilter(filter, Topics.MQTT_MAX_TOPIC_BYTES);
  }

  /** A filter without No Local. */
  public static SubscriptionFilter of(String filter, QoS qos) {
    return new SubscriptionFilter(filter, qos, false);
  }
}
