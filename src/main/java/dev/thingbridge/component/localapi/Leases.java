package dev.thingbridge.component.localapi;

import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.function.LongSupplier;

/**
 * Claims held by sibling components for a while: a job kind, a command name, a watched shadow, an event stream.
 * A claim lasts one lease and is renewed by claiming again (the client library does it every third of the lease);
 * one that is not renewed lapses, so a sibling that was removed from the deployment stops receiving work. One
 * holder per key: another component's claim on a held key is a conflict.
 *
 * @param <K> what is claimed
 */
final class Leases<K> {
  private record Lease(String holder, long expiresAt) {}

  private final Map<K, Lease> leases = new HashMap<>();
  private final LongSupplier nanos;

  Leases(LongSupplier nanos) {
    this.nanos = Objects.requireNonNull(nanos, "nanos");
  }

  Leases() {
    this(System::nanoTime);
  }

  /**
   * Claims or renews {@code key} for {@code holder}.
   *
   * @return empty when granted, else the other holder
   */
  synchronized Optional<String> claim(K key, String holder, Duration lease) {
    Lease current = live(key);
    if (current != null && !current.holder.equals(holder)) {
      return Optional.of(current.holder);
    }
    leases.put(key, new Lease(holder, nanos.getAsLong() + lease.toNanos()));
    return Optional.empty();
  }

  /** Ends {@code holder}'s claim on {@code key}; false when it held none. */
  synchronized boolean release(K key, String holder) {
    Lease current = live(key);
    if (current == null || !current.holder.equals(holder)) {
      return false;
    }
    leases.remove(key);
    return true;
  }

  /**
   * Gives every live claim at least {@code lease} more: after the component's own connection to its siblings was
   * down, none of them could renew meanwhile, and a renewal sent just before the component listened again is lost.
   */
  synchronized void extendAll(Duration lease) {
    long until = nanos.getAsLong() + lease.toNanos();
    holders(); // drops the lapsed ones
    leases.replaceAll((k, l) -> l.expiresAt - until < 0 ? new Lease(l.holder, until) : l);
  }

  /** Who holds {@code key} now. */
  synchronized Optional<String> holder(K key) {
    Lease l = live(key);
    return l == null ? Optional.empty() : Optional.of(l.holder);
  }

  /** Every live claim, by key. */
  synchronized Map<K, String> holders() {
    Map<K, String> out = new HashMap<>();
    long now = nanos.getAsLong();
    leases.values().removeIf(l -> l.expiresAt - now <= 0);
    leases.forEach((k, l) -> out.put(k, l.holder));
    return out;
  }

  private Lease live(K key) {
    Lease l = leases.get(key);
    if (l != null && l.expiresAt - nanos.getAsLong() <= 0) {
      leases.remove(key);
      return null;
    }
    return l;
  }
}
