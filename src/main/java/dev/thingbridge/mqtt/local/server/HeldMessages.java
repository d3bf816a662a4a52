package dev.thingbridge.mqtt.local.server;

import java.util.concurrent.atomic.AtomicLong;

/**
 * What all sessions of one server hold together, so that many sessions cannot add up to unbounded memory:
 * the payload bytes queued or in flight across every session, against {@link
 * MqttServerOptions#maxHeldBytesTotal()}, and the messages dropped because a session or the server was full.
 * Thread-safe.
 */
final class HeldMessages {
  private final long maxBytes;
  private final AtomicLong bytes = new AtomicLong();
  private final AtomicLong dropped = new AtomicLong();

  HeldMessages(long maxBytes) {
    this.maxBytes = maxBytes;
  }

  /** Reserves room for {@code n} bytes; false (nothing reserved) when the server-wide budget is spent. */
  boolean reserve(long n) {
    long now;
    do {
      now = bytes.get();
      if (now + n > maxBytes) {
        return false;
      }
    } while (!bytes.compareAndSet(now, now + n));
    return true;
  }

  void release(long n) {
    bytes.addAndGet(-n);
  }

  void dropped() {
    dropped.incrementAndGet();
  }

  long droppedCount() {
    return dropped.get();
  }

  long bytes() {
    return bytes.get();
  }
}
