package dev.thingbridge.provisioning;

import java.time.Duration;
import java.util.Objects;
import java.util.random.RandomGenerator;

/**
 * How often and how patiently a provisioning step is tried again after a throttling rejection, a server
 * error (5xx) or a reply timeout. Delays grow exponentially from {@code initialDelay} by {@code multiplier} up
 * to {@code maxDelay}, each spread by up to {@code jitter} (0.2 = ±20 %) so that a fleet powered on at once
 * does not retry in step. Other rejections (a template that refuses the parameters, a hook that denies) are
 * final and never retried.
 *
 * @param maxAttempts tries of each step in all, at least 1 (1 = no retry)
 * @param initialDelay the wait before the second try
 * @param maxDelay the longest wait between tries
 * @param multiplier growth factor of the wait, at least 1
 * @param jitter relative spread of each wait, 0 to 1
 */
public record RetryPolicy(int maxAttempts, Duration initialDelay, Duration maxDelay, double multiplier, double jitter) {
  /** 5 tries, waits of 1 s, 2 s, 4 s, 8 s (±20 %), capped at 30 s. */
  public static final RetryPolicy DEFAULT = new RetryPolicy(5, Duration.ofSeconds(1), Duration.ofSeconds(30), 2.0, 0.2);
  /** One try, no retry (rustot's behaviour). */
  public static final RetryPolicy NONE = new RetryPolicy(1, Duration.ZERO, Duration.ZERO, 1.0, 0.0);

  public RetryPolicy {
    if (maxAttempts < 1) {
      throw new IllegalArgumentException("maxAttempts must be at least 1: " + maxAttempts);
    }
    Objects.requireNonNull(initialDelay, "initialDelay");
    Objects.requireNonNull(maxDelay, "maxDelay");
    if (initialDelay.isNegative() || maxDelay.compareTo(initialDelay) < 0) {
      throw new IllegalArgumentException("delays must be 0 <= initialDelay <= maxDelay");
    }
    if (!(multiplier >= 1.0) || !(jitter >= 0.0 && jitter <= 1.0)) {
      throw new IllegalArgumentException("multiplier must be >= 1 and jitter within 0..1");
    }
  }

  /** The wait before try number {@code attempt + 1}, after {@code attempt} failed tries (attempt >= 1). */
  public Duration delayAfter(int attempt, RandomGenerator random) {
    double base = initialDelay.toMillis() * Math.pow(multiplier, Math.max(0, attempt - 1));
    double capped = Math.min(base, maxDelay.toMillis());
    double spread = jitter == 0 ? 0 : (random.nextDouble() * 2 - 1) * jitter * capped;
    return Duration.ofMillis(Math.max(0, Math.round(capped + spread)));
  }
}
