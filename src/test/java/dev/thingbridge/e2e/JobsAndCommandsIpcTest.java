package dev.thingbridge.e2e;

import dev.thingbridge.greengrass.GreengrassIpc;
import dev.thingbridge.greengrass.IpcMqttClient;
import dev.thingbridge.mqtt.MqttClient;
import dev.thingbridge.mqtt.local.LocalBroker;
import dev.thingbridge.testing.nucleus.FakeNucleus;
import java.nio.file.Path;
import java.time.Duration;

/**
 * Issue 4's end-to-end scenarios with the device inside Greengrass: the agents talk IPC to the fake nucleus
 * (real eventstream RPC, the component's own recipe and its accessControl), whose IoT Core side is the bus
 * the twin is attached to.
 */
class JobsAndCommandsIpcTest extends JobsAndCommandsEndToEnd {
  @Override
  Setup createSetup(Path dir) throws Exception {
    LocalBroker broker = new LocalBroker();
    FakeNucleus nucleus = FakeNucleus.builder()
        .recipe(Path.of("recipe.yaml"))
        .upstream(broker.connect("nucleus-upstream"))
        .start();
    return new Setup() {
      private MqttClient twin;

      @Override
      public MqttClient twinClient() {
        twin = broker.connect("twin");
        return twin;
      }

      @Override
      public MqttClient connect(String clientId) {
        GreengrassIpc ipc = GreengrassIpc.builder()
            .socketPath(nucleus.socketPath())
            .authToken(nucleus.token())
            .operationTimeout(Duration.ofSeconds(5))
            .reconnectBackoff(Duration.ofMillis(100), Duration.ofSeconds(1))
            .connect();
        return IpcMqttClient.builder(ipc).clientId(clientId).closeIpcOnClose(true).build();
      }

      @Override
      public void close() {
        if (twin != null) {
          twin.close();
        }
        nucleus.close();
        broker.stop();
      }
    };
  }
}
