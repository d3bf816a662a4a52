package dev.thingbridge.mcu;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.thingbridge.mcu.FlashResult.Outcome;
import dev.thingbridge.mcu.fake.FakeMcu;
import dev.thingbridge.mcu.fake.FakeMcuOptions;
import dev.thingbridge.mcu.fake.FakeMcuPort;
import dev.thingbridge.mcu.fake.FakeMcuState;
import dev.thingbridge.mcu.image.ImageVersion;
import dev.thingbridge.mcu.image.McubootImage;
import dev.thingbridge.mcu.image.McubootImageBuilder;
import dev.thingbridge.mcu.serial.InMemorySerialPorts;
import dev.thingbridge.mcu.smp.BootloaderMode;
import dev.thingbridge.mcu.smp.RawFraming;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.spec.ECGenParameterSpec;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The update flow of serial-bridge.md §7.3 end to end against the fake MCU, over the in-memory link. */
class McuDeviceFlashTest {
  static final byte[] NEW = McubootImageBuilder.create().version("2.0.0").randomBody(12_000, 42).build();

  private final InMemorySerialPorts ports = new InMemorySerialPorts();
  private final List<AutoCloseable> open = new CopyOnWriteArrayList<>();
  final List<FlashProgress> events = new CopyOnWriteArrayList<>();

  static FakeMcuOptions.Builder fake() {
    return FakeMcuOptions.builder().resetDelay(Duration.ofMillis(5));
  }

  static McuConfig.Builder fast(String port) {
    return McuConfig.builder(port).requestTimeout(Duration.ofMillis(150), 5).firstChunkTimeout(Duration.ofSeconds(2))
        .probe(Duration.ofMillis(150), 3).boot(Duration.ofMillis(20), Duration.ofSeconds(3));
  }

  static FlashOptions.Builder opts() {
    return FlashOptions.builder().timeout(Duration.ofSeconds(60));
  }

  FakeMcu start(FakeMcuOptions options) throws Exception {
    FakeMcu mcu = FakeMcu.start(FakeMcuPort.inMemory(ports, "mcu0"), options);
    open.add(mcu);
    return mcu;
  }

  McuDevice device(McuConfig.Builder config) {
    McuDevice d = McuDevice.open(config.opener(ports).build());
    open.add(0, d);
    return d;
  }

  FlashResult flash(McuDevice d, byte[] image, FlashOptions options) throws Exception {
    return d.flash(image, options, events::add).get(60, TimeUnit.SECONDS);
  }

  @AfterEach
  void closeAll() throws Exception {
    for (AutoCloseable c : open) {
      c.close();
    }
  }

  private static byte[] hash(byte[] image) throws Exception {
    return McubootImage.parse(image).hash();
  }

  @Test
  void a_new_image_is_uploaded_tested_booted_checked_and_confirmed() throws Exception {
    FakeMcu mcu = start(fake().build());
    FlashResult r = flash(device(fast("mcu0")), NEW, opts().build());
    assertThat(r.outcome()).isEqualTo(Outcome.UPDATED);
    assertThat(r.succeeded()).isTrue();
    assertThat(r.rollbackAvailable()).isTrue();
    assertThat(r.previousVersion()).isEqualTo("1.0.0");
    assertThat(r.version()).isEqualTo("2.0.0");
    assertThat(r.bytesUploaded()).isEqualTo(NEW.length);
    FakeMcuState s = mcu.state();
    assertThat(s.primary().orElseThrow().hash()).isEqualTo(hash(NEW));
    assertThat(s.runningConfirmed()).isTrue();
    assertThat(s.bootActions()).containsExactly("SWAPPED_FOR_TEST");
    assertThat(events).extracting(FlashProgress::step).containsSubsequence(FlashStep.VERIFYING_IMAGE,
        FlashStep.PROBING, FlashStep.READING_STATE, FlashStep.UPLOADING, FlashStep.MARKING_TEST, FlashStep.RESETTING,
        FlashStep.WAITING_FOR_BOOT, FlashStep.HEALTH_CHECK, FlashStep.CONFIRMING, FlashStep.DONE);
    assertThat(events.stream().filter(e -> e.step() == FlashStep.UPLOADING).mapToLong(FlashProgress::bytesDone).max())
        .hasValue(NEW.length);
  }

