package dev.thingbridge.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.thingbridge.mcu.fake.FakeMcu;
import dev.thingbridge.mcu.fake.FakeMcuOptions;
import dev.thingbridge.mcu.fake.FakeMcuPort;
import dev.thingbridge.mcu.fake.PtyPair;
import dev.thingbridge.mcu.image.ImageVersion;
import dev.thingbridge.mcu.image.McubootImageBuilder;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.io.Writer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code thingbridge mcu ...} against the fake MCU on a real PTY (jSerialComm), with the documented exit codes. */
class McuCliTest {
  private static final ObjectMapper JSON = new ObjectMapper();

  @TempDir Path dir;
  private FakeMcu mcu;

  record Run(int exit, String out, String err) {
    JsonNode json() throws Exception {
      return JSON.readTree(out);
    }
  }

  @BeforeAll
  static void socat() {
    assertThat(PtyPair.socatAvailable()).as("socat is installed (.ci/run installs it)").isTrue();
  }

  @AfterEach
  void stop() throws Exception {
    if (mcu != null) {
      mcu.close();
    }
  }

  private String fake(FakeMcuOptions.Builder options) throws Exception {
    Path port = dir.resolve("ttyMCU");
    mcu = FakeMcu.start(FakeMcuPort.pty(port), options.build());
    return port.toString();
  }

  private static Run run(String... args) {
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    picocli.CommandLine cl = ThingBridgeCommand.newCommandLine();
    cl.setOut(new PrintWriter(out, true));
    cl.setErr(new PrintWriter(err, true));
    return new Run(cl.execute(args), out.toString(), err.toString());
  }

  private Path image(String version, long seed) throws Exception {
    Path f = dir.resolve("app-" + version + ".bin");
    Files.write(f, McubootImageBuilder.create().version(version).randomBody(10_000, seed).build());
    return f;
  }

  @Test
  void info_and_list_images_print_json() throws Exception {
    String port = fake(FakeMcuOptions.builder());
    Run info = run("mcu", "info", "--port", port);
    assertThat(info.exit()).as(info.err()).isZero();
    JsonNode i = info.json();
    assertThat(i.get("bufSize").asInt()).isEqualTo(384);
    assertThat(i.get("bufSizeSource").asText()).isEqualTo("device");
    assertThat(i.get("smpVersion").asInt()).isEqualTo(2);
    assertThat(i.at("/bootloader/name").asText()).isEqualTo("MCUboot");
    assertThat(i.at("/bootloader/mode").asText()).isEqualTo("SWAP_USING_SCRATCH");
    assertThat(i.get("rollback").asBoolean()).isTrue();
    assertThat(i.get("os").asText()).contains("Zephyr");

    Run list = run("mcu", "list-images", "--port", port);
    assertThat(list.exit()).as(list.err()).isZero();
    JsonNode images = list.json();
    assertThat(images.isArray()).isTrue();
    assertThat(images).hasSize(1);
    JsonNode s0 = images.get(0);
    assertThat(s0.get("slot").asInt()).isZero();
    assertThat(s0.get("version").asText()).isEqualTo("1.0.0");
    assertThat(s0.get("hash").asText()).hasSize(64).isEqualTo(mcu.state().primary().orElseThrow().hashHex());
    assertThat(s0.get("active").asBoolean()).isTrue();
    assertThat(s0.get("confirmed").asBoolean()).isTrue();
    assertThat(s0.get("pending").asBoolean()).isFalse();
    assertThat(s0.get("permanent").asBoolean()).isFalse();
    assertThat(s0.get("bootable").asBoolean()).isTrue();
  }

