package dev.thingbridge.greengrass.internal;

import dev.thingbridge.mqtt.MessageProperties;
import dev.thingbridge.mqtt.MqttException;
import dev.thingbridge.mqtt.MqttMessage;
import dev.thingbridge.mqtt.MqttNotConnectedException;
import dev.thingbridge.mqtt.QoS;
import dev.thingbridge.mqtt.SubscriptionFilter;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.BiConsumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import software.amazon.awssdk.aws.greengrass.model.IoTCoreMessage;
import software.amazon.awssdk.aws.greengrass.model.MQTTMessage;
import software.amazon.awssdk.aws.greengrass.model.PayloadFormat;
import software.amazon.awssdk.aws.greengrass.model.SubscribeToIoTCoreRequest;
import software.amazon.awssdk.eventstreamrpc.StreamResponseHandler;

/**
 * One {@code SubscribeToIoTCore} stream per topic filter, with rustot's pooling rules.
 *
 * <ul>
 *   <li><b>Linger</b>: a released stream stays open for {@code linger} and is reused if the filter is
 *       subscribed again meanwhile (a generation counter makes the pending eviction a no-op). Terminating a
 *       stream makes the nucleus unsubscribe at the cloud without acknowledgement, so churn loses messages
 *       and leaks nucleus resources.
 *   <li><b>Settle</b>: a filter whose stream was terminated less than {@code settle} ago is re-opened only
 *       after the rest of that time, so the stale terminate reaches the nucleus first.
 *   <li><b>Identity</b>: evictions and stream-closed callbacks only ever remove the slot they belong to, never a
 *       replacement for the same filter.
 * </ul>
 *
 * <p>Threads: events arrive on {@code thingbridge-ipc-dispatch} and are passed to {@code sink} (which only
 * enqueues); timers run on the owning client's timer. {@code lock} guards {@code slots} and
 * {@code terminatedAt}; stream calls are made outside it.
 */
public final class IoTCoreStreamPool {
  private static final Logger log = LoggerFactory.getLogger(IoTCoreStreamPool.class);

  private final IpcConnection ipc;
  private final Duration linger;
  private final Duration settle;
  private final ScheduledExecutorService timer;
  private final BiConsumer<MqttMessage, String> sink;
  private final Object lock = new Object();
  private final Map<String, Slot> slots = new HashMap<>();
  private final Map<String, Long> terminatedAt = new HashMap<>();
  private boolean closed;

  /** One pooled stream. Fields other than the finals are guarded by the pool's lock. */
  final class Slot {
    final String filter;
    final QoS qos;
    final CompletableFuture<Void> acked = new CompletableFuture<>();
    Runnable terminate;
    boolean active = true;
    long generation;
    ScheduledFuture<?> eviction;

    Slot(String filter, QoS qos) {
      this.filter = filter;
      this.qos = qos;
    }
  }

  /**
   * A pool over {@code ipc}.
   *
   * @param linger how long a released stream is kept for reuse (zero: terminated at once)
   * @param settle the wait before re-opening a filter whose stream was just terminated
   * @param timer the owning client's timer, for lingering and settling
   * @param sink receives every inbound message with the filter of the stream it came on; must only enqueue
   */
  public IoTCoreStreamPool(IpcConnection ipc, Duration linger, Duration settle, ScheduledExecutorService timer,
      BiConsumer<MqttMessage, String> sink) {
    this.ipc = ipc;
    this.linger = linger;
    this.settle = settle;
    this.timer = timer;
    this.sink = sink;
  }

