package dev.thingbridge.shadows;

import dev.thingbridge.mqtt.MqttClient;
import dev.thingbridge.mqtt.local.LocalBroker;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * The end-to-end scenarios on the in-process bus. The bus has one switch for everybody: "offline" stops it, so the
 * twin cannot send the delta either (AWS would queue it for a kept session) and the device's GET after the
 * reconnect is what brings it.
 */
class ShadowEndToEndInProcessTest extends ShadowEndToEndScenarios {
  @Override
  Setup createSetup(Path dir) {
    return new Setup() {
      final LocalBroker broker = new LocalBroker();
      final List<MqttClient> clients = new ArrayList<>();
      boolean keep;

      @Override
      public MqttClient cloudClient() {
        MqttClient c = broker.connect("twin");
        clients.add(c);
        return c;
      }

      @Override
      public MqttClient deviceClient(String clientId, boolean keepSession) {
        keep = keepSession;
        MqttClient c = broker.connect(clientId);
        clients.add(0, c);
        return c;
      }

      @Override
      public boolean queuesWhileOffline() {
        return false;
      }

      @Override
      public void deviceOffline() {
        broker.stop();
      }

      @Override
      public void deviceOnline() {
        broker.start(keep);
      }

      @Override
      public void close() {
        clients.forEach(MqttClient::close);
      }
    };
  }
}
