package dev.thingbridge.mcu.smp;

import static dev.thingbridge.mcu.FakeMcuRig.T;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.thingbridge.mcu.FakeMcuRig;
import dev.thingbridge.mcu.McuErrorResponseException;
import dev.thingbridge.mcu.McuTimeoutException;
import dev.thingbridge.mcu.SmpClient;
import dev.thingbridge.mcu.fake.FakeMcuOptions;
import dev.thingbridge.mcu.fake.LinkFaults;
import dev.thingbridge.mcu.image.McubootImage;
import dev.thingbridge.mcu.image.McubootImageBuilder;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** Every command against the fake MCU, and the image group's upload and state-write rules. */
class McuMgrAgainstFakeTest {
  private FakeMcuRig rig;

  private static FakeMcuOptions.Builder opts() {
    return FakeMcuOptions.builder().resetDelay(Duration.ZERO);
  }

  private FakeMcuRig rig(FakeMcuOptions options) throws Exception {
    rig = new FakeMcuRig(options);
    return rig;
  }

  @AfterEach
  void close() throws Exception {
    if (rig != null) {
      rig.close();
    }
  }

  private static Map<String, Object> first(McubootImage img, int chunk) {
    Map<String, Object> b = new LinkedHashMap<>();
    b.put("image", 0);
    b.put("len", img.length());
    b.put("off", 0);
    b.put("sha", img.fileSha256());
    b.put("data", java.util.Arrays.copyOf(img.bytes(), chunk));
    return b;
  }

  private static Map<String, Object> next(McubootImage img, long off, int chunk) {
    Map<String, Object> b = new LinkedHashMap<>();
    b.put("off", off);
    b.put("data", java.util.Arrays.copyOfRange(img.bytes(), (int) off, (int) Math.min(img.length(), off + chunk)));
    return b;
  }

  private UploadReply uploadAll(McubootImage img) throws Exception {
    UploadReply r = rig.mgr.upload(first(img, 200), T, 1, "first");
    while (r.offset() < img.length()) {
      r = rig.mgr.upload(next(img, r.offset(), 300), T, 1, "chunk");
    }
    return r;
  }

  @Test
  void os_group_echo_params_info_and_bootloader_mode() throws Exception {
    rig(opts().name("board").build());
    assertThat(rig.mgr.echo("hello", T, 1)).isEqualTo("hello");
    assertThat(rig.mgr.params(T, 1)).contains(new McuParams(384, 4));
    assertThat(rig.mgr.osInfo("snv", T, 1)).contains("Zephyr board 1.0.0");
    BootloaderInfo boot = rig.mgr.bootloaderInfo(T, 1).orElseThrow();
    assertThat(boot).isEqualTo(new BootloaderInfo("MCUboot", BootloaderMode.SWAP_USING_SCRATCH, false));
    assertThat(rig.client.version()).isEqualTo(SmpHeader.V2);
    SmpClient.SmpReply unknown = rig.client.call(SmpOp.READ, 9, 0, Map.of(), T, 1, "shell");
    assertThat(unknown.error()).hasValueSatisfying(e -> assertThat(e.mcuMgrError()).contains(McuMgrError.ENOTSUP));
    SmpClient.SmpReply badFormat = rig.client.call(SmpOp.READ, 0, 7, Map.of("format", "z"), T, 1, "os info");
    assertThat(badFormat.error().orElseThrow().toString()).contains("group 0 error 2 INVALID_FORMAT");
  }

  @Test
  void params_unsupported_is_empty_not_an_error() throws Exception {
    rig(opts().paramsSupported(false).build());
    assertThat(rig.mgr.params(T, 1)).isEmpty();
  }

  @Test
  void upload_resumes_with_the_same_sha_and_offsets_are_idempotent() throws Exception {
    rig(opts().build());
    McubootImage img = McubootImage.parse(McubootImageBuilder.create().version("2.0.0").randomBody(3000, 5).build());
    UploadReply r = rig.mgr.upload(first(img, 200), T, 1, "first");
    assertThat(r.offset()).isEqualTo(200);
    r = rig.mgr.upload(next(img, 200, 300), T, 1, "chunk");
    assertThat(r.offset()).isEqualTo(500);
    // A stale chunk is dropped and answered with the expected offset.
    assertThat(rig.mgr.upload(next(img, 200, 300), T, 1, "again").offset()).isEqualTo(500);
    // off 0 with the same sha resumes instead of restarting.
    assertThat(rig.mgr.upload(first(img, 200), T, 1, "resume").offset()).isEqualTo(500);
    while (r.offset() < img.length()) {
      r = rig.mgr.upload(next(img, r.offset(), 300), T, 1, "rest");
    }
    assertThat(r.match()).contains(true);
    ImageState state = rig.mgr.imageState(T, 1);
    assertThat(state.slot(1).orElseThrow().holds(img.hash())).isTrue();
    assertThat(state.slot(1).get().version()).isEqualTo("2.0.0");
  }