  @Test
  void flashing_the_running_confirmed_image_again_changes_nothing() throws Exception {
    FakeMcu mcu = start(fake().build());
    McuDevice d = device(fast("mcu0"));
    flash(d, NEW, opts().build());
    int chunks = mcu.state().chunksReceived();
    FlashResult again = flash(d, NEW, opts().build());
    assertThat(again.outcome()).isEqualTo(Outcome.ALREADY_RUNNING);
    assertThat(mcu.state().chunksReceived()).isEqualTo(chunks);
    assertThat(mcu.state().resets()).isEqualTo(1);
  }

  @Test
  void a_malformed_image_or_one_the_verifier_refuses_never_reaches_the_device() throws Exception {
    FakeMcu mcu = start(fake().build());
    McuDevice d = device(fast("mcu0"));
    FlashResult broken = flash(d, McubootImageBuilder.create().randomBody(100, 1).brokenHash().build(), opts().build());
    assertThat(broken.outcome()).isEqualTo(Outcome.REFUSED);
    assertThat(broken.reason()).contains("hash mismatch");
    KeyPairGenerator g = KeyPairGenerator.getInstance("EC");
    g.initialize(new ECGenParameterSpec("secp256r1"));
    KeyPair key = g.generateKeyPair();
    FlashResult unsigned = flash(d, NEW, opts().verifier(ImageVerifier.mcubootSignature(key.getPublic())).build());
    assertThat(unsigned.outcome()).isEqualTo(Outcome.REFUSED);
    assertThat(unsigned.reason()).contains("no ECDSA signature");
    FlashResult byOta = flash(d, NEW, opts().verifier(img -> {
      throw new ImageRejectedException("sig_check_failed: the job's signature does not verify");
    }).build());
    assertThat(byOta.reason()).contains("sig_check_failed");
    assertThat(mcu.state().chunksReceived()).isZero();
    byte[] signed = McubootImageBuilder.create().version("2.1.0").randomBody(3000, 3).sign(key).build();
    assertThat(flash(d, signed, opts().verifier(ImageVerifier.mcubootSignature(key.getPublic())).build()).outcome())
        .isEqualTo(Outcome.UPDATED);
  }

  @Test
  void the_device_refusing_the_upload_is_reported_with_its_typed_reason() throws Exception {
    start(fake().flash(32 * 1024, 4096).build());
    McuDevice d = device(fast("mcu0"));
    FlashResult tooLarge = flash(d, McubootImageBuilder.create().version("3.0.0").randomBody(40_000, 1).build(),
        opts().build());
    assertThat(tooLarge.outcome()).isEqualTo(Outcome.REFUSED);
    assertThat(tooLarge.reason()).contains("INVALID_IMAGE_TOO_LARGE");
    FlashResult older = flash(d, McubootImageBuilder.create().version("0.9.0").randomBody(2000, 1).build(),
        opts().upgradeOnly(true).build());
    assertThat(older.reason()).contains("CURRENT_VERSION_IS_NEWER");
  }

  @Test
  void a_new_image_that_crashes_at_boot_is_reverted_by_mcuboot_and_reported_failed() throws Exception {
    FakeMcu mcu = start(fake().failingVersion(ImageVersion.parse("2.0.0"), FakeMcuOptions.Failure.CRASHES)
        .crashAfter(Duration.ofMillis(100)).build());
    FlashResult r = flash(device(fast("mcu0")), NEW, opts().build());
    assertThat(r.outcome()).isEqualTo(Outcome.REVERTED);
    assertThat(r.succeeded()).isFalse();
    assertThat(r.reason()).contains("did not come up").contains("1.0.0 runs again");
    assertThat(mcu.state().runningVersion()).contains("1.0.0");
    assertThat(mcu.state().runningConfirmed()).isTrue();
    assertThat(mcu.state().bootActions()).containsExactly("SWAPPED_FOR_TEST", "REVERTED");
  }

