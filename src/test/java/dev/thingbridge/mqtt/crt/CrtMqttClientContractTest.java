package dev.thingbridge.mqtt.crt;

import dev.thingbridge.mqtt.MosquittoContractFixture;
import dev.thingbridge.mqtt.MqttClientContract;
import dev.thingbridge.testing.Mosquitto;
import dev.thingbridge.testing.TestPki;
import java.nio.file.Path;
import org.junit.jupiter.api.io.TempDir;

/**
 * The backend contract for the direct CRT client against a real Mosquitto with TLS and required client
 * certificates.
 *
 * <p>The clients resume their session from the first connection on ({@link SessionBehavior#REJOIN_ALWAYS}):
 * Mosquitto 2.0 writes a session to its persistence file only if the current connection resumed it, so with
 * the default behaviour the first connection's session would not survive the broker restart the contract
 * performs. {@code CrtMqttClientTest} covers the default behaviour against the same broker.
 */
class CrtMqttClientContractTest extends MqttClientContract {
  @TempDir Path dir;

  @Override
  protected Fixture createFixture() throws Exception {
    TestPki pki = TestPki.create(dir.resolve("pki"));
    TestPki.ClientCredentials device = pki.newClient("device");
    Mosquitto broker = Mosquitto.tls(dir.resolve("broker"), pki);
    return new MosquittoContractFixture(broker, clientId -> CrtMqttClient.start(
        CrtTestSetup.options(broker, device, clientId).sessionBehavior(SessionBehavior.REJOIN_ALWAYS).build()));
  }
}
