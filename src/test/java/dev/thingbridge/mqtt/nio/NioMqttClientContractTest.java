package dev.thingbridge.mqtt.nio;

import dev.thingbridge.mqtt.MqttClient;
import dev.thingbridge.mqtt.MqttClientContract;
import dev.thingbridge.mqtt.crt.SessionBehavior;
import dev.thingbridge.testing.Mosquitto;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
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
    List<MqttClient> clients = new ArrayList<>();
    return new Fixture() {
      @Override
      public MqttClient newClient(String clientId) {
        MqttClient c = NioMqttClient.start(NioMqttOptions.builder(broker.endpoint(), clientId)
            .sessionBehavior(SessionBehavior.REJOIN_ALWAYS)
            .reconnectDelay(Duration.ofMillis(100), Duration.ofSeconds(1))
            .build());
        clients.add(c);
        return c;
      }

      @Override
      public void restartBroker(boolean keepSessions) throws Exception {
        broker.restart(keepSessions);
      }

      @Override
      public void stopBroker() {
        broker.stop();
      }

      @Override
      public void startBroker(boolean keepSessions) throws Exception {
        broker.start(keepSessions);
      }

      @Override
      public void close() {
        try {
          clients.forEach(MqttClient::close);
        } finally {
          broker.close();
        }
      }
    };
  }
}