  @Test
  void a_hung_new_image_is_reset_through_the_rts_line_and_reverted() throws Exception {
    FakeMcu mcu = start(fake().failingVersion(ImageVersion.parse("2.0.0"), FakeMcuOptions.Failure.HANGS).build());
    FlashResult r = flash(device(fast("mcu0").resetLine(ResetLine.RTS).boot(Duration.ofMillis(20),
        Duration.ofMillis(800))), NEW, opts().build());
    assertThat(r.outcome()).isEqualTo(Outcome.REVERTED);
    assertThat(mcu.state().runningVersion()).contains("1.0.0");
    assertThat(mcu.state().bootActions()).containsExactly("SWAPPED_FOR_TEST", "REVERTED");
  }

  @Test
  void a_hung_new_image_without_reset_wiring_times_out_and_recover_finishes_after_a_power_cycle() throws Exception {
    FakeMcu mcu = start(fake().failingVersion(ImageVersion.parse("2.0.0"), FakeMcuOptions.Failure.HANGS).build());
    java.nio.file.Path dir = java.nio.file.Files.createTempDirectory("mcu-state");
    McuDevice d = device(fast("mcu0").boot(Duration.ofMillis(20), Duration.ofMillis(600)));
    FlashOptions withJournal = opts().stateDir(dir).build();
    assertThatThrownBy(() -> flash(d, NEW, withJournal)).isInstanceOf(ExecutionException.class)
        .hasCauseInstanceOf(McuTimeoutException.class).hasMessageContaining("power-cycle");
    assertThat(dir.resolve("mcu/mcu0.flash.json")).exists();
    mcu.powerCycle();
    FlashResult r = d.recover(withJournal, events::add).get(30, TimeUnit.SECONDS).orElseThrow();
    assertThat(r.outcome()).isEqualTo(Outcome.REVERTED);
    assertThat(r.resumed()).isTrue();
    assertThat(dir.resolve("mcu/mcu0.flash.json")).doesNotExist();
    assertThat(d.recover(withJournal, events::add).get(5, TimeUnit.SECONDS)).isEmpty();
  }

  @Test
  void an_unhealthy_image_is_reset_without_confirming_and_the_revert_is_verified() throws Exception {
    FakeMcu mcu = start(fake().build());
    FlashResult r = flash(device(fast("mcu0")), NEW, opts()
        .healthCheck(ctx -> HealthCheck.Verdict.unhealthy("sensor readings are zero"), Duration.ofSeconds(5)).build());
    assertThat(r.outcome()).isEqualTo(Outcome.REVERTED);
    assertThat(r.reason()).contains("sensor readings are zero").contains("reverted, 1.0.0 runs again");
    assertThat(mcu.state().runningConfirmed()).isTrue();
    assertThat(mcu.state().runningVersion()).contains("1.0.0");
  }

  @Test
  void a_health_check_command_runs_with_the_port_released_and_its_exit_code_decides() throws Exception {
    FakeMcu mcu = start(fake().build());
    McuDevice d = device(fast("mcu0"));
    FlashResult bad = flash(d, NEW, opts().healthCheck(HealthCheck.command(List.of("sh", "-c",
        "echo \"checking $THINGBRIDGE_MCU_VERSION on $THINGBRIDGE_MCU_PORT\"; exit 3")), Duration.ofSeconds(10)).build());
    assertThat(bad.outcome()).isEqualTo(Outcome.REVERTED);
    assertThat(bad.reason()).contains("exited 3").contains("checking 2.0.0 on mcu0");
    FlashResult good = flash(d, NEW, opts().healthCheck(HealthCheck.command(List.of("sh", "-c",
        "test \"$THINGBRIDGE_MCU_HASH\" != \"\"")), Duration.ofSeconds(10)).build());
    assertThat(good.outcome()).isEqualTo(Outcome.UPDATED);
    assertThat(mcu.state().runningVersion()).contains("2.0.0");
  }

