package dev.thingbridge.transfer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.thingbridge.mqtt.MqttClient;
import dev.thingbridge.mqtt.local.LocalBroker;
import dev.thingbridge.twin.TwinLimits;
import dev.thingbridge.twin.jobs.JobExecutionStatus;
import dev.thingbridge.twin.streams.StreamFaults;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** OTA jobs end to end on the in-process bus: the device's agent against the twin's jobs, streams and files. */
class OtaAgentTest {
  private static final Duration WAIT = Duration.ofSeconds(20);
  private static final AtomicInteger THINGS = new AtomicInteger();

  @TempDir Path dir;
  private final LocalBroker broker = new LocalBroker();
  private OtaTestbed cloud;
  private final List<AutoCloseable> closeables = new CopyOnWriteArrayList<>();

  @BeforeEach
  void setUp() throws Exception {
    cloud = new OtaTestbed(dir.resolve("cloud"), broker::connect, TwinLimits.RELAXED);
  }

  @AfterEach
  void tearDown() throws Exception {
    for (int i = closeables.size() - 1; i >= 0; i--) {
      closeables.get(i).close();
    }
    cloud.close();
    broker.stop();
  }

  private String newThing() {
    String t = "ota-" + THINGS.incrementAndGet();
    cloud.register(t);
    return t;
  }

  private MqttClient device(String thing) {
    MqttClient c = broker.connect(thing);
    closeables.add(c);
    return c;
  }

  private OtaAgent agent(MqttClient mqtt, Path state, OtaPlatform platform, OtaConfig config) throws Exception {
    OtaAgent a = OtaAgent.builder(mqtt, platform, state).config(config).verifier(cloud.verifier())
        .replyTimeout(Duration.ofSeconds(3)).build();
    closeables.add(a);
    a.start().get(5, TimeUnit.SECONDS);
    return a;
  }

  private static OtaConfig fast() {
    return OtaConfig.defaults().toBuilder().blockSize(1024).requestWait(Duration.ofMillis(500)).build();
  }

  @Test
  void a_plain_file_over_mqtt_is_verified_installed_and_succeeds() throws Exception {
    String thing = newThing();
    byte[] content = OtaTestbed.randomBytes(100_000, 1);
    Path file = cloud.writeFile("app.cfg", content);
    cloud.mqttJob(thing, "cfg-1", List.of(cloud.fileEntry("conf/app.cfg", file, 0, 9, cloud.sign(file))), List.of(file));
    Path state = dir.resolve("device");
    GatewayPlatform platform = GatewayPlatform.builder(state).build();
    agent(device(thing), state, platform, fast());

    await().atMost(WAIT).until(() -> cloud.execution(thing, "cfg-1").status() == JobExecutionStatus.SUCCEEDED);
    assertThat(Files.readAllBytes(state.resolve("files/conf/app.cfg"))).isEqualTo(content);
    assertThat(cloud.execution(thing, "cfg-1").statusDetails())
        .containsEntry("self_test", "accepted").containsEntry("progress", "98/98");
    List<OtaTestbed.Update> updates = cloud.updatesOf("cfg-1");
    assertThat(updates.get(0).status()).isEqualTo("IN_PROGRESS");
    assertThat(updates).extracting(u -> u.details().get("progress")).contains("0/98", "2/98", "26/98", "50/98", "74/98",
        "98/98");
    assertThat(updates.get(updates.size() - 1).status()).isEqualTo("SUCCEEDED");
    assertThat(Files.list(state.resolve("ota/downloads"))).isEmpty();
  }
}