  @Test
  void first_chunk_checks_and_overrun_are_typed_group_errors() throws Exception {
    rig(opts().flash(64 * 1024, 4096).build());
    McubootImage img = McubootImage.parse(McubootImageBuilder.create().randomBody(3000, 5).build());
    Map<String, Object> noLen = first(img, 200);
    noLen.remove("len");
    assertImageError(() -> rig.mgr.upload(noLen, T, 1, "x"), ImageMgmtError.INVALID_LENGTH);
    Map<String, Object> shortHeader = first(img, 20);
    assertImageError(() -> rig.mgr.upload(shortHeader, T, 1, "x"), ImageMgmtError.INVALID_IMAGE_HEADER);
    Map<String, Object> badMagic = first(img, 200);
    badMagic.put("data", new byte[200]);
    assertImageError(() -> rig.mgr.upload(badMagic, T, 1, "x"), ImageMgmtError.INVALID_IMAGE_HEADER_MAGIC);
    Map<String, Object> tooLarge = first(img, 200);
    tooLarge.put("len", 100_000);
    assertImageError(() -> rig.mgr.upload(tooLarge, T, 1, "x"), ImageMgmtError.INVALID_IMAGE_TOO_LARGE);
    Map<String, Object> longSha = first(img, 200);
    longSha.put("sha", new byte[33]);
    assertImageError(() -> rig.mgr.upload(longSha, T, 1, "x"), ImageMgmtError.INVALID_HASH);
    Map<String, Object> noOff = first(img, 200);
    noOff.remove("off");
    assertImageError(() -> rig.mgr.upload(noOff, T, 1, "x"), ImageMgmtError.INVALID_OFFSET);
    Map<String, Object> downgrade = first(img, 200);
    downgrade.put("upgrade", true);
    assertImageError(() -> rig.mgr.upload(downgrade, T, 1, "x"), ImageMgmtError.CURRENT_VERSION_IS_NEWER);
    McubootImage small = McubootImage.parse(McubootImageBuilder.create().randomBody(300, 5).build());
    rig.mgr.upload(first(small, 200), T, 1, "x");
    Map<String, Object> overrun = next(small, 200, 300);
    overrun.put("data", new byte[250]);
    assertImageError(() -> rig.mgr.upload(overrun, T, 1, "x"), ImageMgmtError.INVALID_IMAGE_DATA_OVERRUN);
  }

  @Test
  void v1_requests_get_translated_smp_level_codes() throws Exception {
    rig(opts().build());
    McubootImage img = McubootImage.parse(McubootImageBuilder.create().randomBody(3000, 5).build());
    Map<String, Object> noLen = first(img, 200);
    noLen.remove("len");
    SmpMessage v1 = new SmpMessage(SmpHeader.request(SmpHeader.V1, SmpOp.WRITE, 1, 1, 7), SmpCbor.encode(noLen));
    rig.link.write(new ConsoleFraming().encode(v1.toBytes()));
    byte[] buf = new byte[512];
    java.util.List<byte[]> frames = new java.util.ArrayList<>();
    SmpFrameDecoder d = new ConsoleFraming().newDecoder(4096);
    Awaitility.await().atMost(Duration.ofSeconds(2)).until(() -> {
      int n = rig.link.read(buf, 0, buf.length, Duration.ofMillis(20));
      d.feed(buf, 0, n, frames::add);
      return !frames.isEmpty();
    });
    SmpMessage reply = SmpMessage.parse(frames.get(0));
    assertThat(reply.header().version()).isEqualTo(SmpHeader.V1);
    SmpError e = SmpError.from(SmpCbor.decode(reply.body()), 1).orElseThrow();
    assertThat(e.mcuMgrError()).contains(McuMgrError.EINVAL);
  }

