package dev.thingbridge.defender;

import static org.assertj.core.api.Assertions.assertThat;

import dev.thingbridge.testing.SteppedClock;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ReportIdsTest {
  @TempDir Path dir;

  @Test
  void ids_are_epoch_milliseconds_and_strictly_increase_per_thing_even_when_the_clock_stands_still() {
    SteppedClock clock = new SteppedClock(Instant.ofEpochMilli(1_700_000_000_000L));
    ReportIds ids = ReportIds.epochMillis(clock);
    assertThat(ids.next("a")).isEqualTo(1_700_000_000_000L);
    assertThat(ids.next("a")).isEqualTo(1_700_000_000_001L);
    assertThat(ids.next("b")).isEqualTo(1_700_000_000_000L);
    clock.advance(Duration.ofSeconds(1));
    assertThat(ids.next("a")).isEqualTo(1_700_000_001_000L);
  }

  @Test
  void a_persistent_source_keeps_increasing_across_restarts_even_if_the_clock_went_back() throws Exception {
    Path file = dir.resolve("report-ids.json");
    SteppedClock clock = new SteppedClock(Instant.ofEpochMilli(5_000));
    ReportIds first = ReportIds.persistent(file, clock);
    long a = first.next("mcu-1");
    long b = first.next("mcu-1");
    SteppedClock earlier = new SteppedClock(Instant.ofEpochMilli(1_000));
    ReportIds restarted = ReportIds.persistent(file, earlier);
    assertThat(restarted.next("mcu-1")).isGreaterThan(b).isGreaterThan(a);
    assertThat(restarted.next("mcu-2")).isEqualTo(1_000);
    Files.writeString(file, "{not json");
    assertThat(ReportIds.persistent(file, earlier).next("mcu-1")).isEqualTo(1_000); // unreadable: from the clock
  }
}
