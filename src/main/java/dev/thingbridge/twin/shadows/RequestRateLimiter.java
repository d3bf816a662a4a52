package dev.thingbridge.twin.shadows;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Requests and bytes per thing in the current whole second of the twin's clock. Different things may be
 * counted concurrently; one thing's requests must not overlap.
 */
final class RequestRateLimiter {
  private final Map<String, long[]> windows = new ConcurrentHashMap<>();

  /** Counts one request if it fits both budgets of this second; false (and nothing counted) if not. */
  boolean tryAcquire(String thing, int bytes, long nowSecond, int maxRequests, int maxBytes) {
    long[] w = windows.computeIfAbsent(thing, t -> new long[] {nowSecond, 0, 0});
    if (w[0] != nowSecond) {
      w[0] = nowSecond;
      w[1] = 0;
      w[2] = 0;
    }
    if (w[1] + 1 > maxRequests || w[2] + bytes > maxBytes) {
      return false;
    }
    w[1]++;
    w[2] += bytes;
    return true;
  }

  /** Drops windows older than this second, so idle things cost nothing. */
  void forgetBefore(long nowSecond) {
    windows.values().removeIf(w -> w[0] < nowSecond);
  }
}