  @Test
  void flash_updates_and_a_second_flash_of_the_same_image_changes_nothing() throws Exception {
    String port = fake(FakeMcuOptions.builder());
    Path img = image("2.0.0", 1);
    Run r = run("mcu", "flash", "--port", port, "--image", img.toString(), "--state-dir", dir.resolve("state").toString());
    assertThat(r.exit()).as(r.err()).isZero();
    assertThat(r.json().get("outcome").asText()).isEqualTo("UPDATED");
    assertThat(r.json().get("previousVersion").asText()).isEqualTo("1.0.0");
    assertThat(r.json().get("version").asText()).isEqualTo("2.0.0");
    assertThat(mcu.state().runningConfirmed()).isTrue();
    Run again = run("mcu", "flash", "--port", port, "--image", img.toString());
    assertThat(again.json().get("outcome").asText()).isEqualTo("ALREADY_RUNNING");
    assertThat(run("mcu", "list-images", "--port", port).json().get(0).get("version").asText()).isEqualTo("2.0.0");
  }

  @Test
  void a_reverted_or_refused_image_exits_1_with_the_reason() throws Exception {
    String port = fake(FakeMcuOptions.builder().failingVersion(ImageVersion.parse("3.0.0"),
        FakeMcuOptions.Failure.CRASHES));
    Run crash = run("mcu", "flash", "--port", port, "--image", image("3.0.0", 2).toString());
    assertThat(crash.exit()).isEqualTo(ExitCodes.FAILURE);
    assertThat(crash.json().get("outcome").asText()).isEqualTo("REVERTED");
    assertThat(crash.err()).startsWith("error: reverted: ").contains("did not come up");

    Path broken = dir.resolve("broken.bin");
    Files.write(broken, McubootImageBuilder.create().randomBody(100, 3).brokenHash().build());
    Run refused = run("mcu", "flash", "--port", port, "--image", broken.toString());
    assertThat(refused.exit()).isEqualTo(ExitCodes.FAILURE);
    assertThat(refused.err()).contains("refused").contains("hash mismatch");

    Run unhealthy = run("mcu", "flash", "--port", port, "--image", image("2.1.0", 4).toString(),
        "--confirm-after", "echo \"no heartbeat from $THINGBRIDGE_MCU_VERSION\"; exit 1");
    assertThat(unhealthy.exit()).isEqualTo(ExitCodes.FAILURE);
    assertThat(unhealthy.err()).contains("no heartbeat from 2.1.0");
    assertThat(mcu.state().runningVersion()).contains("1.0.0");

    Run healthy = run("mcu", "flash", "--port", port, "--image", image("2.1.0", 4).toString(),
        "--confirm-after", "test -n \"$THINGBRIDGE_MCU_HASH\"");
    assertThat(healthy.exit()).as(healthy.err()).isZero();
    assertThat(mcu.state().runningVersion()).contains("2.1.0");
  }

  @Test
  void raw_framing_is_chosen_with_the_flag() throws Exception {
    String port = fake(FakeMcuOptions.builder().framing(new dev.thingbridge.mcu.smp.RawFraming()));
    Run info = run("mcu", "info", "--port", port, "--framing", "raw");
    assertThat(info.exit()).as(info.err()).isZero();
    assertThat(info.json().get("framing").asText()).as("a raw device answers nothing in console framing")
        .isEqualTo("raw");
  }

  @Test
  void reset_resets() throws Exception {
    String port = fake(FakeMcuOptions.builder());
    Run r = run("mcu", "reset", "--port", port);
    assertThat(r.exit()).as(r.err()).isZero();
    org.awaitility.Awaitility.await().atMost(Duration.ofSeconds(5)).until(() -> mcu.state().resets() == 1);
  }

