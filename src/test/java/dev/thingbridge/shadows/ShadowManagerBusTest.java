package dev.thingbridge.shadows;

import dev.thingbridge.mqtt.MqttClient;
import dev.thingbridge.mqtt.local.LocalBroker;
import java.nio.file.Path;

/** The shadow manager end to end with the twin on the in-process bus. */
class ShadowManagerBusTest extends ShadowManagerEndToEndContract {
  @Override
  ManagerRig.Transport transport(Path dir) {
    LocalBroker broker = new LocalBroker();
    MqttClient twin = broker.connect("twin");
    MqttClient device = broker.connect(ManagerRig.THING);
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
      public void restartBrokerWithoutSessions(Runnable whileDown) {
        broker.stop();
        whileDown.run();
        broker.start(false);
      }

      @Override
      public void close() {
        device.close();
        twin.close();
      }
    };
  }
}
