package dev.thingbridge.mqtt.local;

import dev.thingbridge.mqtt.MqttClosedException;
import dev.thingbridge.mqtt.MqttLimits;
import dev.thingbridge.mqtt.MqttMessage;
import dev.thingbridge.mqtt.MqttNotConnectedException;
import dev.thingbridge.mqtt.SubscriptionFilter;
import dev.thingbridge.mqtt.internal.AbstractMqttClient;
import java.util.concurrent.CompletableFuture;

/**
 * A client of a {@link LocalBroker}. Publishes complete once routed (every subscriber has the message
 * queued), which for QoS 1 stands in for the PUBACK.
 */
public final class LocalMqttClient extends AbstractMqttClient {
  private static final int PULL_QUEUE_CAPACITY = 100_000;

  private final LocalBroker broker;
  private volatile boolean takenOver;

  LocalMqttClient(LocalBroker broker, String clientId, MqttLimits limits) {
    super(clientId, limits, PULL_QUEUE_CAPACITY);
    this.broker = broker;
  }

  @Override
  protected CompletableFuture<Void> doPublish(MqttMessage message) {
    return run(() -> broker.publish(clientId(), message));
  }

  @Override
  protected CompletableFuture<Void> doSubscribe(SubscriptionFilter filter) {
    return run(() -> broker.subscribe(clientId(), filter));
  }

  @Override
  protected CompletableFuture<Void> doUnsubscribe(String filter) {
    return run(() -> broker.unsubscribe(clientId(), filter));
  }

  @Override
  protected void doClose() {
    broker.disconnect(this);
  }

  void receive(MqttMessage message) {
    deliver(message);
  }

  void brokerConnected(boolean sessionPresent) {
    if (!takenOver) {
      connected(sessionPresent);
    }
  }

  void brokerDisconnected(String reason) {
    disconnected(reason);
  }

  void takenOver() {
    takenOver = true;
    disconnected("session taken over by another client with id " + clientId());
  }

  private CompletableFuture<Void> run(Runnable op) {
    if (takenOver) {
      return CompletableFuture.failedFuture(
          new MqttNotConnectedException("session taken over by another client with id " + clientId()));
    }
    try {
      op.run();
      return CompletableFuture.completedFuture(null);
    } catch (MqttNotConnectedException | MqttClosedException e) {
      return CompletableFuture.failedFuture(e);
    }
  }
}
