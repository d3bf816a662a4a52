package dev.thingbridge.transfer;

import dev.thingbridge.mqtt.MqttClient;
import dev.thingbridge.mqtt.local.LocalBroker;
import dev.thingbridge.twin.TwinLimits;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.io.TempDir;

/**
 * What the end-to-end OTA tests on the in-process bus share: a bus, the {@link OtaTestbed} cloud on it, device
 * clients, and whatever a test opens, closed in reverse order after it.
 */
abstract class OtaBusFixture {
  @TempDir Path dir;
  final LocalBroker broker = new LocalBroker();
  OtaTestbed cloud;
  private final List<AutoCloseable> closeables = new CopyOnWriteArrayList<>();

  @BeforeEach
  void startCloud() throws Exception {
    cloud = new OtaTestbed(dir.resolve("cloud"), broker::connect, TwinLimits.RELAXED);
  }

  @AfterEach
  void closeAll() throws Exception {
    for (int i = closeables.size() - 1; i >= 0; i--) {
      closeables.get(i).close();
    }
    cloud.close();
    broker.stop();
  }

  /** Closes {@code c} after the test. */
  <T extends AutoCloseable> T closing(T c) {
    closeables.add(c);
    return c;
  }

  /**
   * Starts an agent for {@code thing} on the gateway platform in {@code state}, on a client of its own, trusting the
   * cloud's code-signing certificate; closed after the test.
   */
  OtaAgent startAgent(String thing, Path state, OtaConfig config, OtaListener listener) throws Exception {
    OtaAgent a = closing(OtaAgent.builder(device(thing), GatewayPlatform.builder(state).build(), state).config(config)
        .verifier(cloud.verifier()).listener(listener).build());
    a.start().get(5, TimeUnit.SECONDS);
    return a;
  }

  /** A device's client on the bus, closed after the test. */
  MqttClient device(String clientId) {
    return closing(broker.connect(clientId));
  }
}
