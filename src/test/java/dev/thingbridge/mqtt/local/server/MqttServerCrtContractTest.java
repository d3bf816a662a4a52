package dev.thingbridge.mqtt.local.server;

import dev.thingbridge.mqtt.MqttClient;
import dev.thingbridge.mqtt.MqttClientContract;
import dev.thingbridge.mqtt.MqttEndpoint;
import dev.thingbridge.mqtt.crt.CrtMqttClient;
import dev.thingbridge.mqtt.crt.CrtMqttOptions;
import dev.thingbridge.mqtt.local.LocalBroker;
import dev.thingbridge.testing.TestPki;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.io.TempDir;

/**
 * The backend contract for the direct backend (the real aws-crt MQTT 5 client, with its default session
 * behaviour) attached to {@link MqttServer} over plain TCP; {@link MqttServerCrtTlsContractTest} runs the
 * same over mutual TLS. A broker restart is the bus stopping and starting: the server drops every
 * connection (DISCONNECT 0x8B), refuses CONNECTs while the bus is down, and resumes sessions afterwards
 * only if the bus kept them.
 */
class MqttServerCrtContractTest extends MqttClientContract {
  @TempDir Path dir;

  /** Whether clients connect with mutual TLS. */
  protected boolean tls() {
    return false;
  }

  @Override
  protected Fixture createFixture() throws Exception {
    LocalBroker bus = new LocalBroker();
    TestPki pki = tls() ? TestPki.create(dir.resolve("pki")) : null;
    // The same queueing as the Mosquitto the contract also runs against (max_queued_messages 0, unlimited):
    // the default 1000 messages per session is a guard against stuck clients, and a loaded machine can let a
    // healthy subscriber fall 1000 behind a publisher for a moment. Bytes stay bounded (8 MiB per session).
    MqttServerOptions.Builder options = MqttServerOptions.builder().port(0).maxQueuedMessages(1_000_000);
    if (pki != null) {
      options.tls(ServerTls.fromPem(pki.serverCertificateFile(), pki.serverKeyFile(), pki.caFile(),
          ServerTls.ClientAuth.REQUIRED));
    }
    MqttServer server = MqttServer.start(bus, options.build());
    TestPki.ClientCredentials device = pki != null ? pki.newEcClient("device") : null;
    List<MqttClient> clients = new ArrayList<>();
    return new Fixture() {
      @Override
      public MqttClient newClient(String clientId) {
        CrtMqttOptions.Builder b = CrtMqttOptions.builder(new MqttEndpoint("127.0.0.1", server.port(), pki != null),
                clientId)
            .reconnectDelay(Duration.ofMillis(50), Duration.ofMillis(500))
            .connectTimeout(Duration.ofSeconds(5));
        if (pki != null) {
          b.certificateAuthority(pki.caFile()).clientCertificate(device.certificate(), device.privateKey());
        }
        MqttClient c = CrtMqttClient.start(b.build());
        clients.add(c);
        return c;
      }

      @Override
      public void restartBroker(boolean keepSessions) {
        bus.stop();
        bus.start(keepSessions);
      }

      @Override
      public void stopBroker() {
        bus.stop();
      }

      @Override
      public void startBroker(boolean keepSessions) {
        bus.start(keepSessions);
      }

      @Override
      public void close() {
        try {
          clients.forEach(MqttClient::close);
        } finally {
          server.close();
        }
      }
    };
  }
}
