package dev.thingbridge.e2e;

import dev.thingbridge.mqtt.MqttClient;
import dev.thingbridge.mqtt.local.LocalBroker;
import java.nio.file.Path;

/** OTA-T9..T12 with the twin and the device on the in-process bus. */
class OtaInProcessTest extends OtaEndToEnd {
  @Override
  Setup createSetup(Path dir) {
    LocalBroker broker = new LocalBroker();
    return new Setup() {
      private MqttClient twin;

      @Override
      public MqttClient twinClient() {
        twin = broker.connect("twin");
        return twin;
      }

      @Override
      public MqttClient connect(String clientId) {
        return broker.connect(clientId);
      }

      @Override
      public void close() {
        if (twin != null) {
          twin.close();
        }
        broker.stop();
      }
    };
  }
}
