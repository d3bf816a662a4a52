package dev.thingbridge.mqtt.local.server;

import static org.assertj.core.api.Assertions.assertThat;

import dev.thingbridge.mqtt.MessageProperties;
import dev.thingbridge.mqtt.local.LocalBroker;
import dev.thingbridge.mqtt.codec.Packet;
import dev.thingbridge.mqtt.codec.Packet.Connect;
import dev.thingbridge.mqtt.codec.Packet.Publish;
import dev.thingbridge.mqtt.codec.PacketEncoder;
import dev.thingbridge.testing.TestPki;
import java.io.ByteArrayOutputStream;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** The TLS transport under bursts larger than one read event takes. */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class MqttServerTlsTransportTest {
  private static final Duration WAIT = Duration.ofSeconds(10);

  @TempDir Path dir;

  /**
   * A connection reads at most 4 x 64 KiB per read event. A burst of exactly that much plaintext followed
   * by a PINGREQ, written at once, leaves the PINGREQ's TLS record already taken off the socket when the
   * event ends: the selector has nothing to report, so the server must come back to it by itself.
   */
  @Test
  void packets_buffered_inside_tls_after_a_full_read_event_are_still_handled() throws Exception {
    TestPki pki = TestPki.create(dir.resolve("pki"));
    LocalBroker bus = new LocalBroker();
    try (MqttServer server = MqttServer.start(bus, MqttServerOptions.builder().port(0)
        .tls(ServerTls.fromPem(pki.serverCertificateFile(), pki.serverKeyFile(), null, ServerTls.ClientAuth.NONE))
        .build());
        RawClient c = RawClient.openTls(server, 4)) {
      c.send(Connect.of(4, "burst", true, 600, 0));
      assertThat(c.expect(Packet.Connack.class, WAIT).reasonCode()).isZero();
      byte[] kilobyte = PacketEncoder.encode(new Publish("t", new byte[1018], 0, false, false, 0,
          MessageProperties.NONE, 0, List.of()), 4);
      assertThat(kilobyte).hasSize(1024);
      ByteArrayOutputStream burst = new ByteArrayOutputStream();
      for (int i = 0; i < 4 * 64; i++) {
        burst.write(kilobyte);
      }
      burst.write(PacketEncoder.encode(new Packet.PingReq(), 4));
      for (int round = 0; round < 10; round++) {
        c.sendBytes(burst.toByteArray());
        assertThat(c.expect(Packet.PingResp.class, WAIT)).as("PINGRESP after burst %d", round).isNotNull();
      }
    }
  }
}