  @Test
  void state_write_rules_test_confirm_and_their_refusals() throws Exception {
    rig(opts().build());
    McubootImage img = McubootImage.parse(McubootImageBuilder.create().version("2.0.0").randomBody(3000, 5).build());
    byte[] running = rig.mgr.imageState(T, 1).active().orElseThrow().hash();
    assertImageError(() -> rig.mgr.test(running, T, 1), ImageMgmtError.IMAGE_SETTING_TEST_TO_ACTIVE_DENIED);
    assertImageError(() -> rig.mgr.test(new byte[32], T, 1), ImageMgmtError.HASH_NOT_FOUND);
    assertImageError(() -> rig.mgr.test(new byte[5], T, 1), ImageMgmtError.INVALID_HASH);
    uploadAll(img);
    ImageState marked = rig.mgr.test(img.hash(), T, 1);
    assertThat(marked.slot(1).orElseThrow().pending()).isTrue();
    assertThat(marked.slot(1).get().permanent()).isFalse();
    assertThat(rig.mgr.test(img.hash(), T, 1).slot(1).orElseThrow().pending()).isTrue(); // no-op re-mark
    // A pending slot is not free for another upload.
    assertImageError(() -> rig.mgr.upload(first(img, 200), T, 1, "x"), ImageMgmtError.NO_FREE_SLOT);
    assertImageError(() -> rig.mgr.erase(null, T, 1), ImageMgmtError.IMAGE_SETTING_TEST_TO_ACTIVE_DENIED);

    rig.mgr.reset(false, null, T, 1);
    ImageState afterSwap = awaitState();
    ImageSlot active = afterSwap.active().orElseThrow();
    assertThat(active.holds(img.hash())).isTrue();
    assertThat(active.confirmed()).isFalse();
    assertThat(afterSwap.slot(1).orElseThrow().holds(running)).isTrue();
    assertThat(afterSwap.slot(1).get().confirmed()).isTrue(); // what a revert restores
    assertImageError(() -> rig.mgr.test(running, T, 1), ImageMgmtError.IMAGE_ALREADY_PENDING);

    // Not confirmed: the next reset reverts.
    rig.mgr.reset(false, null, T, 1);
    ImageState reverted = awaitState();
    assertThat(reverted.active().orElseThrow().holds(running)).isTrue();
    assertThat(reverted.active().get().confirmed()).isTrue();
    assertThat(rig.mcu.state().bootActions()).containsExactly("SWAPPED_FOR_TEST", "REVERTED");

    // Test again, then confirm with an empty hash after the swap: the new image stays.
    rig.mgr.test(img.hash(), T, 1);
    rig.mgr.reset(false, null, T, 1);
    awaitState();
    ImageState confirmed = rig.mgr.confirm(null, T, 1);
    assertThat(confirmed.active().orElseThrow().confirmed()).isTrue();
    rig.mgr.reset(false, null, T, 1);
    assertThat(awaitState().active().orElseThrow().holds(img.hash())).isTrue();
  }

  @Test
  void confirm_with_the_other_slots_hash_makes_it_permanent_and_erase_forgets_the_upload() throws Exception {
    rig(opts().build());
    McubootImage img = McubootImage.parse(McubootImageBuilder.create().version("3.0.0").randomBody(3000, 6).build());
    rig.mgr.upload(first(img, 200), T, 1, "first");
    rig.mgr.erase(null, T, 1);
    // After an erase, off 0 with the same sha starts over instead of resuming at 200 (zephyr #51798).
    assertThat(rig.mgr.upload(first(img, 100), T, 1, "again").offset()).isEqualTo(100);
    UploadReply last = null;
    long off = 100;
    while (off < img.length()) {
      last = rig.mgr.upload(next(img, off, 300), T, 1, "chunk");
      off = last.offset();
    }
    ImageState perm = rig.mgr.confirm(img.hash(), T, 1);
    assertThat(perm.slot(1).orElseThrow().permanent()).isTrue();
    rig.mgr.reset(false, null, T, 1);
    ImageState after = awaitState();
    assertThat(after.active().orElseThrow().holds(img.hash())).isTrue();
    assertThat(after.active().get().confirmed()).isTrue();
  }

  @Test
  void an_invalid_image_marked_for_test_is_not_swapped() throws Exception {
    rig(opts().build());
    McubootImage bad = McubootImage.parse(McubootImageBuilder.create().version("2.0.0").randomBody(3000, 5)
        .brokenHash().build());
    byte[] running = rig.mgr.imageState(T, 1).active().orElseThrow().hash();
    uploadAll(bad);
    rig.mgr.test(bad.hash(), T, 1);
    rig.mgr.reset(false, null, T, 1);
    assertThat(awaitState().active().orElseThrow().holds(running)).isTrue();
    assertThat(rig.mcu.state().bootActions()).containsExactly("SWAP_REFUSED");
  }

