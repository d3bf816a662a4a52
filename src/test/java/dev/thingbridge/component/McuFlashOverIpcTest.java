package dev.thingbridge.component;

import static dev.thingbridge.component.SiblingRig.WAIT;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.thingbridge.mcu.fake.FakeMcu;
import dev.thingbridge.mcu.fake.FakeMcuOptions;
import dev.thingbridge.mcu.fake.FakeMcuPort;
import dev.thingbridge.mcu.image.ImageVersion;
import dev.thingbridge.mcu.image.McubootImageBuilder;
import dev.thingbridge.mcu.serial.InMemorySerialPorts;
import dev.thingbridge.mcu.smp.RawFraming;
import dev.thingbridge.shadows.model.ShadowUpdateRequest;
import dev.thingbridge.sibling.ThingBridgeClient;
import dev.thingbridge.testing.OtaFixtures;
import dev.thingbridge.testing.nucleus.FakeNucleus;
import dev.thingbridge.twin.jobs.ExecutionStatus;
import dev.thingbridge.twin.streams.FileSource;
import dev.thingbridge.twin.streams.StreamDefinition;
import dev.thingbridge.twin.streams.StreamFile;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.security.MessageDigest;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * A {@code flash} job for an MCU attached to the component, through the component as Greengrass runs it (the real
 * IPC client against the fake nucleus, the twin as the cloud, a fake MCU on an in-memory serial port): while the
 * flash runs, a deployment is deferred ({@code DeferComponentUpdate} with a recheck and a message naming the
 * flash) and it goes ahead once the MCU is confirmed; a nucleus restart in the middle of the flash loses neither
 * the flash nor the job. The MCU's thing reports its firmware in its {@code firmware} shadow: at start, after a
 * flash, after a new image that crashes is reverted (the job's {@code mcu_outcome} too), after a restart (the last
 * flash read back from the state directory), and when a periodic echo finds the MCU gone or back (and only then).
 * A third MCU speaks raw framing and is judged by its own health-check command; an {@code afr_ota} job for it goes
 * end to end (twin, MQTT stream, component, MCU, shadow).
 */
@Timeout(90)
class McuFlashOverIpcTest {
  private static final String MCU_THING = "mcu-1";
  private static final String GONE_THING = "mcu-2";
  private static final String RAW_THING = "mcu-3";

  @TempDir Path work;
  private final InMemorySerialPorts ports = new InMemorySerialPorts();
  private SiblingRig rig;
  private FakeMcu mcu;
  /** mcu-3: raw framing, and a health-check command of its own instead of the echo. */
  private FakeMcu rawMcu;
  private final KeyPair codeSigning = OtaFixtures.ecKey();

  @BeforeEach
  void start() throws Exception {
    // Slow flash writes (about 1 s for the image) and a 1 s boot, so that the test can act while the flash runs
    // even when a loaded machine delays it between seeing the upload and acting.
    mcu = FakeMcu.start(FakeMcuPort.inMemory(ports, "ttyMCU1"), FakeMcuOptions.builder()
        .resetDelay(Duration.ofMillis(5)).bootDelay(Duration.ofSeconds(1))
        .flashTiming(Duration.ZERO, Duration.ofMillis(40))
        .failingVersion(ImageVersion.parse("3.0.0"), FakeMcuOptions.Failure.CRASHES).crashAfter(Duration.ofMillis(50))
        .initialImage(McubootImageBuilder.create().version("1.0.0").randomBody(4_000, 1).build()).build());
    rawMcu = FakeMcu.start(FakeMcuPort.inMemory(ports, "ttyMCU3"), FakeMcuOptions.builder().framing(new RawFraming())
        .resetDelay(Duration.ofMillis(5)).bootDelay(Duration.ofMillis(50))
        .initialImage(McubootImageBuilder.create().version("1.0.0").randomBody(4_000, 3).build()).build());
    OtaFixtures.writeCertificate(work.resolve("codesign.pem"), codeSigning, "flash test", Duration.ofDays(1));
    // What the health command saw, one line per run; it exits with the number in health-verdict (0 when absent).
    String healthCommand = "echo \"$THINGBRIDGE_MCU_DEVICE $THINGBRIDGE_MCU_PORT $THINGBRIDGE_MCU_VERSION\" >> '"
        + work.resolve("health-seen.txt") + "'; v=$(cat '" + work.resolve("health-verdict") + "' 2>/dev/null"
        + " || echo 0); [ \"$v\" = 0 ] || echo 'sensor 4 reads zero'; exit $v";
    rig = new SiblingRig(work, b -> b
        .configuration("mcus", Map.of("mcu-1", Map.of("port", "ttyMCU1", "thing", MCU_THING, "baud", "115200",
                "checkIntervalSeconds", "1"),
            "mcu-2", Map.of("port", "ttyGONE", "thing", GONE_THING, "baud", "115200"),
            "mcu-3", Map.of("port", "ttyMCU3", "thing", RAW_THING, "framing", "raw",
                "healthCheck", List.of("sh", "-c", healthCommand), "healthCheckSeconds", "10")))
        .configuration("ota", Map.of("enabled", "true", "signingCertificate", "codesign.pem")));
    rig.things.createThing(MCU_THING);
    rig.things.createThing(GONE_THING);
    rig.things.createThing(RAW_THING);
    // What an earlier run reported for the MCU that is now unplugged.
    rig.cloudShadow(GONE_THING, McuShadowReporter.SHADOW).update(new ShadowUpdateRequest(null,
        SiblingRig.json("{\"state\":\"online\",\"version\":\"0.9.0\"}"), null, null)).get(5, TimeUnit.SECONDS);
    rig.startComponent(ports);
  }

