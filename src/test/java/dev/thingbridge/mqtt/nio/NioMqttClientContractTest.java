package dev.thingbridge.mqtt.nio;

import dev.thingbridge.mqtt.MosquittoContractFixture;
import dev.thingbridge.mqtt.MqttClientContract;
import dev.thingbridge.mqtt.crt.SessionBehavior;
import dev.thingbridge.testing.Mosquitto;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.io.TempDir;

/**
 * The backend contract for the plain-TCP NIO client against a real Mosquitto. As in the direct backend's
 * contract test, the clients resume their session from the first connection on, so that Mosquitto persists it
 * across the restarts the contract makes.
 */
class NioMqttClientContractTest extends MqttClientContract {
  @TempDir Path dir;

  @Override
  protected Fixture createFixture() throws Exception {
    Mosquitto broker = Mosquitto.plain(dir.resolve("broker"));
    return new MosquittoContractFixture(broker, clientId -> NioMqttClient.start(
        NioMqttOptions.builder(broker.endpoint(), clientId)
            .sessionBehavior(SessionBehavior.REJOIN_ALWAYS)
            .reconnectDelay(Duration.ofMillis(100), Duration.ofSeconds(1))
            .build()));
  }
}
