package dev.thingbridge.component.localapi;

import dev.thingbridge.greengrass.LocalTopicMessage;
import java.util.concurrent.CompletableFuture;
import java.util.function.Consumer;

/**
 * Local publish/subscribe as the local API uses it: Greengrass IPC {@code PublishToTopic}/{@code
 * SubscribeToTopic} in a component ({@link IpcLocalBus}), or an in-process bus outside Greengrass and in tests
 * ({@link InProcessLocalBus}). Messages of one subscription arrive in order, on a thread of the bus.
 */
public interface LocalBus {
  /** Publishes a binary message; fails when the bus is not connected. */
  CompletableFuture<Void> publish(String topic, byte[] payload);

  /**
   * Subscribes to a topic or an MQTT-style filter; the subscription survives reconnects. Completes once the bus
   * answered; closing the returned handle ends it.
   */
  CompletableFuture<AutoCloseable> subscribe(String filter, Consumer<LocalTopicMessage> onMessage);

  /** Calls {@code action} each time the bus is connected again after a loss. */
  void onReconnected(Runnable action);
}
