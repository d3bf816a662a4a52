package dev.thingbridge.internal;

import java.time.Duration;
import java.util.Objects;
import java.util.concurrent.ThreadLocalRandom;

/**
 * An exponential backoff as one immutable value: retry {@code n} (from 1) waits {@code initial} doubled
 * {@code n - 1} times, capped at {@code max}, spread by up to {@code ±jitter} of itself so that many clients
 * that failed together do not retry together. HiveMQ's auto-reconnect settings are the model; the named
 * defaults are the ones thingbridge uses.
 *
 * @param initial the first delay, positive
 * @param max the longest delay before jitter, at least {@code initial}
 * @param jitter the spread, from 0 (none) to below 1
 */
public record Backoff(Duration initial, Duration max, double jitter) {
  /** Reconnecting to the Greengrass nucleus and re-opening its streams: 200 ms doubling up to 10 s, ±25 %. */
  public static final Backoff IPC_RECONNECT = new Backoff(Duration.ofMillis(200), Duration.ofSeconds(10), 0.25);
  /** Retrying a request AWS throttled (429): 500 ms doubling up to 2 s, ±50 %. */
  public static final Backoff THROTTLED = new Backoff(Duration.ofMillis(500), Duration.ofSeconds(2), 0.5);
  /** Fetching shadows again after a failed resync: 1 s doubling up to 5 min, ±25 %. */
  public static final Backoff RESYNC = new Backoff(Duration.ofSeconds(1), Duration.ofMinutes(5), 0.25);

  public Backoff {
    Objects.requireNonNull(initial, "initial");
    Objects.requireNonNull(max, "max");
    if (initial.isNegative() || initial.isZero()) {
      throw new IllegalArgumentException("the first backoff must be positive: " + initial);
    }
    if (max.compareTo(initial) < 0) {
      throw new IllegalArgumentException("max backoff " + max + " below the first one " + initial);
    }
    if (!(jitter >= 0 && jitter < 1)) {
      throw new IllegalArgumentException("jitter must be from 0 to below 1: " + jitter);
    }
  }

  /** The same backoff between other bounds. */
  public Backoff withBounds(Duration newInitial, Duration newMax) {
    return new Backoff(newInitial, newMax, jitter);
  }

  /** The delay before retry {@code attempt} (1 for the first), without jitter. */
  public Duration delay(int attempt) {
    if (attempt < 1) {
      throw new IllegalArgumentException("attempts count from 1: " + attempt);
    }
    int doublings = Math.min(attempt - 1, 62);
    long millis = initial.toMillis();
    long maxMillis = max.toMillis();
    for (int i = 0; i < doublings && millis < maxMillis; i++) {
      millis *= 2;
    }
    return Duration.ofMillis(Math.min(millis, maxMillis));
  }

  /** The delay before retry {@code attempt} (1 for the first), with jitter. */
  public Duration jittered(int attempt) {
    long millis = delay(attempt).toMillis();
    double factor = 1 - jitter + 2 * jitter * ThreadLocalRandom.current().nextDouble();
    return Duration.ofMillis(Math.round(millis * factor));
  }
}
