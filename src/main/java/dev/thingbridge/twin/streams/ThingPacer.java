package dev.thingbridge.twin.streams;

import java.util.HashMap;
import java.util.Map;

/**
 * AWS IoT Core's per-connection limits, per thing: at most {@code messagesPerSecond} publishes (requests in,
 * blocks out) and {@code bytesPerSecond} bytes, with the excess delayed, as AWS does for throughput. A generic
 * cell rate algorithm with a 100 ms burst. Used by one thread.
 */
final class ThingPacer {
  private static final long BURST_NANOS = 100_000_000L;

  private final double nanosPerMessage;
  private final double nanosPerByte;
  private final Map<String, long[]> theoretical = new HashMap<>();

  ThingPacer(int messagesPerSecond, int bytesPerSecond) {
    this.nanosPerMessage = 1e9 / messagesPerSecond;
    this.nanosPerByte = 1e9 / bytesPerSecond;
  }

  /** Counts a message already passed (a request that came in). */
  void account(String thing, int bytes, long now) {
    long[] t = theoretical.computeIfAbsent(thing, k -> new long[] {now, now});
    t[0] = Math.max(t[0], now) + (long) nanosPerMessage;
    t[1] = Math.max(t[1], now) + (long) (bytes * nanosPerByte);
  }

  /** How long to wait before a message of {@code bytes} may go; 0 when it may go now (it is then counted). */
  long delay(String thing, int bytes, long now) {
    long[] t = theoretical.computeIfAbsent(thing, k -> new long[] {now, now});
    long wait = Math.max(t[0] - now - BURST_NANOS, t[1] - now - BURST_NANOS);
    if (wait > 0) {
      return wait;
    }
    account(thing, bytes, now);
    return 0;
  }
}
