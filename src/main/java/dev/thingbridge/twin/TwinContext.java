package dev.thingbridge.twin;

import dev.thingbridge.mqtt.MqttMessage;
import java.time.Instant;
import java.util.concurrent.CompletableFuture;
import java.util.function.Function;
import java.util.function.Supplier;

/** What the {@link Twin} offers its services besides requests: time, limits and exclusive access. */
public interface TwinContext {
  /** The twin's clock (a fixed or stepped clock in tests). */
  Instant now();

  /** The limits the twin enforces (relaxed by default, AWS's with {@code --aws-limits}). */
  TwinLimits limits();

  /**
   * Runs a control-plane operation under the twin's lock, like a device request: the operation may publish
   * through the outbox it is given (in order, after nothing else), and if {@code service} reports a change
   * through the operation's result the state is saved.
   *
   * @param service the service whose state the operation may change (saved afterwards)
   * @param operation the operation; it receives the outbox for notifications it causes
   */
  <R> R exclusive(TwinService service, Function<TwinOutbox, R> operation);

  /**
   * Runs a read-only control-plane operation (get, describe, list) under the twin's lock, so it sees a
   * consistent state, without saving anything and without an outbox: a read publishes nothing.
   *
   * <p>The default runs it through {@link #exclusive} (correct, but saves the state for nothing); the
   * twin's own context skips the save.
   *
   * @param service the service whose state the operation reads
   * @param operation the operation; it must not change persistent state
   */
  default <R> R read(TwinService service, Supplier<R> operation) {
    return exclusive(service, out -> operation.get());
  }

  /**
   * The data plane's {@code Publish} as a device would do it: the message goes out on the broker, and every
   * service of the twin whose {@link TwinService#filters()} match its topic handles it as a device request
   * (the twin subscribes with No Local, so it never hears its own publishes from the broker). The replies
   * follow the message, in order.
   *
   * <p>The default only publishes on the broker through {@link #exclusive}; the twin's own context also
   * routes the message to its services.
   *
   * @param service the service on whose behalf the message is published
   * @return completes when the broker has the message (QoS 1) or it is sent (QoS 0)
   */
  default CompletableFuture<Void> publish(TwinService service, MqttMessage message) {
    exclusive(service, out -> {
      out.publish(message);
      return null;
    });
    return CompletableFuture.completedFuture(null);
  }
}
