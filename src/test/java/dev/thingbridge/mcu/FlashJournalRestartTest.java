package dev.thingbridge.mcu;

import static dev.thingbridge.mcu.McuDeviceFlashTest.NEW;
import static dev.thingbridge.mcu.McuDeviceFlashTest.fake;
import static dev.thingbridge.mcu.McuDeviceFlashTest.fast;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.thingbridge.mcu.FlashResult.Outcome;
import dev.thingbridge.mcu.fake.FakeMcu;
import dev.thingbridge.mcu.fake.FakeMcuPort;
import dev.thingbridge.mcu.image.McubootImageBuilder;
import dev.thingbridge.mcu.serial.InMemorySerialPorts;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A gateway that stops mid-flash (the device's thread is interrupted at a chosen step, as a kill would stop it) and
 * a new process on the same state directory: the same image continues where it got, another image first cleans up.
 */
class FlashJournalRestartTest {
  private static final byte[] OTHER = McubootImageBuilder.create().version("3.0.0").randomBody(9_000, 7).build();

  @TempDir Path stateDir;
  private final InMemorySerialPorts ports = new InMemorySerialPorts();
  private final List<AutoCloseable> open = new CopyOnWriteArrayList<>();
  private FakeMcu mcu;

  @BeforeEach
  void start() throws Exception {
    mcu = FakeMcu.start(FakeMcuPort.inMemory(ports, "mcu0"), fake().build());
    open.add(mcu);
  }

  @AfterEach
  void closeAll() throws Exception {
    for (AutoCloseable c : open) {
      c.close();
    }
  }

  private McuDevice device() {
    McuDevice d = McuDevice.open(fast("mcu0").opener(ports).build());
    open.add(0, d);
    return d;
  }

  private FlashOptions options() {
    return FlashOptions.builder().stateDir(stateDir).timeout(Duration.ofSeconds(60)).build();
  }

  /** Flashes until {@code stopAt} sees an event, then "kills" the gateway; returns after the device is closed. */
  private void killedAt(byte[] image, FlashOptions options, Predicate<FlashProgress> stopAt) throws Exception {
    McuDevice d = device();
    FlashListener killer = p -> {
      if (stopAt.test(p)) {
        Thread.currentThread().interrupt();
      }
    };
    assertThatThrownBy(() -> d.flash(image, options, killer).get(30, TimeUnit.SECONDS))
        .isInstanceOf(CancellationException.class);
    d.close();
    open.remove(d);
    assertThat(stateDir.resolve("mcu/mcu0.flash.json")).exists();
    assertThat(stateDir.resolve("mcu/mcu0.image")).exists();
  }

  @Test
  void a_restart_mid_upload_resumes_where_the_device_is_with_the_same_sha() throws Exception {
    killedAt(NEW, options(), p -> p.step() == FlashStep.UPLOADING && p.bytesDone() > NEW.length / 2);
    long kept = mcu.state().uploadOffset();
    assertThat(kept).isGreaterThan(NEW.length / 2);
    FlashResult r = device().flash(NEW, options(), FlashListener.NONE).get(30, TimeUnit.SECONDS);
    assertThat(r.outcome()).isEqualTo(Outcome.UPDATED);
    assertThat(r.resumed()).isTrue();
    assertThat(r.bytesUploaded()).isLessThanOrEqualTo(NEW.length - kept);
    assertThat(stateDir.resolve("mcu/mcu0.flash.json")).doesNotExist();
    assertThat(stateDir.resolve("mcu/mcu0.image")).doesNotExist();
  }

  @Test
  void recover_after_a_restart_during_the_health_check_checks_again_and_confirms() throws Exception {
    killedAt(NEW, options(), p -> p.step() == FlashStep.HEALTH_CHECK);
    assertThat(mcu.state().revertPending()).isTrue(); // the new image runs, not confirmed
    FlashResult r = device().recover(options(), FlashListener.NONE).get(30, TimeUnit.SECONDS).orElseThrow();
    assertThat(r.outcome()).isEqualTo(Outcome.UPDATED);
    assertThat(mcu.state().runningConfirmed()).isTrue();
    assertThat(mcu.state().runningVersion()).contains("2.0.0");
  }

  @Test
  void recover_after_a_restart_before_the_reset_boots_and_confirms() throws Exception {
    killedAt(NEW, options(), p -> p.step() == FlashStep.RESETTING);
    assertThat(mcu.state().pendingTest()).isTrue();
    FlashResult r = device().recover(options(), FlashListener.NONE).get(30, TimeUnit.SECONDS).orElseThrow();
    assertThat(r.outcome()).isEqualTo(Outcome.UPDATED);
    assertThat(mcu.state().bootActions()).containsExactly("SWAPPED_FOR_TEST");
  }

  @Test
  void recover_after_a_restart_in_the_middle_of_a_revert_finishes_the_revert() throws Exception {
    FlashOptions unhealthy = options().toBuilder()
        .healthCheck(ctx -> HealthCheck.Verdict.unhealthy("no heartbeat"), Duration.ofSeconds(2)).build();
    killedAt(NEW, unhealthy, p -> p.step() == FlashStep.REVERTING);
    FlashResult r = device().recover(unhealthy, FlashListener.NONE).get(30, TimeUnit.SECONDS).orElseThrow();
    assertThat(r.outcome()).isEqualTo(Outcome.REVERTED);
    assertThat(mcu.state().runningVersion()).contains("1.0.0");
    assertThat(mcu.state().runningConfirmed()).isTrue();
  }

  @Test
  void another_image_after_an_interrupted_one_first_cleans_up_the_test_image_then_flashes() throws Exception {
    killedAt(NEW, options(), p -> p.step() == FlashStep.HEALTH_CHECK);
    FlashResult r = device().flash(OTHER, options(), FlashListener.NONE).get(30, TimeUnit.SECONDS);
    assertThat(r.outcome()).isEqualTo(Outcome.UPDATED);
    assertThat(r.resumed()).isFalse();
    assertThat(mcu.state().runningVersion()).contains("3.0.0");
    // swap to 2.0.0 for test, revert (clean-up), swap to 3.0.0 for test
    assertThat(mcu.state().bootActions()).containsExactly("SWAPPED_FOR_TEST", "REVERTED", "SWAPPED_FOR_TEST");
  }

  @Test
  void a_lost_image_copy_means_clean_up_and_a_corrupt_journal_is_set_aside() throws Exception {
    killedAt(NEW, options(), p -> p.step() == FlashStep.HEALTH_CHECK);
    Files.delete(stateDir.resolve("mcu/mcu0.image"));
    FlashResult r = device().recover(options(), FlashListener.NONE).get(30, TimeUnit.SECONDS).orElseThrow();
    assertThat(r.outcome()).isEqualTo(Outcome.REVERTED);
    assertThat(r.reason()).contains("cleaned up");
    assertThat(mcu.state().runningVersion()).contains("1.0.0");

    Files.writeString(stateDir.resolve("mcu/mcu0.flash.json"), "{not json");
    McuDevice d = (McuDevice) open.get(0);
    assertThat(d.recover(options(), FlashListener.NONE).get(10, TimeUnit.SECONDS)).isEmpty();
    assertThat(stateDir.resolve("mcu/mcu0.flash.json.corrupt")).exists();
    assertThat(d.flash(NEW, options(), FlashListener.NONE).get(30, TimeUnit.SECONDS).outcome())
        .isEqualTo(Outcome.UPDATED);
  }
}
