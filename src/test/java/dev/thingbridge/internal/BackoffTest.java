package dev.thingbridge.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import org.junit.jupiter.api.Test;

class BackoffTest {
  @Test
  void each_retry_doubles_the_delay_up_to_the_cap() {
    Backoff b = new Backoff(Duration.ofMillis(200), Duration.ofSeconds(1), 0);
    assertThat(b.delay(1)).isEqualTo(Duration.ofMillis(200));
    assertThat(b.delay(2)).isEqualTo(Duration.ofMillis(400));
    assertThat(b.delay(3)).isEqualTo(Duration.ofMillis(800));
    assertThat(b.delay(4)).isEqualTo(Duration.ofSeconds(1));
    assertThat(b.delay(1_000)).as("no overflow after many failures").isEqualTo(Duration.ofSeconds(1));
  }

  @Test
  void jitter_spreads_a_delay_within_its_fraction() {
    for (int i = 0; i < 200; i++) {
      assertThat(Backoff.IPC_RECONNECT.jittered(2).toMillis()).isBetween(300L, 500L);
      assertThat(Backoff.THROTTLED.jittered(1).toMillis()).isBetween(250L, 750L);
    }
    assertThat(new Backoff(Duration.ofMillis(10), Duration.ofMillis(10), 0).jittered(5)).hasMillis(10);
  }

  @Test
  void bounds_are_checked_and_new_bounds_keep_the_jitter() {
    assertThatThrownBy(() -> new Backoff(Duration.ZERO, Duration.ofSeconds(1), 0))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> new Backoff(Duration.ofSeconds(2), Duration.ofSeconds(1), 0))
        .hasMessageContaining("below");
    assertThatThrownBy(() -> new Backoff(Duration.ofSeconds(1), Duration.ofSeconds(1), 1.0))
        .hasMessageContaining("jitter");
    assertThatThrownBy(() -> Backoff.RESYNC.delay(0)).isInstanceOf(IllegalArgumentException.class);
    Backoff faster = Backoff.IPC_RECONNECT.withBounds(Duration.ofMillis(100), Duration.ofSeconds(1));
    assertThat(faster.jitter()).isEqualTo(0.25);
    assertThat(faster.delay(5)).isEqualTo(Duration.ofSeconds(1));
  }
}
