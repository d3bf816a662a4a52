package dev.thingbridge.mqtt.internal;

import dev.thingbridge.mqtt.MqttClosedException;
import dev.thingbridge.mqtt.MqttMessage;
import dev.thingbridge.mqtt.MqttNotConnectedException;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import java.util.function.Function;

/**
 * QoS 1 publishes made while a client reconnects: held in call order and sent, in that order, once the
 * connection is back and, after a lost session, the subscriptions are renewed (the answer to a request must find
 * its subscription), so that every backend behaves as an MQTT client with an offline queue does. A publish
 * whose connection does not return within the hold time fails with {@link MqttNotConnectedException} and is
 * never sent afterwards.
 *
 * <p>Every method but {@link #drain} runs under the owning client's lock, which is also the lock this class
 * takes when a hold expires on the timer thread and while {@link #drain} takes the next publish.
 */
final class HeldPublishes {
  private record Held(MqttMessage message, CompletableFuture<Void> result) {}

  private final Object lock;
  private final ScheduledExecutorService timer;
  private final Duration hold;
  private final ArrayDeque<Held> queue = new ArrayDeque<>();
  private boolean draining;
  /** The client renews its subscriptions after a lost session: nothing is sent until they are back. */
  private boolean resubscribing;

  HeldPublishes(Object lock, ScheduledExecutorService timer, Duration hold) {
    this.lock = lock;
    this.timer = timer;
    this.hold = hold;
  }

  /**
   * Whether a new publish must queue behind held ones (some are held, or they are being sent) or wait for the
   * subscriptions to be renewed.
   */
  boolean mustQueue() {
    return draining || resubscribing || !queue.isEmpty();
  }

  /** Holds every publish while true (the subscriptions are being renewed); then {@link #startDraining} sends them. */
  void resubscribing(boolean value) {
    resubscribing = value;
  }

  /** How long a publish is held at most, in milliseconds. */
  long holdMillis() {
    return hold.toMillis();
  }

  /** Holds a publish until {@link #sendAll} or the hold time ends; the future completes as the publish does. */
  CompletableFuture<Void> hold(MqttMessage message) {
    Held held = new Held(message, new CompletableFuture<>());
    try {
      ScheduledFuture<?> expiry = timer.schedule(() -> expire(held), hold.toMillis(), TimeUnit.MILLISECONDS);
      held.result().whenComplete((v, e) -> expiry.cancel(false));
    } catch (RejectedExecutionException closing) {
      held.result().completeExceptionally(new MqttClosedException("publish to " + message.topic()
          + " failed: the client is closing"));
      return held.result();
    }
    queue.add(held);
    return held.result();
  }

  /**
   * Starts sending what is held; publishes made while it runs are held behind the rest. Call under the lock
   * when the connection came back; if it answers true, run {@link #drain} outside the lock (false: nothing
   * is held, or a drain already runs and will take what was added).
   */
  boolean startDraining() {
    if (draining || resubscribing || queue.isEmpty()) {
      return false;
    }
    draining = true;
    return true;
  }

  /**
   * Sends every held publish in call order through {@code send}, which must not block, taking the lock only
   * to take the next one, and stopping when the connection is lost again (the next connection resumes): the
   * send runs outside the lock, because a synchronous transport (the in-process broker)
   * takes its own lock and calls back into the client under that lock.
   */
  void drain(Function<MqttMessage, CompletableFuture<Void>> send, BooleanSupplier connected) {
    while (true) {
      Held next;
      synchronized (lock) {
        next = connected.getAsBoolean() && !resubscribing ? queue.poll() : null;
        if (next == null) {
          draining = false;
          return;
        }
      }
      CompletableFuture<Void> result = next.result();
      CompletableFuture<Void> sent;
      try {
        sent = send.apply(next.message());
      } catch (RuntimeException e) {
        sent = CompletableFuture.failedFuture(e);
      }
      sent.whenComplete((v, e) -> {
        if (e == null) {
          result.complete(null);
        } else {
          result.completeExceptionally(e);
        }
      });
    }
  }

  /** Fails every held publish with {@code failure}; used when the client closes. */
  void failAll(RuntimeException failure) {
    List<Held> all = new ArrayList<>(queue);
    queue.clear();
    all.forEach(h -> h.result().completeExceptionally(failure));
  }

  private void expire(Held held) {
    boolean removed;
    synchronized (lock) {
      removed = queue.remove(held);
    }
    if (removed) {
      held.result().completeExceptionally(new MqttNotConnectedException("publish to " + held.message().topic()
          + " not sent: the connection did not come back within " + hold.toMillis() + " ms"));
    }
  }
}
