package dev.thingbridge.mcu.serial;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.thingbridge.mcu.fake.PtyPair;
import java.nio.file.Path;
import java.time.Duration;
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
}