  @Test
  void an_image_the_bootloader_will_not_boot_is_reported_as_not_come_up() throws Exception {
    FakeMcu mcu = start(fake().build());
    byte[] nonBootable = McubootImageBuilder.create().version("2.0.0").flags(McubootImage.FLAG_NON_BOOTABLE)
        .randomBody(4000, 2).build();
    FlashResult r = flash(device(fast("mcu0")), nonBootable, opts().build());
    assertThat(r.outcome()).isEqualTo(Outcome.REVERTED);
    assertThat(mcu.state().bootActions()).containsExactly("SWAP_REFUSED");
  }

  @Test
  void an_application_that_confirms_itself_is_still_health_checked() throws Exception {
    start(fake().autoConfirmAfter(Duration.ZERO).build());
    FlashResult r = flash(device(fast("mcu0")), NEW, opts().build());
    assertThat(r.outcome()).isEqualTo(Outcome.UPDATED);
    assertThat(events).extracting(FlashProgress::step).contains(FlashStep.HEALTH_CHECK);
  }

  @Test
  void overwrite_only_is_flashed_permanent_and_reported_without_rollback() throws Exception {
    FakeMcu mcu = start(fake().mode(BootloaderMode.OVERWRITE_ONLY).build());
    McuDevice d = device(fast("mcu0"));
    FlashResult r = flash(d, NEW, opts().build());
    assertThat(r.outcome()).isEqualTo(Outcome.UPDATED);
    assertThat(r.rollbackAvailable()).isFalse();
    assertThat(mcu.state().bootActions()).containsExactly("OVERWRITTEN");
    assertThat(mcu.state().secondary()).isEmpty();
    FlashResult refused = flash(d, McubootImageBuilder.create().version("3.0.0").build(),
        opts().requireRollback(true).build());
    assertThat(refused.outcome()).isEqualTo(Outcome.REFUSED);
    assertThat(refused.reason()).contains("OVERWRITE_ONLY");
  }

  @Test
  void serial_recovery_overwrites_the_primary_slot_and_reports_no_rollback() throws Exception {
    FakeMcu mcu = start(fake().personality(FakeMcuOptions.Personality.MCUBOOT_RECOVERY)
        .mode(BootloaderMode.SINGLE_APP).build());
    FlashResult r = flash(device(fast("mcu0")), NEW, opts().build());
    assertThat(r.outcome()).isEqualTo(Outcome.UPDATED);
    assertThat(r.rollbackAvailable()).isFalse();
    assertThat(r.reason()).contains("no rollback");
    assertThat(mcu.state().inRecovery()).isFalse();
    assertThat(mcu.state().runningVersion()).contains("2.0.0");
  }

  @Test
  void a_single_slot_application_is_restarted_into_recovery_first() throws Exception {
    FakeMcu mcu = start(fake().mode(BootloaderMode.SINGLE_APP).build());
    FlashResult r = flash(device(fast("mcu0")), NEW, opts().build());
    assertThat(r.outcome()).isEqualTo(Outcome.UPDATED);
    assertThat(r.rollbackAvailable()).isFalse();
    assertThat(mcu.state().runningVersion()).contains("2.0.0");
    assertThat(mcu.state().resets()).isEqualTo(2);
  }

  @Test
  void an_image_that_does_not_boot_from_recovery_leaves_the_device_in_recovery_and_fails() throws Exception {
    FakeMcu mcu = start(fake().personality(FakeMcuOptions.Personality.MCUBOOT_RECOVERY)
        .mode(BootloaderMode.SINGLE_APP).build());
    byte[] nonBootable = McubootImageBuilder.create().version("2.0.0").flags(McubootImage.FLAG_NON_BOOTABLE)
        .randomBody(4000, 2).build();
    FlashResult r = flash(device(fast("mcu0")), nonBootable, opts().build());
    assertThat(r.outcome()).isEqualTo(Outcome.FAILED);
    assertThat(r.reason()).contains("stays in serial recovery");
    assertThat(mcu.state().inRecovery()).isTrue();
  }

