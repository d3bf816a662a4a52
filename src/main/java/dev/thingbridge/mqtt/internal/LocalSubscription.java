package dev.thingbridge.mqtt.internal;

import dev.thingbridge.mqtt.MqttClosedException;
import dev.thingbridge.mqtt.MqttException;
import dev.thingbridge.mqtt.MqttMessage;
import dev.thingbridge.mqtt.MqttSessionLostException;
import dev.thingbridge.mqtt.MqttTimeoutException;
import dev.thingbridge.mqtt.QoS;
import dev.thingbridge.mqtt.Subscription;
import dev.thingbridge.mqtt.SubscriptionFilter;
import dev.thingbridge.mqtt.SubscriptionListener;
import dev.thingbridge.mqtt.Topics;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/** One local subscription: a listener behind a serial executor, or a bounded queue for pull mode. */
final class LocalSubscription implements Subscription {
  private static final Object SESSION_LOST = new Object();

  private final AbstractMqttClient client;
  private final List<SubscriptionFilter> filters;
  private final SubscriptionListener listener;
  private final SerialExecutor serial;
  private final LinkedBlockingQueue<Object> queue;
  private final AtomicLong dropped = new AtomicLong();
  private volatile MqttException ended;

  LocalSubscription(
      AbstractMqttClient client,
      List<SubscriptionFilter> filters,
      SubscriptionListener listener,
      Executor pool,
      int pullQueueCapacity) {
    this.client = client;
    this.filters = List.copyOf(filters);
    this.listener = listener;
    this.serial = listener == null ? null : new SerialExecutor(pool);
    this.queue = listener == null ? new LinkedBlockingQueue<>(pullQueueCapacity) : null;
  }

  /** The QoS granted by the first filter matching {@code topic}, or null if none matches. */
  QoS matchingQos(String topic) {
    QoS best = null;
    for (SubscriptionFilter f : filters) {
      if (Topics.matches(f.filter(), topic) && (best == null || f.qos().level() > best.level())) {
        best = f.qos();
      }
    }
    return best;
  }

  /** The QoS of {@code brokerFilter} if it is the first of this subscription's filters to match {@code topic}. */
  QoS qosVia(String brokerFilter, String topic) {
    for (SubscriptionFilter f : filters) {
      if (Topics.matches(f.filter(), topic)) {
        return f.filter().equals(brokerFilter) ? f.qos() : null;
      }
    }
    return null;
  }

  void offer(MqttMessage message) {
    if (ended != null) {
      return;
    }
    if (listener instanceof HandOffListener direct) {
      direct.onMessage(message);
    } else if (listener != null) {
      serial.execute(() -> {
        if (ended == null) {
          listener.onMessage(message);
        }
      });
    } else if (!queue.offer(message)) {
      dropped.incrementAndGet();
    }
  }

  void signalSessionLost() {
    if (ended != null) {
      return;
    }
    if (listener != null) {
      serial.execute(() -> {
        if (ended == null) {
          listener.onSessionLost();
        }
      });
    } else {
      queue.offer(SESSION_LOST);
    }
  }

  void end(MqttException reason) {
    ended = reason;
    if (queue != null) {
      queue.clear();
      queue.offer(reason);
    }
  }

  @Override
  public List<SubscriptionFilter> filters() {
    return filters;
  }

  @Override
  public MqttMessage next(Duration timeout) throws InterruptedException {
    if (queue == null) {
      throw new IllegalStateException("this subscription delivers to a listener; next() is for pull mode");
    }
    MqttException e = ended;
    if (e != null && queue.isEmpty()) {
      throw e;
    }
    Object item = queue.poll(timeout.toNanos(), TimeUnit.NANOSECONDS);
    if (item == null) {
      throw new MqttTimeoutException("waiting for a message on " + filters.get(0).filter(), timeout);
    }
    if (item == SESSION_LOST) {
      throw new MqttSessionLostException();
    }
    if (item instanceof MqttException ex) {
      queue.offer(ex); // keep reporting the end to later callers
      throw ex;
    }
    return (MqttMessage) item;
  }

  @Override
  public long droppedMessages() {
    return dropped.get();
  }

  @Override
  public CompletableFuture<Void> unsubscribe() {
    if (ended == null) {
      end(new MqttClosedException("subscription was closed"));
    }
    return client.release(this);
  }

  @Override
  public String toString() {
    return "Subscription" + filters.stream().map(SubscriptionFilter::filter).toList();
  }
}
