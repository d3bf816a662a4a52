package dev.thingbridge.component.localapi;

import dev.thingbridge.greengrass.LocalTopicMessage;
import dev.thingbridge.internal.NamedThreadFactory;
import dev.thingbridge.mqtt.Topics;
import dev.thingbridge.mqtt.internal.SerialExecutor;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.function.Consumer;

/**
 * Local publish/subscribe inside one process, for {@code thingbridge local} and tests: MQTT-style filters, each
 * subscription served in order on a shared pool of daemon threads ({@code thingbridge-localbus-N}).
 */
public final class InProcessLocalBus implements LocalBus, AutoCloseable {
  private final ExecutorService pool = Executors.newCachedThreadPool(new NamedThreadFactory("thingbridge-localbus", true));
  private final List<Sub> subscriptions = new CopyOnWriteArrayList<>();
  private volatile boolean closed;

  private final class Sub implements AutoCloseable {
    final String filter;
    final Consumer<LocalTopicMessage> consumer;
    final SerialExecutor serial = new SerialExecutor(pool);

    Sub(String filter, Consumer<LocalTopicMessage> consumer) {
      this.filter = filter;
      this.consumer = consumer;
    }

    @Override
    public void close() {
      subscriptions.remove(this);
    }
  }

  @Override
  public CompletableFuture<Void> publish(String topic, byte[] payload) {
    if (closed) {
      return CompletableFuture.failedFuture(new IllegalStateException("the local bus is closed"));
    }
    byte[] copy = payload.clone();
    for (Sub s : subscriptions) {
      if (Topics.matches(s.filter, topic)) {
        s.serial.execute(() -> s.consumer.accept(new LocalTopicMessage(topic, copy, false)));
      }
    }
    return CompletableFuture.completedFuture(null);
  }

  @Override
  public CompletableFuture<AutoCloseable> subscribe(String filter, Consumer<LocalTopicMessage> onMessage) {
    Sub s = new Sub(filter, onMessage);
    subscriptions.add(s);
    return CompletableFuture.completedFuture(s);
  }

  @Override
  public void onReconnected(Runnable action) {
    // Never disconnected.
  }

  @Override
  public void close() {
    closed = true;
    subscriptions.clear();
    pool.shutdownNow();
  }
}
