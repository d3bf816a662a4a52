package dev.thingbridge.twin.web;

import java.time.Duration;

/**
 * How many browsers may watch at once and how much each may fall behind.
 *
 * @param maxClients event streams open at once; one more is answered 503
 * @param maxQueuedEvents events a client may have waiting; one more and it is disconnected (its browser
 *     reconnects and starts again from a fresh snapshot), so a slow browser costs a bounded amount of memory
 * @param maxQueuedBytes bytes a client may have waiting (an event larger than this is still sent to a client
 *     with nothing waiting, so one large snapshot always gets through)
 * @param heartbeat how long a stream may stay silent before a comment line is sent, which is also how soon a
 *     browser that went away unnoticed is found out
 */
record SseSettings(int maxClients, int maxQueuedEvents, long maxQueuedBytes, Duration heartbeat) {
  static final SseSettings DEFAULT = new SseSettings(32, 1024, 8L * 1024 * 1024, Duration.ofSeconds(15));

  SseSettings {
    if (maxClients < 1 || maxQueuedEvents < 1 || maxQueuedBytes < 1) {
      throw new IllegalArgumentException("SSE limits must be positive");
    }
    if (heartbeat.isNegative() || heartbeat.isZero()) {
      throw new IllegalArgumentException("SSE heartbeat must be positive");
    }
  }
}
