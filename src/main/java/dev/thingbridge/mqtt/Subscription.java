package dev.thingbridge.mqtt;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;

/**
 * A live subscription to one or more topic filters. Messages arrive in order, either to the
 * {@link SubscriptionListener} given at subscribe time or, without one, through {@link #next(Duration)}.
 *
 * <p>Several subscriptions on one client may share a filter: each receives every matching message. The
 * broker-level subscription lasts until the last of them is closed.
 */
public interface Subscription extends AutoCloseable {
  /** The filters this subscription covers. */
  List<SubscriptionFilter> filters();

  /**
   * Waits for the next message (pull mode only).
   *
   * @throws MqttTimeoutException if none arrives within {@code timeout}
   * @throws MqttSessionLostException once per session loss, after which messages flow again
   * @throws MqttClosedException once the subscription or its client is closed
   * @throws IllegalStateException if the subscription was made with a listener
   * @throws InterruptedException if the waiting thread is interrupted
   */
  MqttMessage next(Duration timeout) throws InterruptedException;

  /** Messages discarded because the pull queue was full (nobody called {@link #next}). */
  long droppedMessages();

  /**
   * Releases the subscription. The broker is told to unsubscribe once no other subscription of this client
   * uses the same filter. The future completes when that is done (immediately if nothing had to be sent).
   */
  CompletableFuture<Void> unsubscribe();

  /** Same as {@link #unsubscribe()} without waiting. */
  @Override
  default void close() {
    unsubscribe();
  }
}