  /** Claims the filter's stream, opening one (after the settle time, if needed) when none is pooled. */
  public CompletableFuture<Void> acquire(SubscriptionFilter wanted) {
    Slot fresh;
    Slot replaced;
    long wait;
    synchronized (lock) {
      if (closed) {
        return CompletableFuture.failedFuture(new MqttNotConnectedException("the client is closed"));
      }
      Slot pooled = slots.get(wanted.filter());
      if (pooled != null && pooled.qos.level() >= wanted.qos().level()) {
        pooled.active = true;
        pooled.generation++;
        if (pooled.eviction != null) {
          pooled.eviction.cancel(false);
          pooled.eviction = null;
        }
        return pooled.acked;
      }
      replaced = pooled;
      fresh = new Slot(wanted.filter(), wanted.qos());
      slots.put(wanted.filter(), fresh);
      Long last = terminatedAt.get(wanted.filter());
      wait = last == null ? 0 : settle.toNanos() - (System.nanoTime() - last);
    }
    if (wait > 0) {
      try {
        timer.schedule(() -> open(fresh, replaced), wait, TimeUnit.NANOSECONDS);
      } catch (RejectedExecutionException closing) {
        fail(fresh, new MqttNotConnectedException("the client is closed"));
      }
    } else {
      open(fresh, replaced);
    }
    return fresh.acked;
  }

  private void open(Slot slot, Slot replaced) {
    IpcConnection.Link link = ipc.link();
    String operation = "subscribe to " + slot.filter;
    if (link == null) {
      fail(slot, new MqttNotConnectedException(operation + ": greengrass ipc is reconnecting"));
      return;
    }
    SubscribeToIoTCoreRequest request = new SubscribeToIoTCoreRequest();
    request.setTopicName(slot.filter);
    request.setQos(slot.qos == QoS.AT_LEAST_ONCE
        ? software.amazon.awssdk.aws.greengrass.model.QOS.AT_LEAST_ONCE
        : software.amazon.awssdk.aws.greengrass.model.QOS.AT_MOST_ONCE);
    StreamResponseHandler<IoTCoreMessage> handler = new StreamResponseHandler<>() {
      @Override
      public void onStreamEvent(IoTCoreMessage event) {
        if (event.getMessage() != null && isPooled(slot)) {
          sink.accept(toMessage(event.getMessage(), slot.qos), slot.filter);
        }
      }

      @Override
      public boolean onStreamError(Throwable error) {
        log.warn("greengrass ipc stream for {} failed: {}", slot.filter, error.toString());
        return true;
      }

      @Override
      public void onStreamClosed() {
        streamEnded(slot, link);
      }
    };
    CompletableFuture<?> response;
    try {
      var r = link.client().subscribeToIoTCoreAsync(request, handler);
      synchronized (lock) {
        slot.terminate = () -> r.getHandler().closeStream();
      }
      response = r.getResponse();
    } catch (RuntimeException e) {
      fail(slot, ipc.failures().toMqtt(e, operation, ipc.operationTimeout()));
      return;
    }
    // The nucleus drops messages that arrive before it has sent this response: only then is the filter live.
    ipc.bounded(response, "SubscribeToIoTCore " + slot.filter).whenComplete((ok, e) -> {
      if (e == null) {
        slot.acked.complete(null);
        if (replaced != null) {
          terminate(replaced);
        }
      } else {
        fail(slot, ipc.failures().toMqtt(e, operation, ipc.operationTimeout()));
      }
    });
  }

  private void fail(Slot slot, MqttException error) {
    synchronized (lock) {
      if (slots.get(slot.filter) == slot) {
        slots.remove(slot.filter);
      }
    }
    terminate(slot);
    slot.acked.completeExceptionally(error);
  }

  /** Gives up the caller's claim on the filter; the stream lingers, then is terminated if nobody reclaims it. */
  public CompletableFuture<Void> release(String filter) {
    Slot slot;
    long generation;
    synchronized (lock) {
      slot = slots.get(filter);
      if (slot == null) {
        return CompletableFuture.completedFuture(null);
      }
      slot.active = false;
      generation = ++slot.generation;
      if (!linger.isZero()) {
        try {
          slot.eviction = timer.schedule(() -> evict(slot, generation), linger.toNanos(), TimeUnit.NANOSECONDS);
          return CompletableFuture.completedFuture(null);
        } catch (RejectedExecutionException closing) {
          // fall through: evict now
        }
      }
    }
    evict(slot, generation);
    return CompletableFuture.completedFuture(null);
  }

