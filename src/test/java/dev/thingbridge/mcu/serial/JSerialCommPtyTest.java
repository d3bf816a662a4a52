package dev.thingbridge.mcu.serial;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

import dev.thingbridge.mcu.fake.PtyPair;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** jSerialComm itself over a socat PTY pair: both ends opened through {@link JSerialCommOpener}. */
class JSerialCommPtyTest {
  @TempDir Path dir;
  private PtyPair pty;
  private final JSerialCommOpener opener = new JSerialCommOpener();
  private final SerialSettings settings = SerialSettings.of(115200);

  @BeforeEach
  void startPty() throws Exception {
    assertThat(PtyPair.socatAvailable()).as("socat is installed (.ci/run installs it)").isTrue();
    pty = PtyPair.start(dir.resolve("ttyGW"), dir.resolve("ttyDEV"));
  }

  @AfterEach
  void stopPty() throws Exception {
    pty.close();
  }

  @Test
  void bytes_cross_the_pty_pair_and_reads_honour_their_deadline() throws Exception {
    try (SerialLink gw = opener.open(pty.gatewayPath().toString(), settings);
        SerialLink dev = opener.open(pty.devicePath().toString(), settings)) {
      byte[] msg = new byte[3000];
      for (int i = 0; i < msg.length; i++) {
        msg[i] = (byte) i; // every byte value: the PTY must be raw (no CR/LF mapping, no echo)
      }
      gw.write(msg);
      byte[] got = new byte[msg.length];
      int n = 0;
      long deadline = System.nanoTime() + Duration.ofSeconds(5).toNanos();
      while (n < msg.length && System.nanoTime() < deadline) {
        n += dev.read(got, n, msg.length - n, Duration.ofMillis(200));
      }
      assertThat(got).isEqualTo(msg);
      long t0 = System.nanoTime();
      assertThat(gw.read(new byte[8], 0, 8, Duration.ofMillis(250))).isZero();
      assertThat(Duration.ofNanos(System.nanoTime() - t0)).isBetween(Duration.ofMillis(200), Duration.ofSeconds(2));
    }
  }

  @Test
  void a_second_open_fails_while_the_first_is_open_and_a_missing_port_is_reported() throws Exception {
    try (SerialLink gw = opener.open(pty.gatewayPath().toString(), settings)) {
      assertThatThrownBy(() -> opener.open(pty.gatewayPath().toString(), settings))
          .isInstanceOf(PortUnavailableException.class);
    }
    opener.open(pty.gatewayPath().toString(), settings).close();
    assertThatThrownBy(() -> opener.open(dir.resolve("missing").toString(), settings))
        .isInstanceOf(PortUnavailableException.class).hasMessageContaining("no such port");
  }

  @Test
  void a_pty_has_no_modem_lines() throws Exception {
    try (SerialLink gw = opener.open(pty.gatewayPath().toString(), settings)) {
      assertThatThrownBy(() -> gw.lineControl().orElseThrow().dtr(true)).hasMessageContaining("DTR");
    }
  }

  @Test
  void a_restarted_pair_fails_the_open_link_and_reopens_under_the_same_path() throws Exception {
    SerialLink gw = opener.open(pty.gatewayPath().toString(), settings);
    pty.restart();
    assertThatThrownBy(() -> {
      for (int i = 0; i < 50; i++) {
        gw.read(new byte[8], 0, 8, Duration.ofMillis(100));
        gw.write(new byte[] {1});
      }
    }).isInstanceOf(SerialLinkClosedException.class);
    gw.close();
    try (SerialLink again = opener.open(pty.gatewayPath().toString(), settings);
        SerialLink dev = opener.open(pty.devicePath().toString(), settings)) {
      dev.write(new byte[] {42});
      byte[] b = new byte[1];
      assertThat(again.read(b, 0, 1, Duration.ofSeconds(2))).isOne();
      assertThat(b[0]).isEqualTo((byte) 42);
    }
  }

  /**
   * The hang PtyFlashTest met once in a few runs: socat set the PTY to blocking reads (VMIN 1) just after the
   * gateway had opened it, and a read waiting for a reply that never came blocked forever. Anything may do that to
   * a real port (stty, a modem manager); the read's deadline must hold anyway.
   */
  @Test
  void a_read_keeps_its_deadline_when_something_else_makes_the_port_block() throws Exception {
    try (SerialLink gw = opener.open(pty.gatewayPath().toString(), settings)) {
      Process stty = new ProcessBuilder("stty", "-F", pty.gatewayPath().toString(), "min", "1", "time", "0")
          .redirectErrorStream(true).start();
      assertThat(stty.waitFor(5, TimeUnit.SECONDS)).isTrue();
      assertThat(stty.exitValue()).as(new String(stty.getInputStream().readAllBytes())).isZero();
      long t0 = System.nanoTime();
      int n = assertTimeoutPreemptively(Duration.ofSeconds(3),
          () -> gw.read(new byte[8], 0, 8, Duration.ofMillis(250)));
      assertThat(n).isZero();
      assertThat(Duration.ofNanos(System.nanoTime() - t0)).isBetween(Duration.ofMillis(200), Duration.ofSeconds(2));
    }
  }

  /**
   * A vanished device (the PTY's master closed, as a USB device's tty goes when it re-enumerates) is noticed by a
   * read alone, without a write, and its descriptor is closed then: a gateway whose MCU resets a thousand times must
   * not hold a thousand dead descriptors.
   */
  @Test
  void a_vanished_port_is_noticed_by_a_read_and_its_descriptor_closed() throws Exception {
    long before = openPtyDescriptors();
    SerialLink gw = opener.open(pty.gatewayPath().toString(), settings);
    assertThat(openPtyDescriptors()).isEqualTo(before + 1);
    pty.stop();
    assertThatThrownBy(() -> {
      long deadline = System.nanoTime() + Duration.ofSeconds(2).toNanos();
      while (System.nanoTime() - deadline < 0) {
        gw.read(new byte[8], 0, 8, Duration.ofMillis(100));
      }
    }).isInstanceOf(SerialLinkClosedException.class).hasMessageContaining("went away");
    assertThat(openPtyDescriptors()).isEqualTo(before);
    gw.close();
  }

  /**
   * The other hang: the gateway's first contact with a re-enumerated port was the echo it writes, jSerialComm
   * answered the failed write with 0, and the write loop retried it forever at full CPU.
   */
  @Test
  void a_write_to_a_vanished_port_fails_at_once() throws Exception {
    SerialLink gw = opener.open(pty.gatewayPath().toString(), settings);
    pty.stop();
    assertTimeoutPreemptively(Duration.ofSeconds(3), () -> assertThatThrownBy(() -> gw.write(new byte[] {1, 2, 3}))
        .isInstanceOf(SerialLinkClosedException.class).hasMessageContaining("went away"));
    gw.close();
  }

  private static long openPtyDescriptors() throws IOException {
    try (Stream<Path> fds = Files.list(Path.of("/proc/self/fd"))) {
      return fds.filter(fd -> {
        try {
          return Files.readSymbolicLink(fd).toString().startsWith("/dev/pts/");
        } catch (IOException gone) {
          return false; // the descriptor of the listing itself, closed meanwhile
        }
      }).count();
    }
  }
}
