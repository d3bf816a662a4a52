package dev.thingbridge.greengrass;

import dev.thingbridge.mqtt.MqttClient;
import dev.thingbridge.mqtt.MqttClientContract;
import dev.thingbridge.mqtt.local.LocalBroker;
import dev.thingbridge.testing.nucleus.AccessControl;
import dev.thingbridge.testing.nucleus.FakeNucleus;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * Components talking to a {@link FakeNucleus} whose cloud side is a {@link LocalBroker}. Each client gets its
 * own IPC connection, as separate components would.
 */
final class IpcFixture implements MqttClientContract.Fixture {
  final LocalBroker broker = new LocalBroker();
  final FakeNucleus nucleus;
  private final List<AutoCloseable> owned = new ArrayList<>();

  IpcFixture() throws Exception {
    nucleus = FakeNucleus.builder()
        .recipe(Path.of("recipe.yaml"))
        .upstream(broker.connect("nucleus-upstream"))
        .grant(AccessControl.MQTT_PROXY, List.of("*"), List.of("tb/#"))
        .start();
  }

  GreengrassIpc connectIpc() {
    GreengrassIpc ipc = GreengrassIpc.builder()
        .socketPath(nucleus.socketPath())
        .authToken(nucleus.token())
        .operationTimeout(Duration.ofSeconds(5))
        .reconnectBackoff(Duration.ofMillis(100), Duration.ofSeconds(1))
        .connect();
    owned.add(ipc);
    return ipc;
  }

  IpcMqttClient newIpcClient(String clientId, IpcMqttClient.Builder options) {
    IpcMqttClient c = options.clientId(clientId).build();
    owned.add(c);
    return c;
  }

  @Override
  public MqttClient newClient(String clientId) {
    return newIpcClient(clientId, IpcMqttClient.builder(connectIpc()));
  }

  @Override
  public void restartBroker(boolean keepSessions) {
    if (keepSessions) {
      // The nucleus' cloud connection bounces with its session; IPC streams are untouched.
      broker.stop();
      broker.start(true);
    } else {
      // The nucleus restarts: every IPC connection drops and comes back without streams.
      nucleus.dropConnections();
    }
  }

  @Override
  public void stopBroker() {
    broker.stop();
  }

  @Override
  public void startBroker(boolean keepSessions) {
    broker.start(keepSessions);
  }

  /** The nucleus restarts and stays down: every IPC connection drops and cannot come back until restored. */
  @Override
  public void cutClientConnections() {
    nucleus.refuseConnections();
    nucleus.dropConnections();
  }

  @Override
  public void restoreClientConnections() {
    nucleus.acceptConnections();
  }

  /** A client of the cloud side, which a nucleus restart does not touch. */
  @Override
  public MqttClient newObserver(String clientId) {
    MqttClient c = broker.connect(clientId);
    owned.add(c);
    return c;
  }

  @Override
  public void close() throws Exception {
    for (int i = owned.size() - 1; i >= 0; i--) {
      owned.get(i).close();
    }
    nucleus.close();
  }
}
