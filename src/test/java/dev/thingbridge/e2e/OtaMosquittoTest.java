package dev.thingbridge.e2e;

import dev.thingbridge.mqtt.MqttClient;
import dev.thingbridge.mqtt.crt.CrtMqttClient;
import dev.thingbridge.mqtt.crt.CrtMqttOptions;
import dev.thingbridge.testing.Mosquitto;
import java.nio.file.Path;
import java.time.Duration;

/**
 * OTA-T9..T12 with the twin and the device each attached to a real Mosquitto through the direct aws-crt backend, as
 * {@code thingbridge twin} and a gateway run them.
 */
class OtaMosquittoTest extends OtaEndToEnd {
  private static final Duration CONNECT = Duration.ofSeconds(10);

  @Override
  Setup createSetup(Path dir) throws Exception {
    Mosquitto mosquitto = Mosquitto.plain(dir.resolve("mosquitto"));
    return new Setup() {
      private MqttClient twin;

      @Override
      public MqttClient twinClient() throws Exception {
        twin = connect("twin");
        return twin;
      }

      @Override
      public MqttClient connect(String clientId) throws Exception {
        return CrtMqttClient.connect(CrtMqttOptions.builder(mosquitto.endpoint(), clientId)
            .reconnectDelay(Duration.ofMillis(50), Duration.ofMillis(500)).build(), CONNECT);
      }

      @Override
      public void close() {
        if (twin != null) {
          twin.close();
        }
        mosquitto.close();
      }
    };
  }
}
