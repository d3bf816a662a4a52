package dev.thingbridge.provisioning;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.SplittableRandom;
import java.util.random.RandomGenerator;
import org.junit.jupiter.api.Test;

class RetryPolicyTest {
  /** A generator whose nextDouble() is always {@code value}. */
  private static RandomGenerator fixed(double value) {
    return new RandomGenerator() {
      @Override
      public long nextLong() {
        throw new UnsupportedOperationException();
      }

      @Override
      public double nextDouble() {
        return value;
      }
    };
  }

  @Test
  void the_default_doubles_from_one_second_up_to_thirty() {
    RandomGenerator middle = fixed(0.5); // no spread
    assertThat(RetryPolicy.DEFAULT.maxAttempts()).isEqualTo(5);
    assertThat(RetryPolicy.DEFAULT.delayAfter(1, middle)).isEqualTo(Duration.ofSeconds(1));
    assertThat(RetryPolicy.DEFAULT.delayAfter(2, middle)).isEqualTo(Duration.ofSeconds(2));
    assertThat(RetryPolicy.DEFAULT.delayAfter(4, middle)).isEqualTo(Duration.ofSeconds(8));
    assertThat(RetryPolicy.DEFAULT.delayAfter(6, middle)).isEqualTo(Duration.ofSeconds(30)); // 32 s capped
  }

  @Test
  void the_jitter_spreads_each_wait_within_its_bounds() {
    assertThat(RetryPolicy.DEFAULT.delayAfter(2, fixed(0.0))).isEqualTo(Duration.ofMillis(1600));
    assertThat(RetryPolicy.DEFAULT.delayAfter(2, fixed(0.999_999))).isBetween(Duration.ofMillis(2399),
        Duration.ofMillis(2400));
    SplittableRandom random = new SplittableRandom(7);
    long distinct = java.util.stream.IntStream.range(0, 50)
        .mapToObj(i -> RetryPolicy.DEFAULT.delayAfter(3, random)).distinct().count();
    assertThat(distinct).isGreaterThan(10); // a fleet does not retry in step
    assertThat(RetryPolicy.NONE.maxAttempts()).isEqualTo(1);
  }

  @Test
  void nonsense_policies_are_refused() {
    assertThatThrownBy(() -> new RetryPolicy(0, Duration.ZERO, Duration.ZERO, 1, 0))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> new RetryPolicy(2, Duration.ofSeconds(2), Duration.ofSeconds(1), 2, 0))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> new RetryPolicy(2, Duration.ZERO, Duration.ZERO, 0.5, 0))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> new RetryPolicy(2, Duration.ZERO, Duration.ZERO, 1, 1.5))
        .isInstanceOf(IllegalArgumentException.class);
  }
}
