package dev.thingbridge.mqtt.internal;

import dev.thingbridge.mqtt.QoS;
import dev.thingbridge.mqtt.Topics;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

/**
 * MQTT 5 subscription identifiers, used to drop the extra copies a broker sends for overlapping
 * subscriptions.
 *
 * <p>When a client holds {@code a/+/state} and {@code a/#}, brokers such as Mosquitto send a publish to
 * {@code a/b/state} once per matching subscription, each copy tagged with that subscription's identifier.
 * The client fans every copy out to all matching local subscriptions, so without this each would see the
 * message twice. Of the copies, exactly one is kept: the one carrying the identifier of the canonical
 * filter (highest QoS, then lowest identifier) among the client's filters that match the topic.
 *
 * <p>AWS IoT Core does not support subscription identifiers (it disconnects a client that sends one), so the
 * client does not use them there; a broker that says so in its CONNACK is treated the same. Messages without
 * identifiers are always delivered.
 *
 * <p>Thread-safe: filters change on subscribe threads while the CRT thread reads them.
 */
public final class SubscriptionIds {
  /** The largest identifier MQTT 5 allows (a variable byte integer). */
  private static final long MAX_ID = 268_435_455L;

  private record Entry(long id, QoS qos) {}

  private final Map<String, Entry> byFilter = new ConcurrentHashMap<>();
  private final AtomicLong next = new AtomicLong();
  private volatile boolean enabled;
  /**
   * How many other held filters each held filter may overlap, kept up to date filter by filter: recomputing
   * it for every pair on each SUBSCRIBE made 700 filters (100 shadow agents on one client) take minutes.
   * Guarded by {@code this}.
   */
  private final Map<String, Integer> overlaps = new HashMap<>();
  /** Identifiers of filters that overlap no other filter held: a copy tagged with one is the only copy. */
  private final Set<Long> alone = ConcurrentHashMap.newKeySet();

  public SubscriptionIds(boolean enabled) {
    this.enabled = enabled;
  }

  /** Whether identifiers are sent; follows what the broker's CONNACK allows. */
  public void enable(boolean value) {
    this.enabled = value;
  }

  /** The identifier to send with a SUBSCRIBE of {@code filter}, or null when identifiers are off. */
  public Long forSubscribe(String filter, QoS qos) {
    if (!enabled) {
      return null;
    }
    synchronized (this) {
      Entry e = byFilter.compute(filter, (f, old) ->
          new Entry(old != null ? old.id() : 1 + Math.floorMod(next.getAndIncrement(), MAX_ID), qos));
      if (!overlaps.containsKey(filter)) {
        int count = 0;
        for (Map.Entry<String, Integer> other : overlaps.entrySet()) {
          if (Topics.mayOverlap(filter, other.getKey())) {
            count++;
            if (other.getValue() == 0) {
              alone.remove(byFilter.get(other.getKey()).id());
            }
            other.setValue(other.getValue() + 1);
          }
        }
        overlaps.put(filter, count);
        if (count == 0) {
          alone.add(e.id());
        }
      }
      return e.id();
    }
  }

  /** Forgets a filter once it is unsubscribed. */
  public synchronized void remove(String filter) {
    Entry removed = byFilter.remove(filter);
    if (removed == null || overlaps.remove(filter) == null) {
      return;
    }
    alone.remove(removed.id());
    for (Map.Entry<String, Integer> other : overlaps.entrySet()) {
      if (Topics.mayOverlap(filter, other.getKey())) {
        other.setValue(other.getValue() - 1);
        if (other.getValue() == 0) {
          alone.add(byFilter.get(other.getKey()).id());
        }
      }
    }
  }

  /** Whether {@code filter} is held and overlaps no other filter held (for tests). */
  boolean isAlone(String filter) {
    Entry e = byFilter.get(filter);
    return e != null && alone.contains(e.id());
  }

  /**
   * Whether an inbound copy of a message to {@code topic} tagged with {@code ids} should be delivered: yes if
   * it has no identifiers we know, or if it carries the canonical filter's identifier; no for the other
   * copies of the same message.
   */
  public boolean shouldDeliver(String topic, List<Long> ids) {
    if (ids == null || ids.isEmpty() || byFilter.isEmpty()) {
      return true;
    }
    if (ids.size() == 1 && alone.contains(ids.get(0))) {
      return true; // no other filter of ours can match the topic, so no other copy exists (the common case)
    }
    Entry canonical = null;
    boolean anyKnown = false;
    for (Map.Entry<String, Entry> m : byFilter.entrySet()) {
      Entry e = m.getValue();
      if (ids.contains(e.id())) {
        anyKnown = true;
      }
      if (Topics.matches(m.getKey(), topic)
          && (canonical == null || e.qos().level() > canonical.qos().level()
              || (e.qos() == canonical.qos() && e.id() < canonical.id()))) {
        canonical = e;
      }
    }
    return !anyKnown || canonical == null || ids.contains(canonical.id());
  }
}