  @Test
  void rollback_can_be_required() throws Exception {
    start(fake().personality(FakeMcuOptions.Personality.MCUBOOT_RECOVERY).mode(BootloaderMode.SINGLE_APP).build());
    FlashResult r = flash(device(fast("mcu0")), NEW, opts().requireRollback(true).build());
    assertThat(r.outcome()).isEqualTo(Outcome.REFUSED);
    assertThat(r.reason()).contains("cannot revert");
  }

  @Test
  void a_usb_cdc_device_that_reenumerates_on_reset_is_reopened_by_name() throws Exception {
    FakeMcu mcu = start(fake().reenumerateOnReset(true).bootDelay(Duration.ofMillis(150)).build());
    FlashResult r = flash(device(fast("mcu0")), NEW, opts().build());
    assertThat(r.outcome()).isEqualTo(Outcome.UPDATED);
    assertThat(mcu.state().runningConfirmed()).isTrue();
  }

  @Test
  void raw_framing_with_large_buffers_flashes_too() throws Exception {
    start(fake().framing(new RawFraming()).bufSize(2048).build());
    FlashResult r = flash(device(fast("mcu0").framing(Framing.RAW)), NEW, opts().build());
    assertThat(r.outcome()).isEqualTo(Outcome.UPDATED);
  }

  @Test
  void a_power_cut_mid_upload_restarts_the_upload_and_still_updates() throws Exception {
    FakeMcu mcu = start(fake().resetAtChunk(10).bootDelay(Duration.ofMillis(50)).build());
    FlashResult r = flash(device(fast("mcu0")), NEW, opts().build());
    assertThat(r.outcome()).isEqualTo(Outcome.UPDATED);
    assertThat(mcu.state().resets()).isEqualTo(2);
  }

  @Test
  void a_silent_device_and_a_missing_port_fail_the_future_with_their_own_exceptions() throws Exception {
    FakeMcu mcu = start(fake().build());
    mcu.setSilent(true);
    McuDevice d = device(fast("mcu0"));
    assertThatThrownBy(() -> flash(d, NEW, opts().build())).hasCauseInstanceOf(McuNotRespondingException.class);
    assertThatThrownBy(() -> McuDevice.open(fast("nope").opener(ports).build()))
        .isInstanceOf(McuPortException.class).hasMessageContaining("no such port");
    assertThatThrownBy(() -> McuDevice.open(fast("mcu0").opener(ports).build()))
        .isInstanceOf(McuPortException.class).hasMessageContaining("in use");
  }

  @Test
  void the_overall_timeout_fails_the_future_and_interrupts_the_flow() throws Exception {
    start(fake().flashTiming(Duration.ofMillis(20), Duration.ZERO).build());
    McuDevice d = device(fast("mcu0").firstChunkTimeout(Duration.ofSeconds(5)));
    assertThatThrownBy(() -> flash(d, NEW, opts().timeout(Duration.ofMillis(300)).build()))
        .hasCauseInstanceOf(McuTimeoutException.class).hasMessageContaining("did not finish within");
    // The device's thread is free again for the next operation (once the fake has finished its erase).
    assertThat(org.awaitility.Awaitility.await().atMost(Duration.ofSeconds(10)).ignoreExceptions()
        .until(() -> d.info().get(10, TimeUnit.SECONDS), i -> true).bufSize()).isEqualTo(384);
  }

  /** The per-device override wins over the buffer size the device reports, and the upload is cut to it. */
  @Test
  void a_configured_buffer_size_overrides_the_devices_and_cuts_the_upload() throws Exception {
    FakeMcu mcu = start(fake().build());
    McuDevice d = device(fast("mcu0").bufSize(128));
    DeviceInfo info = d.info().get(10, TimeUnit.SECONDS);
    assertThat(info.bufSize()).isEqualTo(128);
    assertThat(info.bufSizeSource()).isEqualTo("configured");
    assertThat(flash(d, NEW, opts().build()).outcome()).isEqualTo(FlashResult.Outcome.UPDATED);
    // 128-byte messages carry well under 128 bytes of image each; the device's own 384 would need about 40.
    assertThat(mcu.state().chunksReceived()).isGreaterThan(NEW.length / 128);
  }
}
