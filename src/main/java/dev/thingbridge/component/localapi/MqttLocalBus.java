package dev.thingbridge.component.localapi;

import dev.thingbridge.mqtt.ConnectionListener;
import dev.thingbridge.mqtt.MqttClient;
import dev.thingbridge.mqtt.QoS;
import dev.thingbridge.mqtt.SubscriptionFilter;
import dev.thingbridge.greengrass.LocalTopicMessage;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.function.Consumer;

/**
 * The local API's publish/subscribe over an MQTT client, for {@code run} outside Greengrass: the client is on a
 * broker of its own that other processes of the machine reach through an MQTT server on loopback, so they use the
 * local API with any MQTT client, on the same topics and payloads as sibling components under Greengrass.
 * Messages go at QoS 1; a subscription's messages arrive in order.
 */
public final class MqttLocalBus implements LocalBus {
  private final MqttClient mqtt;

  /** A bus on {@code mqtt}; the caller keeps owning (and closes) the client. */
  public MqttLocalBus(MqttClient mqtt) {
    this.mqtt = Objects.requireNonNull(mqtt, "mqtt");
  }

  @Override
  public CompletableFuture<Void> publish(String topic, byte[] payload) {
    return mqtt.publish(topic, payload, QoS.AT_LEAST_ONCE, false);
  }

  @Override
  public CompletableFuture<AutoCloseable> subscribe(String filter, Consumer<LocalTopicMessage> onMessage) {
    Objects.requireNonNull(onMessage, "onMessage");
    return mqtt.subscribe(List.of(SubscriptionFilter.of(filter, QoS.AT_LEAST_ONCE)),
        m -> onMessage.accept(new LocalTopicMessage(m.topic(), m.payload(), false))).thenApply(s -> s);
  }

  @Override
  public void onReconnected(Runnable action) {
    mqtt.addConnectionListener(new ConnectionListener() {
      @Override
      public void onConnected(boolean sessionPresent) {
        action.run();
      }
    });
  }
}
