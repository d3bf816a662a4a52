package dev.thingbridge.shadows;

import dev.thingbridge.mqtt.MqttClient;
import dev.thingbridge.mqtt.crt.CrtMqttClient;
import dev.thingbridge.mqtt.crt.CrtMqttOptions;
import dev.thingbridge.testing.Mosquitto;
import java.nio.file.Path;
import java.time.Duration;

/** The shadow manager end to end with the twin attached to a real Mosquitto, both sides on the direct backend. */
class ShadowManagerMosquittoTest extends ShadowManagerEndToEndContract {
  private static final Duration CONNECT = Duration.ofSeconds(10);

  @Override
  ManagerRig.Transport transport(Path dir) throws Exception {
    Mosquitto broker = Mosquitto.plain(dir.resolve("mosquitto"));
    CrtMqttClient twin = CrtMqttClient.connect(options(broker, "twin"), CONNECT);
    CrtMqttClient device = CrtMqttClient.connect(options(broker, ManagerRig.THING), CONNECT);
    return new ManagerRig.Transport() {
      @Override
      public MqttClient twinSide() {
        return twin;
      }

      @Override
      public MqttClient deviceSide() {
        return device;
      }

      @Override
      public void restartBrokerWithoutSessions(Runnable whileDown) throws Exception {
        broker.stop();
        whileDown.run();
        broker.start(false);
      }

      @Override
      public void close() {
        device.close();
        twin.close();
        broker.close();
      }
    };
  }

  private static CrtMqttOptions options(Mosquitto broker, String clientId) {
    return CrtMqttOptions.builder(broker.endpoint(), clientId)
        .reconnectDelay(Duration.ofMillis(50), Duration.ofMillis(500))
        .connectTimeout(Duration.ofSeconds(5))
        .build();
  }
}
