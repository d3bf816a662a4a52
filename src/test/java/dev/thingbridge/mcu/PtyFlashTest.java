package dev.thingbridge.mcu;

import static org.assertj.core.api.Assertions.assertThat;

import dev.thingbridge.mcu.FlashResult.Outcome;
import dev.thingbridge.mcu.fake.FakeMcu;
import dev.thingbridge.mcu.fake.FakeMcuOptions;
import dev.thingbridge.mcu.fake.FakeMcuPort;
import dev.thingbridge.mcu.fake.LinkFaults;
import dev.thingbridge.mcu.fake.PtyPair;
import dev.thingbridge.mcu.image.ImageVersion;
import dev.thingbridge.mcu.image.McubootImageBuilder;
import dev.thingbridge.mcu.smp.RawFraming;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The real serial path: the fake MCU on one end of a socat PTY pair, the gateway opening the other end through
 * jSerialComm, both by their symlinked paths. Each end is a socat process away from the other, so timeouts are longer
 * here than over the in-memory link.
 */
class PtyFlashTest {
  private static final byte[] NEW = McubootImageBuilder.create().version("2.0.0").randomBody(20_000, 11).build();

  @TempDir Path dir;

  @BeforeAll
  static void socat() {
    assertThat(PtyPair.socatAvailable()).as("socat is installed (.ci/run installs it)").isTrue();
  }

  private static McuConfig.Builder config(Path port) {
    return McuConfig.builder(port.toString()).requestTimeout(Duration.ofMillis(400), 6)
        .firstChunkTimeout(Duration.ofSeconds(3)).probe(Duration.ofMillis(400), 5)
        .boot(Duration.ofMillis(50), Duration.ofSeconds(10));
  }

  private static FakeMcuOptions.Builder fake() {
    return FakeMcuOptions.builder().resetDelay(Duration.ofMillis(10));
  }

  private FlashResult flash(FakeMcuOptions options, Framing framing) throws Exception {
    Path port = dir.resolve("ttyMCU");
    try (FakeMcu mcu = FakeMcu.start(FakeMcuPort.pty(port), options);
        McuDevice device = McuDevice.open(config(port).framing(framing).build())) {
      FlashResult r = device.flash(NEW, FlashOptions.defaults(), FlashListener.NONE).get(60, TimeUnit.SECONDS);
      if (r.succeeded()) {
        assertThat(mcu.state().runningVersion()).contains("2.0.0");
        assertThat(mcu.state().runningConfirmed()).isTrue();
      }
      return r;
    }
  }

  @Test
  void flashes_over_a_pty_with_jserialcomm_on_both_ends() throws Exception {
    FlashResult r = flash(fake().build(), Framing.CONSOLE);
    assertThat(r.outcome()).isEqualTo(Outcome.UPDATED);
    assertThat(r.bytesUploaded()).isEqualTo(NEW.length);
  }

  @Test
  void survives_noise_and_a_power_cut_over_the_pty() throws Exception {
    FlashResult r = flash(fake().resetAtChunk(20).bootDelay(Duration.ofMillis(30))
        .faults(LinkFaults.NONE.withNoise(1e-5, 2e-5, 0, 7).withGarbageLines(0.05)).build(), Framing.CONSOLE);
    assertThat(r.outcome()).isEqualTo(Outcome.UPDATED);
  }

  @Test
  void a_device_that_reenumerates_comes_back_under_the_same_path() throws Exception {
    FlashResult r = flash(fake().reenumerateOnReset(true).bootDelay(Duration.ofMillis(200)).build(), Framing.CONSOLE);
    assertThat(r.outcome()).isEqualTo(Outcome.UPDATED);
  }

  @Test
  void raw_framing_and_a_crashing_image_over_the_pty() throws Exception {
    FlashResult r = flash(fake().framing(new RawFraming()).bufSize(1024)
        .failingVersion(ImageVersion.parse("2.0.0"), FakeMcuOptions.Failure.CRASHES).build(),
        Framing.RAW);
    assertThat(r.outcome()).isEqualTo(Outcome.REVERTED);
  }
}
