package dev.thingbridge.shadows;

import dev.thingbridge.greengrass.GreengrassIpc;
import dev.thingbridge.greengrass.IpcMqttClient;
import dev.thingbridge.mqtt.MqttClient;
import dev.thingbridge.mqtt.crt.CrtMqttClient;
import dev.thingbridge.testing.Mosquitto;
import dev.thingbridge.testing.TcpProxy;
import dev.thingbridge.testing.nucleus.AccessControl;
import dev.thingbridge.testing.nucleus.FakeNucleus;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * The end-to-end scenarios with the device as a Greengrass component: the IPC backend talks to the fake nucleus,
 * whose IoT Core connection goes through a TCP proxy to Mosquitto, where the twin is. Offline cuts the nucleus'
 * cloud link; without a kept session the nucleus restarts too (components lose their IPC streams).
 */
class ShadowEndToEndIpcTest extends ShadowEndToEndScenarios {
  @Override
  Setup createSetup(Path dir) throws Exception {
    Mosquitto broker = Mosquitto.plain(dir);
    TcpProxy proxy = TcpProxy.to(broker.port());
    return new Setup() {
      final List<AutoCloseable> owned = new ArrayList<>();
      FakeNucleus nucleus;
      boolean keep;

      @Override
      public MqttClient cloudClient() throws Exception {
        MqttClient c = CrtMqttClient.connect(ShadowEndToEndMosquittoTest.options(broker.port(), "twin").build(),
            Duration.ofSeconds(10));
        owned.add(c);
        return c;
      }

      @Override
      public MqttClient deviceClient(String clientId, boolean keepSession) throws Exception {
        keep = keepSession;
        MqttClient upstream = ShadowEndToEndMosquittoTest.connectDevice(proxy.port(), clientId, keepSession);
        nucleus = FakeNucleus.builder()
            .recipe(Path.of("recipe.yaml"))
            .upstream(upstream)
            .grant(AccessControl.MQTT_PROXY, List.of("*"), List.of("*"))
            .start();
        GreengrassIpc ipc = GreengrassIpc.builder()
            .socketPath(nucleus.socketPath())
            .authToken(nucleus.token())
            .operationTimeout(Duration.ofSeconds(5))
            .reconnectBackoff(Duration.ofMillis(100), Duration.ofSeconds(1))
            .connect();
        IpcMqttClient device = IpcMqttClient.builder(ipc).clientId(clientId).closeIpcOnClose(true).build();
        owned.add(0, nucleus);
        owned.add(0, device);
        return device;
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
        if (!keep) {
          nucleus.dropConnections();
        }
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