  @Test
  void a_missing_port_or_a_silent_device_exits_3_and_a_timeout_exits_4() throws Exception {
    Run missing = run("mcu", "reset", "--port", dir.resolve("nope").toString());
    assertThat(missing.exit()).isEqualTo(ExitCodes.CONNECTION);
    assertThat(missing.err()).startsWith("error: ").contains("no such port");
    String port = fake(FakeMcuOptions.builder().flashTiming(Duration.ofMillis(40), Duration.ZERO));
    mcu.setSilent(true);
    Run silent = run("mcu", "info", "--port", port);
    assertThat(silent.exit()).isEqualTo(ExitCodes.CONNECTION);
    assertThat(silent.err()).contains("no SMP answer");
    mcu.setSilent(false);
    Run slow = run("mcu", "flash", "--port", port, "--image", image("2.0.0", 5).toString(), "--timeout", "1");
    assertThat(slow.exit()).as(slow.err()).isEqualTo(ExitCodes.TIMEOUT);
  }

  @Test
  void bad_flags_are_usage_errors_before_the_port_is_touched() throws Exception {
    Path img = image("2.0.0", 6);
    assertThat(run("mcu", "info", "--port", "/dev/null", "--framing", "hdlc").exit()).isEqualTo(ExitCodes.USAGE);
    assertThat(run("mcu", "info", "--port", "/dev/null", "--mtu", "10").exit()).isEqualTo(ExitCodes.USAGE);
    assertThat(run("mcu", "info").exit()).isEqualTo(ExitCodes.USAGE);
    assertThat(run("mcu", "flash", "--port", "/dev/null").exit()).isEqualTo(ExitCodes.USAGE);
    Run noFile = run("mcu", "flash", "--port", "/dev/null", "--image", dir.resolve("none.bin").toString());
    assertThat(noFile.exit()).isEqualTo(ExitCodes.USAGE);
    assertThat(noFile.err()).contains("--image");
    assertThat(run("mcu", "flash", "--port", "/dev/null", "--image", img.toString(), "--state-dir", "/proc/x").exit())
        .isEqualTo(ExitCodes.USAGE);
    assertThat(run("mcu", "fake", "--pty", "--mode", "dual").exit()).isEqualTo(ExitCodes.USAGE);
    assertThat(run("mcu", "fake").exit()).isEqualTo(ExitCodes.USAGE);
  }

  @Test
  void mcu_fake_prints_its_pty_first_and_serves_the_other_commands_until_stopped() throws Exception {
    Path link = dir.resolve("ttyFAKE");
    FirstLine first = new FirstLine();
    picocli.CommandLine cl = ThingBridgeCommand.newCommandLine();
    cl.setOut(new PrintWriter(first, true));
    cl.setErr(new PrintWriter(new StringWriter(), true));
    CompletableFuture<Integer> exit = new CompletableFuture<>();
    Thread fakeThread = new Thread(() -> exit.complete(cl.execute("mcu", "fake", "--pty", "--link", link.toString(),
        "--image-version", "1.2.3", "--duration", "60")), "mcu-fake-cli-test");
    fakeThread.start();
    String printed = first.line.get(20, TimeUnit.SECONDS);
    assertThat(printed).isEqualTo(link.toString());
    Run list = run("mcu", "list-images", "--port", printed);
    assertThat(list.exit()).as(list.err()).isZero();
    assertThat(list.json().get(0).get("version").asText()).isEqualTo("1.2.3");
    Run flash = run("mcu", "flash", "--port", printed, "--image", image("1.3.0", 7).toString());
    assertThat(flash.exit()).as(flash.err()).isZero();
    fakeThread.interrupt();
    assertThat(exit.get(20, TimeUnit.SECONDS)).isZero();
    assertThat(link).doesNotExist();
  }

  /** Captures the first line a command prints. */
  private static final class FirstLine extends Writer {
    final CompletableFuture<String> line = new CompletableFuture<>();
    private final StringBuilder sb = new StringBuilder();

    @Override
    public synchronized void write(char[] cbuf, int off, int len) {
      sb.append(cbuf, off, len);
      int nl = sb.indexOf("\n");
      if (nl >= 0) {
        line.complete(sb.substring(0, nl).strip());
      }
    }

    @Override
    public void flush() {}

    @Override
    public void close() {}
  }
}
