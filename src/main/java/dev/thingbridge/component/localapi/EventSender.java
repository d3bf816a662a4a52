package dev.thingbridge.component.localapi;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.thingbridge.internal.Futures;
import dev.thingbridge.internal.NamedThreadFactory;
import dev.thingbridge.sibling.LocalApiTopics;
import java.util.ArrayDeque;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Pushes events to sibling components, each on its own event topic, in order per component. An event that cannot
 * be published (the nucleus connection is down) waits and goes out after the reconnect; at most {@link
 * #MAX_QUEUED} wait per component, the oldest are dropped beyond that. Events that matter (a job to run, a
 * command) are also handed over again when the sibling renews its claim, so a dropped one is not lost.
 * One thread, {@code thingbridge-localapi-events}.
 */
public final class EventSender implements AutoCloseable {
  static final int MAX_QUEUED = 256;
  private static final Logger log = LoggerFactory.getLogger(EventSender.class);
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final long PUBLISH_WAIT_MS = 5000;
  private static final long RETRY_MS = 1000;

  private final LocalBus bus;
  private final String prefix;
  private final Map<String, ArrayDeque<byte[]>> queues = new LinkedHashMap<>();
  private final ScheduledExecutorService thread;
  private boolean draining;

  public EventSender(LocalBus bus, String prefix) {
    this.bus = bus;
    this.prefix = LocalApiTopics.checkPrefix(prefix);
    ScheduledThreadPoolExecutor t =
        new ScheduledThreadPoolExecutor(1, new NamedThreadFactory("thingbridge-localapi-events", true));
    t.setRemoveOnCancelPolicy(true);
    this.thread = t;
    bus.onReconnected(this::kick);
  }

  /** Queues an event for {@code component}; returns at once. */
  public void send(String component, ObjectNode event) {
    byte[] bytes;
    try {
      bytes = JSON.writeValueAsBytes(event);
    } catch (Exception e) {
      log.warn("local api: event for {} not encodable: {}", component, e.toString());
      return;
    }
    synchronized (queues) {
      ArrayDeque<byte[]> q = queues.computeIfAbsent(component, c -> new ArrayDeque<>());
      if (q.size() >= MAX_QUEUED) {
        q.poll();
        log.warn("local api: more than {} events waiting for {}; dropped the oldest", MAX_QUEUED, component);
      }
      q.add(bytes);
    }
    kick();
  }

  private void kick() {
    synchronized (queues) {
      if (draining) {
        return;
      }
      draining = true;
    }
    try {
      thread.execute(this::drain);
    } catch (java.util.concurrent.RejectedExecutionException closed) {
      synchronized (queues) {
        draining = false;
      }
    }
  }

  private void drain() {
    while (true) {
      String component;
      byte[] next;
      synchronized (queues) {
        var entry = queues.entrySet().stream().filter(e -> !e.getValue().isEmpty()).findFirst().orElse(null);
        if (entry == null) {
          draining = false;
          return;
        }
        component = entry.getKey();
        next = entry.getValue().peek();
      }
      try {
        bus.publish(LocalApiTopics.event(prefix, component), next).get(PUBLISH_WAIT_MS, TimeUnit.MILLISECONDS);
        synchronized (queues) {
          queues.get(component).poll();
        }
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return;
      } catch (Exception e) {
        log.debug("local api: event for {} not sent yet ({}); retrying", component,
            Futures.unwrap(e).getMessage());
        try {
          thread.schedule(this::drain, RETRY_MS, TimeUnit.MILLISECONDS);
        } catch (java.util.concurrent.RejectedExecutionException closed) {
          return;
        }
        return;
      }
    }
  }

  @Override
  public void close() {
    thread.shutdownNow();
  }
}