  @AfterEach
  void stop() throws Exception {
    rig.close();
    mcu.close();
    rawMcu.close();
  }

  /** Puts an image of {@code version} under the component's image directory and creates a flash job for it. */
  private void flashJob(String jobId, String version) throws Exception {
    flashJob(MCU_THING, jobId, version);
  }

  private void flashJob(String thing, String jobId, String version) throws Exception {
    byte[] image = McubootImageBuilder.create().version(version).randomBody(24_000, 7).build();
    Files.createDirectories(work.resolve("images"));
    Files.write(work.resolve("images").resolve(jobId + ".bin"), image);
    String sha = HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(image));
    rig.createJob(thing, jobId, "{\"operation\":\"flash\",\"image\":{\"file\":\"" + jobId + ".bin\",\"size\":"
        + image.length + ",\"sha256\":\"" + sha + "\"}}");
  }

  private void awaitUploading() {
    await().atMost(WAIT).until(() -> rig.component.host().flashesInProgress(),
        f -> f.stream().anyMatch(line -> line.startsWith("mcu-1 UPLOADING")));
  }

  private void assertFlashedAndSucceeded(String jobId, String version) {
    assertJobEnded(MCU_THING, jobId, ExecutionStatus.SUCCEEDED);
    assertThat(mcu.state().runningVersion()).contains(version);
    assertThat(mcu.state().runningConfirmed()).isTrue();
  }

  private void assertJobEnded(String thing, String jobId, ExecutionStatus expected) {
    await().atMost(WAIT.multipliedBy(2)).until(() -> rig.execution(thing, jobId).status(),
        s -> s == ExecutionStatus.SUCCEEDED || s == ExecutionStatus.FAILED || s == ExecutionStatus.REJECTED);
    assertThat(rig.execution(thing, jobId).status()).as(rig.execution(thing, jobId).statusDetails().toString())
        .isEqualTo(expected);
  }

  /** The {@code reported} section of the MCU thing's firmware shadow, in the cloud (the twin). */
  private ObjectNode firmwareShadow() throws Exception {
    return firmwareShadow(MCU_THING);
  }

  private ObjectNode firmwareShadow(String thing) throws Exception {
    ObjectNode reported = rig.cloudShadow(thing, McuShadowReporter.SHADOW).get().get(5, TimeUnit.SECONDS)
        .reported();
    return reported == null ? JsonNodeFactory.instance.objectNode() : reported;
  }

  private ObjectNode awaitFirmwareShadow(Predicate<ObjectNode> until) {
    return awaitFirmwareShadow(MCU_THING, until);
  }

  private ObjectNode awaitFirmwareShadow(String thing, Predicate<ObjectNode> until) {
    return await().atMost(WAIT).ignoreExceptions().until(() -> firmwareShadow(thing), until);
  }

  private static void assertActive(ObjectNode reported, String version) {
    assertThat(reported.path("version").asText()).isEqualTo(version);
    assertThat(reported.path("imageState").asText()).isEqualTo("confirmed");
    JsonNode active = null;
    for (JsonNode slot : reported.path("images")) {
      if (slot.path("active").asBoolean()) {
        active = slot;
      }
    }
    assertThat(active).as("an active slot in %s", reported).isNotNull();
    assertThat(active.path("version").asText()).isEqualTo(version);
    assertThat(active.path("confirmed").asBoolean()).isTrue();
    assertThat(active.path("pending").asBoolean()).isFalse();
    assertThat(active.path("hash").asText()).hasSize(64);
  }

  @Test
  void the_mcu_thing_reports_its_firmware_at_start_after_a_flash_and_after_a_revert() throws Exception {
    ObjectNode atStart = awaitFirmwareShadow(r -> r.path("state").asText().equals("online"));
    assertActive(atStart, "1.0.0");
    assertThat(atStart.has("lastFlash")).as("no flash yet").isFalse();
    // A sibling follows the flash through the local API: MCU and OTA events, then the MCU list and statuses.
    ThingBridgeClient sibling = rig.sibling(SiblingRig.SENSOR);
    List<ObjectNode> events = new CopyOnWriteArrayList<>();
    sibling.events().subscribe(List.of("mcu", "ota"), events::add).get(WAIT.toMillis(), TimeUnit.MILLISECONDS);

    flashJob("flash-ok", "2.0.0");
    ObjectNode during = awaitFirmwareShadow(r -> r.path("flashing").path("jobId").asText().equals("flash-ok"));
    assertThat(Instant.parse(during.path("flashing").path("since").asText())).isAfter(Instant.now().minusSeconds(60));
    ObjectNode flashed = awaitFirmwareShadow(r -> r.path("lastFlash").path("jobId").asText().equals("flash-ok"));
    assertThat(flashed.has("flashing")).as("the end of the job removes it").isFalse();
    assertActive(flashed, "2.0.0");
    assertThat(flashed.path("lastFlash").path("outcome").asText()).isEqualTo("UPDATED");
    assertThat(flashed.path("lastFlash").path("jobStatus").asText()).isEqualTo("SUCCEEDED");
    assertThat(Instant.parse(flashed.path("lastFlash").path("time").asText())).isAfter(Instant.now().minusSeconds(60));
    assertThat(flashed.path("lastFlash").has("errorCode")).as("a null in reported deletes the key").isFalse();
    assertThat(rig.execution(MCU_THING, "flash-ok").statusDetails()).as("the typed outcome in the job's report")
        .containsEntry("mcu_outcome", "UPDATED");
    await().atMost(WAIT).untilAsserted(() -> assertThat(events)
        .anyMatch(e -> e.path("type").asText().equals("mcu.progress") && e.path("mcu").asText().equals("mcu-1"))
        .anyMatch(e -> e.path("type").asText().equals("ota.finished") && e.path("jobId").asText().equals("flash-ok")
            && e.path("thing").asText().equals(MCU_THING)));
    assertThat(sibling.events().mcus().get(WAIT.toMillis(), TimeUnit.MILLISECONDS))
        .anyMatch(m -> m.path("mcu").asText().equals("mcu-1") && m.path("state").asText().equals("online"))
        .anyMatch(m -> m.path("mcu").asText().equals("mcu-2") && m.path("state").asText().equals("unavailable"));
    assertThat(sibling.call("mcu", "status", SiblingRig.json("{\"mcu\":\"mcu-1\"}"))
        .get(WAIT.toMillis(), TimeUnit.MILLISECONDS).path("latest")).isNotEmpty();
    assertThat(sibling.events().otaStatus(MCU_THING).get(WAIT.toMillis(), TimeUnit.MILLISECONDS).toString())
        .contains("flash-ok");

    flashJob("flash-crash", "3.0.0");
    ObjectNode reverted = awaitFirmwareShadow(r -> r.path("lastFlash").path("jobId").asText().equals("flash-crash"));
    assertThat(rig.execution(MCU_THING, "flash-crash").status()).isEqualTo(ExecutionStatus.FAILED);
    assertActive(reverted, "2.0.0");
    assertThat(reverted.path("lastFlash").path("outcome").asText()).isEqualTo("REVERTED");
    assertThat(reverted.path("lastFlash").path("jobStatus").asText()).isEqualTo("FAILED");
    assertThat(reverted.path("lastFlash").path("errorCode").asText()).isNotEmpty();
    assertThat(reverted.path("lastFlash").path("errorMessage").asText()).isNotEmpty();
    assertThat(rig.execution(MCU_THING, "flash-crash").statusDetails()).containsEntry("mcu_outcome", "REVERTED");
    assertThat(mcu.state().runningVersion()).contains("2.0.0");

    // A restart with the shadow gone (deleted by an operator, or a new shadow backend): the last flash comes back
    // from the MCU's state directory, not from memory or the cloud.
    rig.component.close();
    rig.cloudShadow(MCU_THING, McuShadowReporter.SHADOW).delete().get(5, TimeUnit.SECONDS);
    rig.startComponent(ports);
    ObjectNode restarted = awaitFirmwareShadow(r -> r.path("state").asText().equals("online"));
    assertActive(restarted, "2.0.0");
    assertThat(restarted.path("lastFlash").path("jobId").asText()).isEqualTo("flash-crash");
    assertThat(restarted.path("lastFlash").path("outcome").asText()).isEqualTo("REVERTED");
    assertThat(restarted.path("lastFlash").path("time").asText())
        .isEqualTo(reverted.path("lastFlash").path("time").asText());
  }

  /** One set-up for both: an MCU whose port is gone at start, and one that stops answering and comes back. */
  @Test
  void unreachable_mcus_are_reported_so_keep_their_last_version_and_a_periodic_echo_sees_one_come_back()
      throws Exception {
    ObjectNode unplugged = await().atMost(WAIT).ignoreExceptions().until(() -> firmwareShadow(GONE_THING),
        r -> r.path("state").asText().equals("unreachable"));
    assertThat(unplugged.path("reason").asText()).isNotEmpty();
    assertThat(unplugged.path("mcu").asText()).isEqualTo("mcu-2");
    assertThat(unplugged.path("version").asText()).as("the last known version stays").isEqualTo("0.9.0");

    awaitFirmwareShadow(r -> r.path("state").asText().equals("online"));
    long settled = shadowVersion();
    int echoes = mcu.echoesAnswered();
    await().atMost(WAIT).until(mcu::echoesAnswered, n -> n > echoes);
    assertThat(shadowVersion()).as("checks that find nothing changed update nothing").isEqualTo(settled);

    mcu.setSilent(true);
    ObjectNode silent = awaitFirmwareShadow(r -> r.path("state").asText().equals("unreachable"));
    assertThat(silent.path("reason").asText()).contains("no reply to echo");
    assertThat(silent.path("version").asText()).as("the last known version stays").isEqualTo("1.0.0");
    long unreachable = shadowVersion();
    assertThat(rig.component.host().healthReport().path("mcus").path("mcu-1").path("state").asText())
        .isEqualTo("not-responding");

    mcu.setSilent(false);
    ObjectNode back = awaitFirmwareShadow(r -> r.path("state").asText().equals("online"));
    assertActive(back, "1.0.0");
    assertThat(back.has("reason")).isFalse();
    assertThat(shadowVersion()).as("one report when it went, one when it came back").isEqualTo(unreachable + 1);
  }

  private long shadowVersion() throws Exception {
    return rig.cloudShadow(MCU_THING, McuShadowReporter.SHADOW).get().get(5, TimeUnit.SECONDS).version();
  }

  @Test
  void a_deployment_is_deferred_while_the_mcu_flashes_and_goes_ahead_once_it_is_confirmed() throws Exception {
    FakeNucleus.DeploymentNotice idle = rig.nucleus.notifyDeployment("d-idle", WAIT, Duration.ofMillis(100));
    assertThat(idle.acknowledged()).isTrue();
    assertThat(idle.answers()).singleElement().satisfies(a -> assertThat(a.recheckAfterMs()).isZero());

    flashJob("flash-1", "2.0.0");
    awaitUploading();
    FakeNucleus.DeploymentNotice busy = rig.nucleus.notifyDeployment("d-busy", Duration.ofSeconds(60),
        Duration.ofMillis(200));

    assertThat(busy.acknowledged()).as("went ahead before the policy timeout").isTrue();
    assertThat(busy.notifications()).isGreaterThan(1);
    FakeNucleus.Deferral first = busy.answers().get(0);
    assertThat(first.recheckAfterMs()).isEqualTo(UpdateDeferral.RECHECK.toMillis());
    assertThat(first.message()).contains("flashing mcu-1 UPLOADING");
    assertThat(busy.answers().get(busy.answers().size() - 1).recheckAfterMs()).isZero();
    assertThat(mcu.state().runningConfirmed()).as("the go-ahead came only once the new image was confirmed").isTrue();
    assertThat(mcu.state().runningVersion()).contains("2.0.0");
    assertFlashedAndSucceeded("flash-1", "2.0.0");
  }

  @Test
  void a_nucleus_restart_in_the_middle_of_a_flash_loses_neither_the_flash_nor_the_job() throws Exception {
    flashJob("flash-2", "2.1.0");
    awaitUploading();

    rig.nucleus.refuseConnections();
    rig.nucleus.dropConnections();
    Thread.sleep(1500); // the nucleus restarts: no IPC at all meanwhile
    assertThat(rig.component.host().flashesInProgress()).as("the flash goes on without the nucleus").isNotEmpty();
    rig.nucleus.acceptConnections();

    assertFlashedAndSucceeded("flash-2", "2.1.0");
    assertThat(rig.execution(MCU_THING, "flash-2").statusDetails()).containsEntry("self_test", "accepted");
  }

  /**
   * mcu-3 is configured with raw framing (its fake answers nothing in console framing) and a health-check command:
   * the command decides, with the port released and the new image's version in its environment, and a failing
   * command's output is the reason the image is reverted.
   */
  @Test
  void an_mcu_with_raw_framing_and_a_health_command_is_flashed_and_judged_by_that_command() throws Exception {
    Path seen = work.resolve("health-seen.txt");
    flashJob(RAW_THING, "raw-ok", "2.0.0");
    assertJobEnded(RAW_THING, "raw-ok", ExecutionStatus.SUCCEEDED);
    assertThat(rawMcu.state().runningVersion()).contains("2.0.0");
    assertThat(rawMcu.state().runningConfirmed()).isTrue();
    assertThat(Files.readAllLines(seen)).containsExactly("mcu-3 ttyMCU3 2.0.0");

    Files.writeString(work.resolve("health-verdict"), "3");
    flashJob(RAW_THING, "raw-sick", "2.1.0");
    assertJobEnded(RAW_THING, "raw-sick", ExecutionStatus.FAILED);
    assertThat(Files.readAllLines(seen)).containsExactly("mcu-3 ttyMCU3 2.0.0", "mcu-3 ttyMCU3 2.1.0");
    assertThat(rawMcu.state().runningVersion()).contains("2.0.0");
    assertThat(rawMcu.state().runningConfirmed()).isTrue();
    Map<String, String> details = rig.execution(RAW_THING, "raw-sick").statusDetails();
    assertThat(details).containsEntry("mcu_outcome", "REVERTED");
    assertThat(details.toString()).contains("exited 3").contains("sensor 4 reads zero");
  }

  /**
   * The end-to-end path of the issue: an {@code afr_ota} job on the twin for an MCU's thing, its signed image over
   * an MQTT stream, through the component to the MCU (here mcu-3, raw framing, its own health command), ending
   * SUCCEEDED with the new version in the MCU thing's firmware shadow.
   */
  @Test
  void an_afr_ota_job_for_an_mcu_thing_reaches_the_mcu_through_the_component_and_its_shadow_shows_it()
      throws Exception {
    byte[] image = McubootImageBuilder.create().version("2.2.0").randomBody(16_000, 9).build();
    Path file = Files.write(work.resolve("ota-2.2.0.bin"), image);
    rig.streams.catalog().put(StreamDefinition.of("AFR_OTA-ota-1", "MCU firmware",
        List.of(new StreamFile(0, FileSource.of(file)))));
    String signature = Base64.getEncoder().encodeToString(OtaFixtures.sign(codeSigning, file));
    rig.createJob(RAW_THING, "ota-1", "{\"afr_ota\":{\"protocols\":[\"MQTT\"],\"streamname\":\"AFR_OTA-ota-1\","
        + "\"files\":[{\"filepath\":\"zephyr.signed.bin\",\"filesize\":" + image.length + ",\"fileid\":0,"
        + "\"certfile\":null,\"fileType\":0,\"sig-sha256-ecdsa\":\"" + signature + "\"}]}}");

    assertJobEnded(RAW_THING, "ota-1", ExecutionStatus.SUCCEEDED);
    assertThat(rawMcu.state().runningVersion()).contains("2.2.0");
    assertThat(rawMcu.state().runningConfirmed()).isTrue();
    assertThat(rig.execution(RAW_THING, "ota-1").statusDetails()).containsEntry("mcu_outcome", "UPDATED");
    ObjectNode shadow = awaitFirmwareShadow(RAW_THING, r -> r.path("version").asText().equals("2.2.0"));
    assertActive(shadow, "2.2.0");
    assertThat(shadow.path("lastFlash").path("jobId").asText()).isEqualTo("ota-1");
    assertThat(shadow.path("lastFlash").path("outcome").asText()).isEqualTo("UPDATED");
  }
}
