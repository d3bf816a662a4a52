package dev.thingbridge.shadows;

import dev.thingbridge.mqtt.MqttClient;
import dev.thingbridge.mqtt.MqttEndpoint;
import dev.thingbridge.mqtt.crt.CrtMqttClient;
import dev.thingbridge.mqtt.crt.CrtMqttOptions;
import dev.thingbridge.mqtt.crt.SessionBehavior;
import dev.thingbridge.testing.Mosquitto;
import dev.thingbridge.testing.TcpProxy;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * The end-to-end scenarios with the twin and the device on a real Mosquitto through the direct aws-crt backend. The
 * device reaches the broker through a TCP proxy, so its link can go down while the twin stays connected; with a
 * kept session Mosquitto queues the delta for it, as AWS IoT does.
 */
class ShadowEndToEndMosquittoTest extends ShadowEndToEndScenarios {
  static CrtMqttOptions.Builder options(int port, String clientId) {
    return CrtMqttOptions.builder(new MqttEndpoint("127.0.0.1", port, false), clientId)
        .reconnectDelay(Duration.ofMillis(50), Duration.ofMillis(300))
        .connectTimeout(Duration.ofSeconds(5));
  }

  /** A device connected through {@code port}; a kept session rejoins on every reconnect. */
  static MqttClient connectDevice(int port, String clientId, boolean keepSession) throws Exception {
    return CrtMqttClient.connect(options(port, clientId)
        .sessionBehavior(keepSession ? SessionBehavior.REJOIN_ALWAYS : SessionBehavior.CLEAN).build(),
        Duration.ofSeconds(10));
  }

  @Override
  Setup createSetup(Path dir) throws Exception {
    Mosquitto broker = Mosquitto.plain(dir);
    TcpProxy proxy = TcpProxy.to(broker.port());
    return new Setup() {
      final List<AutoCloseable> owned = new ArrayList<>();

      @Override
      public MqttClient cloudClient() throws Exception {
        MqttClient c = CrtMqttClient.connect(options(broker.port(), "twin").build(), Duration.ofSeconds(10));
        owned.add(c);
        return c;
      }

      @Override
      public MqttClient deviceClient(String clientId, boolean keepSession) throws Exception {
        MqttClient c = connectDevice(proxy.port(), clientId, keepSession);
        owned.add(0, c);
        return c;
      }

      @Override
      public boolean queuesWhileOffline() {
        return true;
      }

      @Override
      public void deviceOffline() throws Exception {
        proxy.cut();
      }

      @Override
      public void deviceOnline() throws Exception {
        proxy.restore();
      }

      @Override
      public void close() throws Exception {
        for (AutoCloseable c : owned) {
          c.close();
        }
        proxy.close();
        broker.close();
      }
    };
  }
}