  private void evict(Slot slot, long generation) {
    synchronized (lock) {
      if (slots.get(slot.filter) != slot || slot.active || slot.generation != generation) {
        return;
      }
      slots.remove(slot.filter);
      terminatedAt.put(slot.filter, System.nanoTime());
    }
    terminate(slot);
  }

  private void streamEnded(Slot slot, IpcConnection.Link link) {
    boolean reopen;
    synchronized (lock) {
      if (slots.get(slot.filter) != slot) {
        return;
      }
      slots.remove(slot.filter);
      terminatedAt.put(slot.filter, System.nanoTime());
      reopen = !closed && slot.active && slot.acked.isDone() && !slot.acked.isCompletedExceptionally()
          && ipc.link() == link;
    }
    // Not acknowledged yet: the response future reports the nucleus' error (or the timeout) by itself.
    if (reopen) {
      // The connection is up but the nucleus ended the stream: get the filter back (after the settle time).
      log.warn("greengrass ipc: the nucleus closed the stream for {}; re-subscribing", slot.filter);
      acquire(SubscriptionFilter.of(slot.filter, slot.qos)).whenComplete((v, e) -> {
        if (e != null) {
          log.warn("greengrass ipc: could not re-subscribe to {}: {}", slot.filter, e.getMessage());
        }
      });
    }
  }

  private void terminate(Slot slot) {
    Runnable t;
    synchronized (lock) {
      t = slot.terminate;
      slot.terminate = null;
    }
    if (t != null) {
      try {
        t.run();
      } catch (RuntimeException e) {
        log.debug("greengrass ipc: terminating the stream for {} failed: {}", slot.filter, e.toString());
      }
    }
  }

  /** The connection is gone and every stream with it: forget them all. */
  public void connectionLost() {
    drain(false);
  }

  /** Terminates every stream; later calls fail. */
  public void close() {
    drain(true);
  }

  private void drain(boolean closing) {
    List<Slot> all;
    synchronized (lock) {
      closed |= closing;
      all = new ArrayList<>(slots.values());
      slots.clear();
      terminatedAt.clear();
      for (Slot s : all) {
        if (s.eviction != null) {
          s.eviction.cancel(false);
        }
      }
    }
    for (Slot s : all) {
      if (closing) {
        terminate(s);
      }
      s.acked.completeExceptionally(new MqttNotConnectedException("greengrass ipc connection lost"));
    }
  }

  private boolean isPooled(Slot slot) {
    synchronized (lock) {
      return slots.get(slot.filter) == slot;
    }
  }

  /** Filters that have a pooled stream (claimed or lingering). */
  public Set<String> pooledFilters() {
    synchronized (lock) {
      return new TreeSet<>(slots.keySet());
    }
  }

  /** Filters terminated by this pool (recently, for the settle rule). */
  public Set<String> recentlyTerminated() {
    synchronized (lock) {
      return new TreeSet<>(terminatedAt.keySet());
    }
  }

  /** An inbound IoT Core message as an {@link MqttMessage}, with the QoS of the stream it came on. */
  public static MqttMessage toMessage(MQTTMessage m, QoS qos) {
    MessageProperties.Builder p = MessageProperties.builder()
        .contentType(m.getContentType())
        .messageExpirySeconds(m.getMessageExpiryIntervalSeconds())
        .responseTopic(m.getResponseTopic())
        .correlationData(m.getCorrelationData());
    if (m.getPayloadFormat() != null) {
      p.payloadIsUtf8(m.getPayloadFormat() == PayloadFormat.UTF8);
    }
    if (m.getUserProperties() != null) {
      p.userProperties(m.getUserProperties().stream()
          .map(u -> new MessageProperties.UserProperty(String.valueOf(u.getKey()), String.valueOf(u.getValue())))
          .toList());
    }
    byte[] payload = m.getPayload() == null ? new byte[0] : m.getPayload();
    // IPC does not say with which QoS a message was delivered; the stream's QoS is the best we know.
    return new MqttMessage(m.getTopicName(), payload, qos, Boolean.TRUE.equals(m.isRetain()), p.build());
  }
}