  @Test
  void a_silent_device_times_out_after_every_attempt() throws Exception {
    rig(opts().build());
    rig.mcu.setSilent(true);
    assertThatThrownBy(() -> rig.mgr.echo("x", Duration.ofMillis(30), 3)).isInstanceOf(McuTimeoutException.class)
        .hasMessageContaining("3 attempts");
    assertThat(rig.client.stats().retransmissions()).isEqualTo(2);
    rig.mcu.setSilent(false);
    assertThat(rig.mgr.echo("back", T, 1)).isEqualTo("back");
  }

  @Test
  void mcuboot_recovery_answers_v1_style_and_writes_the_primary_slot() throws Exception {
    rig(opts().personality(FakeMcuOptions.Personality.MCUBOOT_RECOVERY)
        .mode(BootloaderMode.SINGLE_APP).build());
    assertThat(rig.mgr.bootloaderInfo(T, 1)).isEmpty();
    assertThat(rig.mgr.osInfo(null, T, 1)).isEmpty();
    assertThat(rig.mgr.params(T, 1)).contains(new McuParams(1024, 1));
    McubootImage img = McubootImage.parse(McubootImageBuilder.create().version("4.0.0").randomBody(3001, 7).build());
    UploadReply r = rig.mgr.upload(first(img, 203), T, 1, "first");
    assertThat(r.offset()).isEqualTo(200); // written in 8-byte multiples: follow the returned offset
    while (r.offset() < img.length()) {
      r = rig.mgr.upload(next(img, r.offset(), 301), T, 1, "chunk");
    }
    assertThat(r.match()).isEmpty();
    ImageState s = rig.mgr.imageState(T, 1);
    assertThat(s.slots()).singleElement().satisfies(slot -> {
      assertThat(slot.slot()).isZero();
      assertThat(slot.holds(img.hash())).isTrue();
    });
    assertThatThrownBy(() -> rig.mgr.test(img.hash(), T, 1)).isInstanceOf(McuErrorResponseException.class)
        .hasMessageContaining("ENOTSUP");
    rig.mgr.reset(false, null, T, 1);
    Awaitility.await().atMost(Duration.ofSeconds(2)).until(() -> !rig.mcu.state().inRecovery());
    assertThat(rig.mgr.osInfo("v", T, 1)).contains("4.0.0");
  }

  private ImageState awaitState() {
    return Awaitility.await().atMost(Duration.ofSeconds(3)).ignoreExceptions()
        .until(() -> rig.mgr.imageState(Duration.ofMillis(100), 1), s -> true);
  }

  private static void assertImageError(org.assertj.core.api.ThrowableAssert.ThrowingCallable call, ImageMgmtError code) {
    assertThatThrownBy(call).isInstanceOfSatisfying(McuErrorResponseException.class,
        e -> assertThat(e.error().imageError()).contains(code));
  }

  /**
   * The fake's wire knobs act: at 9600 baud (960 bytes/s) an echo of 300 characters (about 880 bytes on the wire
   * both ways in console framing) cannot take less than about 0.9 s, and a 250 ms turnaround delays every reply;
   * an unpaced fake answers in milliseconds.
   */
  @Test
  void baud_pacing_and_turnaround_slow_the_replies_as_configured() throws Exception {
    String text = "x".repeat(300);
    rig(opts().faults(LinkFaults.NONE.withBaud(9600)).build());
    long t0 = System.nanoTime();
    assertThat(rig.mgr.echo(text, Duration.ofSeconds(5), 1)).isEqualTo(text);
    assertThat(Duration.ofNanos(System.nanoTime() - t0)).isGreaterThan(Duration.ofMillis(700));
    rig.close();

    rig(opts().faults(LinkFaults.NONE.withTurnaround(Duration.ofMillis(250))).build());
    t0 = System.nanoTime();
    rig.mgr.echo("a", Duration.ofSeconds(5), 1);
    rig.mgr.echo("b", Duration.ofSeconds(5), 1);
    assertThat(Duration.ofNanos(System.nanoTime() - t0)).isGreaterThan(Duration.ofMillis(490));
  }
}
