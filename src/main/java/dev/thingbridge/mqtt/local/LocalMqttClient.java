package dev.thingbridge.mqtt.local;

import dev.thingbridge.mqtt.MqttClosedException;
import dev.thingbridge.mqtt.MqttLimits;
import dev.thingbridge.mqtt.MqttMessage;
import dev.thingbridge.mqtt.MqttNotConnectedException;
import dev.thingbridge.mqtt.QoS;
import dev.thingbridge.mqtt.SubscriptionFilter;
import dev.thingbridge.mqtt.internal.AbstractMqttClient;
import java.util.List;
import java.util.concurrent.CompletableFuture;

/**
 * A client of a {@link LocalBroker}. Publishes complete once routed (every subscriber has the message
 * queued), which for QoS 1 stands in for the PUBACK.
 */
public final class LocalMqttClient extends AbstractMqttClient {
  private static final int PULL_QUEUE_CAPACITY = 100_000;

  private volatile LocalBroker.Attachment attachment;
  private volatile boolean takenOver;

  LocalMqttClient(String clientId, MqttLimits limits) {
    super(clientId, limits, PULL_QUEUE_CAPACITY);
  }

  /** What the bus calls; kept off this class's public API. */
  LocalBroker.Endpoint endpoint() {
    return new LocalBroker.Endpoint() {
      @Override
      public void onPublish(MqttMessage published, List<SubscriptionFilter> matched) {
        QoS granted = matched.get(0).qos();
        for (SubscriptionFilter f : matched) {
          granted = f.qos().level() > granted.level() ? f.qos() : granted;
        }
        // MQTT 5: the retain flag is cleared on normal delivery unless "retain as published" was asked.
        deliver(published.withQos(granted.min(published.qos())).withRetain(false));
      }

      @Override
      public void onRetained(MqttMessage retained, SubscriptionFilter filter) {
        deliver(retained);
      }

      @Override
      public void onTakenOver() {
        takenOver = true;
        disconnected("session taken over by another client with id " + clientId());
      }

      @Override
      public void onBusStopped() {
        disconnected("broker stopped");
      }

      @Override
      public void onBusStarted(boolean sessionKept) {
        brokerConnected(sessionKept);
      }
    };
  }

  void attached(LocalBroker.Attachment value) {
    this.attachment = value;
  }

  @Override
  protected CompletableFuture<Void> doPublish(MqttMessage message) {
    return run(() -> attachment.publish(message));
  }

  @Override
  protected CompletableFuture<Void> doSubscribe(SubscriptionFilter filter) {
    return run(() -> attachment.subscribe(filter, true));
  }

  @Override
  protected CompletableFuture<Void> doUnsubscribe(String filter) {
    return run(() -> attachment.unsubscribe(filter));
  }

  @Override
  protected void doClose() {
    LocalBroker.Attachment a = attachment;
    if (a != null) {
      a.detach();
    }
  }

  void brokerConnected(boolean sessionPresent) {
    if (!takenOver) {
      connected(sessionPresent);
    }
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
