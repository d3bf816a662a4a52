package dev.thingbridge.mcu;

import static org.assertj.core.api.Assertions.assertThat;

import dev.thingbridge.mcu.FlashResult.Outcome;
import dev.thingbridge.mcu.fake.FakeMcu;
import dev.thingbridge.mcu.fake.FakeMcuOptions;
import dev.thingbridge.mcu.fake.FakeMcuPort;
import dev.thingbridge.mcu.fake.FakeMcuState;
import dev.thingbridge.mcu.fake.LinkFaults;
import dev.thingbridge.mcu.image.ImageVersion;
import dev.thingbridge.mcu.image.McubootImage;
import dev.thingbridge.mcu.image.McubootImageBuilder;
import dev.thingbridge.mcu.serial.InMemorySerialPorts;
import java.time.Duration;
import java.util.EnumMap;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * 100 seeded flashes over a noisy link (1e-5 bit error rate, 2e-5 byte drops, duplicates, log lines) with a power cut
 * at a random upload chunk; one in five new images crashes at boot. Every run must end with the device running the
 * new image confirmed or the old image confirmed (never a pending or unconfirmed image, never a bricked one), and the
 * result must say which. A run whose flash fails outright is finished the way a gateway would: by running the job
 * again (the flow starts from the device's state). Unpaced, with short timeouts and without a journal (its fsyncs
 * would be most of the time; FlashJournalRestartTest covers it), so the 100 runs take seconds.
 */
class SeededFlashRunsTest {
  private static final Logger LOG = LoggerFactory.getLogger(SeededFlashRunsTest.class);
  private static final int RUNS = Integer.getInteger("mcu.seededRuns", 100);

  @Test
  void every_noisy_flash_ends_confirmed_new_or_reverted_old() throws Exception {
    byte[] next = McubootImageBuilder.create().version("2.0.0").randomBody(6_000, 99).build();
    byte[] newHash = McubootImage.parse(next).hash();
    Map<Outcome, Integer> outcomes = new EnumMap<>(Outcome.class);
    int recovered = 0;
    for (int seed = 1; seed <= RUNS; seed++) {
      Random r = new Random(seed);
      boolean crashes = r.nextInt(5) == 0;
      FakeMcuOptions.Builder fake = FakeMcuOptions.builder().name("seed" + seed).resetDelay(Duration.ZERO)
          .bootDelay(Duration.ofMillis(r.nextInt(20)))
          .resetAtChunk(2 + r.nextInt(14))
          .faults(LinkFaults.NONE.withNoise(1e-5, 2e-5, 1e-6, seed).withGarbageLines(0.02));
      if (crashes) {
        fake.failingVersion(ImageVersion.parse("2.0.0"), FakeMcuOptions.Failure.CRASHES).crashAfter(Duration.ofMillis(20));
      }
      InMemorySerialPorts ports = new InMemorySerialPorts();
      try (FakeMcu mcu = FakeMcu.start(FakeMcuPort.inMemory(ports, "mcu0"), fake.build());
          McuDevice device = McuDevice.open(McuConfig.builder("mcu0").opener(ports)
              .requestTimeout(Duration.ofMillis(30), 10).firstChunkTimeout(Duration.ofMillis(150))
              .probe(Duration.ofMillis(30), 10).boot(Duration.ofMillis(5), Duration.ofSeconds(2)).build())) {
        FlashOptions options = FlashOptions.builder().timeout(Duration.ofSeconds(60)).build();
        FlashResult result;
        try {
          result = device.flash(next, options, FlashListener.NONE).get(90, TimeUnit.SECONDS);
        } catch (ExecutionException e) {
          LOG.info("seed {}: flash failed ({}), running it again", seed, e.getCause().getMessage());
          recovered++;
          result = device.flash(next, options, FlashListener.NONE).get(90, TimeUnit.SECONDS);
        }
        FakeMcuState s = mcu.state();
        LOG.debug("seed {}: {} in {} ms", seed, result.outcome(), result.elapsed().toMillis());
        String where = "seed " + seed + (crashes ? " (crashing image)" : "") + ": " + result + " / " + s;
        assertThat(s.pendingTest() || s.pendingPermanent() || s.revertPending()).as(where).isFalse();
        assertThat(s.primary()).as(where).isPresent();
        assertThat(s.primary().get().valid()).as(where).isTrue();
        boolean runsNew = java.util.Arrays.equals(s.primary().get().hash(), newHash);
        if (crashes) {
          assertThat(result.outcome()).as(where).isEqualTo(Outcome.REVERTED);
          assertThat(runsNew).as(where).isFalse();
        } else {
          assertThat(result.outcome()).as(where).isEqualTo(Outcome.UPDATED);
          assertThat(runsNew).as(where).isTrue();
        }
        assertThat(s.resets()).as(where).isGreaterThanOrEqualTo(2); // the power cut and the test boot at least
        outcomes.merge(result.outcome(), 1, Integer::sum);
      }
    }
    LOG.info("{} seeded runs: {}; {} needed a second run", RUNS, outcomes, recovered);
    assertThat(outcomes.values().stream().mapToInt(Integer::intValue).sum()).isEqualTo(RUNS);
  }
}
