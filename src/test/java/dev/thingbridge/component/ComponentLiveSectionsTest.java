package dev.thingbridge.component;

import static dev.thingbridge.component.SiblingRig.GATEWAY;
import static dev.thingbridge.component.SiblingRig.SENSOR;
import static dev.thingbridge.component.SiblingRig.WAIT;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import dev.thingbridge.mcu.fake.FakeMcu;
import dev.thingbridge.mcu.fake.FakeMcuOptions;
import dev.thingbridge.mcu.fake.FakeMcuPort;
import dev.thingbridge.mcu.image.McubootImageBuilder;
import dev.thingbridge.mcu.serial.InMemorySerialPorts;
import dev.thingbridge.sibling.LocalApiErrorCode;
import dev.thingbridge.sibling.LocalApiException;
import dev.thingbridge.sibling.ThingBridgeClient;
import dev.thingbridge.testing.OtaFixtures;
import dev.thingbridge.twin.jobs.ExecutionStatus;
import dev.thingbridge.twin.streams.FileSource;
import dev.thingbridge.twin.streams.StreamDefinition;
import dev.thingbridge.twin.streams.StreamFile;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.time.Duration;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Live changes of the sections {@link ComponentConfigurationLiveTest} leaves out, each applied without a restart
 * and seen through what it changes: {@code ota} (an {@code afr_ota} job for the gateway is installed where the new
 * {@code installDir} says), {@code mcus} (an MCU added is opened and listed to siblings) and
 * {@code localApi.topicPrefix} (siblings are served under the new prefix).
 */
@Timeout(60)
class ComponentLiveSectionsTest {
  private static final String PREFIX = "tb2";

  @TempDir Path work;
  private final InMemorySerialPorts ports = new InMemorySerialPorts();
  private final KeyPair codeSigning = OtaFixtures.ecKey();
  private SiblingRig rig;
  private FakeMcu mcu;

  @BeforeEach
  void start() throws Exception {
    mcu = FakeMcu.start(FakeMcuPort.inMemory(ports, "ttyMCU1"), FakeMcuOptions.builder()
        .resetDelay(Duration.ofMillis(5)).bootDelay(Duration.ofMillis(50))
        .initialImage(McubootImageBuilder.create().version("1.4.2").randomBody(4_000, 1).build()).build());
    OtaFixtures.writeCertificate(work.resolve("codesign.pem"), codeSigning, "live ota test", Duration.ofDays(1));
    // The deployment that changes the prefix also lets the component serve it, as the README says to.
    rig = new SiblingRig(work, b -> b.grant("aws.greengrass.ipc.pubsub",
        List.of("aws.greengrass#PublishToTopic", "aws.greengrass#SubscribeToTopic"), List.of(PREFIX + "/*")));
    rig.startComponent(ports);
  }

  @AfterEach
  void stop() throws Exception {
    rig.close();
    mcu.close();
  }

  @Test
  void ota_turned_on_live_installs_an_afr_ota_file_for_the_gateway_in_the_new_install_dir() throws Exception {
    Map<String, Object> ota = new LinkedHashMap<>();
    ota.put("enabled", "true");
    ota.put("signingCertificate", "codesign.pem");
    ota.put("installDir", "installed");
    rig.nucleus.updateConfiguration(List.of("ota"), ota);
    await().atMost(WAIT).until(() -> rig.component.host().config().ota().enabled());

    byte[] content = "{\"sampleRate\":10}".getBytes(StandardCharsets.UTF_8);
    Path file = Files.write(work.resolve("app-config.json"), content);
    rig.streams.catalog().put(StreamDefinition.of("AFR_OTA-live-1", "gateway file",
        List.of(new StreamFile(0, FileSource.of(file)))));
    String signature = Base64.getEncoder().encodeToString(OtaFixtures.sign(codeSigning, file));
    rig.createJob("live-ota-1", "{\"afr_ota\":{\"protocols\":[\"MQTT\"],\"streamname\":\"AFR_OTA-live-1\","
        + "\"files\":[{\"filepath\":\"conf/app.json\",\"filesize\":" + content.length + ",\"fileid\":0,"
        + "\"certfile\":null,\"fileType\":1,\"sig-sha256-ecdsa\":\"" + signature + "\"}]}}");

    // With OTA still off the job would go to the sibling claims and fail for want of a handler.
    await().atMost(WAIT).until(() -> rig.execution("live-ota-1").status(),
        s -> s != ExecutionStatus.QUEUED && s != ExecutionStatus.IN_PROGRESS);
    assertThat(rig.execution("live-ota-1").status()).as("%s", rig.execution("live-ota-1").statusDetails())
        .isEqualTo(ExecutionStatus.SUCCEEDED);
    assertThat(work.resolve("state").resolve("installed").resolve("conf/app.json")).hasBinaryContent(content);
  }

  @Test
  void an_mcu_added_live_is_opened_and_listed_to_siblings() throws Exception {
    rig.things.createThing("mcu-1");
    ThingBridgeClient sensor = rig.sibling(SENSOR);
    try {
      sensor.events().mcus().get(WAIT.toMillis(), TimeUnit.MILLISECONDS);
      throw new AssertionError("MCUs listed before any was configured");
    } catch (ExecutionException e) {
      assertThat(((LocalApiException) e.getCause()).code()).isEqualTo(LocalApiErrorCode.NOT_ENABLED);
    }

    rig.nucleus.updateConfiguration(List.of("mcus"), Map.of("mcu-1", Map.of("port", "ttyMCU1", "thing", "mcu-1",
        "baud", "115200")));
    await().atMost(WAIT).ignoreExceptions().untilAsserted(() -> assertThat(sensor.events().mcus()
        .get(WAIT.toMillis(), TimeUnit.MILLISECONDS)).as("the MCU answered the component over its port")
        .anyMatch(m -> m.path("mcu").asText().equals("mcu-1") && m.path("state").asText().equals("online")));
    assertThat(rig.component.host().healthReport().path("mcus").path("mcu-1").path("state").asText())
        .isEqualTo("online");
  }

  @Test
  void a_new_local_api_topic_prefix_is_served_live() throws Exception {
    Map<String, Object> policy = Map.of("aws.greengrass.ipc.pubsub", Map.of(SENSOR + ":tb2:1", Map.of(
        "policyDescription", "thingbridge local API under tb2",
        "operations", List.of("aws.greengrass#PublishToTopic", "aws.greengrass#SubscribeToTopic"),
        "resources", List.of(PREFIX + "/" + SENSOR + "/*", "thingbridge/" + SENSOR + "/*"))));
    String token = rig.deploy(SENSOR, policy);

    rig.nucleus.updateConfiguration(List.of("localApi", "topicPrefix"), PREFIX);
    try (ThingBridgeClient sensor = ThingBridgeClient.builder(SENSOR).socketPath(rig.nucleus.socketPath())
        .authToken(token).topicPrefix(PREFIX).requestTimeout(Duration.ofSeconds(2)).build()) {
      JsonNode status = await().atMost(WAIT).ignoreExceptions()
          .until(() -> sensor.events().status().get(2, TimeUnit.SECONDS), r -> r != null);
      assertThat(status.at("/component/name").asText()).isEqualTo("dev.thingbridge.ThingBridge");
      assertThat(status.at("/things/0").asText()).isEqualTo(GATEWAY);
    }
  }
}
