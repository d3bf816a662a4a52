package dev.thingbridge.transfer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.thingbridge.mcu.FlashJobDocument;
import dev.thingbridge.mcu.FlashOptions;
import dev.thingbridge.mcu.McuConfig;
import dev.thingbridge.mcu.McuDevice;
import dev.thingbridge.mcu.McuOtaPlatform;
import dev.thingbridge.mcu.fake.FakeMcu;
import dev.thingbridge.mcu.fake.FakeMcuOptions;
import dev.thingbridge.mcu.fake.FakeMcuPort;
import dev.thingbridge.mcu.image.McubootImageBuilder;
import dev.thingbridge.mcu.serial.InMemorySerialPorts;
import dev.thingbridge.mqtt.MqttClient;
import dev.thingbridge.mqtt.local.LocalBroker;
import dev.thingbridge.twin.TwinLimits;
import dev.thingbridge.twin.jobs.ExecutionStatus;
import dev.thingbridge.twin.jobs.JobRequest;
import dev.thingbridge.twin.streams.FileSource;
import dev.thingbridge.twin.streams.StreamDefinition;
import dev.thingbridge.twin.streams.StreamFile;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code flash} jobs for an MCU's thing, end to end on the in-process bus: the twin's jobs, streams and file server,
 * an OTA agent reading {@link FlashJobDocument#FLASH_OR_AFR_OTA} with {@link McuOtaPlatform}, and the fake MCU. The
 * image comes by MQTT stream, by HTTP URL or from a file on the gateway; a wrong SHA-256 or signature fails the job
 * before the MCU is touched, and a malformed document is REJECTED with its problem.
 */
class McuFlashJobTest {
  private static final Duration WAIT = Duration.ofSeconds(30);
  private static final String THING = "sensor-9";
  private static final ObjectMapper JSON = new ObjectMapper();

  @TempDir Path dir;
  private final LocalBroker broker = new LocalBroker();
  private final InMemorySerialPorts ports = new InMemorySerialPorts();
  private final List<AutoCloseable> closeables = new CopyOnWriteArrayList<>();
  private OtaTestbed cloud;
  private FakeMcu mcu;
  private Path images;

  @BeforeEach
  void setUp() throws Exception {
    cloud = new OtaTestbed(dir.resolve("cloud"), broker::connect, TwinLimits.RELAXED);
    cloud.register(THING);
    mcu = FakeMcu.start(FakeMcuPort.inMemory(ports, "ttyFLASH"), FakeMcuOptions.builder().resetDelay(Duration.ofMillis(5))
        .initialImage(McubootImageBuilder.create().version("1.0.0").randomBody(4_000, 1).build()).build());
    closeables.add(mcu);
    images = Files.createDirectories(dir.resolve("work/images"));
    McuDevice device = McuDevice.open(McuConfig.builder("ttyFLASH").id(THING).opener(ports)
        .requestTimeout(Duration.ofMillis(300), 5).probe(Duration.ofMillis(300), 3)
        .boot(Duration.ofMillis(20), Duration.ofSeconds(3)).build());
    closeables.add(device);
    Path state = dir.resolve("gateway");
    McuOtaPlatform platform = McuOtaPlatform.of(device,
        FlashOptions.builder().stateDir(state).timeout(Duration.ofSeconds(60)).build(), Duration.ofSeconds(20));
    closeables.add(platform);
    MqttClient mqtt = broker.connect(THING);
    closeables.add(mqtt);
    OtaAgent agent = OtaAgent.builder(mqtt, platform, state).thingName(THING)
        .config(OtaConfig.defaults().toBuilder().blockSize(1024).requestWait(Duration.ofMillis(500)).build())
        .documentAdapter(FlashJobDocument.FLASH_OR_AFR_OTA).localFiles(images)
        .verifier(FlashJobDocument.signedOrPinned(cloud.verifier())).replyTimeout(Duration.ofSeconds(3)).build();
    closeables.add(agent);
    agent.start().get(5, TimeUnit.SECONDS);
  }

  @AfterEach
  void tearDown() throws Exception {
    for (int i = closeables.size() - 1; i >= 0; i--) {
      closeables.get(i).close();
    }
    cloud.close();
    broker.stop();
  }

  private static byte[] image(String version, long seed) {
    return McubootImageBuilder.create().version(version).randomBody(12_000, seed).build();
  }

  private static String sha256(byte[] b) throws Exception {
    return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(b));
  }

  private static ObjectNode imageEntry(byte[] content) throws Exception {
    ObjectNode i = JSON.createObjectNode();
    i.put("size", content.length);
    i.put("sha256", sha256(content));
    return i;
  }

  private void flashJob(String jobId, ObjectNode image) {
    ObjectNode doc = JSON.createObjectNode().put("operation", "flash");
    doc.set("image", image);
    cloud.jobs.createJob(JobRequest.builder(jobId).document(doc.toString())
        .target(cloud.things.registry().thingArn(THING)).build());
  }

  private ExecutionStatus awaitEnd(String jobId) {
    return await().atMost(WAIT).until(() -> cloud.execution(THING, jobId).status(),
        s -> s != ExecutionStatus.QUEUED && s != ExecutionStatus.IN_PROGRESS);
  }

  private void assertRunsConfirmed(String version) {
    assertThat(mcu.state().runningVersion()).contains(version);
    assertThat(mcu.state().runningConfirmed()).isTrue();
  }

  @Test
  void an_unsigned_image_pinned_by_its_sha256_comes_over_an_mqtt_stream_and_is_flashed_and_confirmed() throws Exception {
    byte[] fw = image("2.0.0", 2);
    cloud.streams.catalog().put(StreamDefinition.of("fw-2", "flash",
        List.of(new StreamFile(3, FileSource.of(cloud.writeFile("fw-2.bin", fw))))));
    flashJob("flash-stream", imageEntry(fw).put("stream", "fw-2").put("fileId", 3));

    assertThat(awaitEnd("flash-stream")).isEqualTo(ExecutionStatus.SUCCEEDED);
    assertRunsConfirmed("2.0.0");
    assertThat(cloud.execution(THING, "flash-stream").statusDetails()).containsEntry("self_test", "accepted")
        .containsEntry("mcu_version", "2.0.0");
  }

  @Test
  void a_signed_image_comes_by_https_url_with_ranges_and_is_flashed() throws Exception {
    byte[] fw = image("2.1.0", 3);
    Path file = cloud.writeFile("fw-21.bin", fw);
    cloud.files.put("fw-21", FileSource.of(file));
    ObjectNode entry = imageEntry(fw).put("url", cloud.files.presign("fw-21", Duration.ofMinutes(5)));
    entry.putObject("signature").put("algorithm", "sig-sha256-ecdsa").put("value", cloud.sign(file));
    flashJob("flash-url", entry);

    assertThat(awaitEnd("flash-url")).isEqualTo(ExecutionStatus.SUCCEEDED);
    assertRunsConfirmed("2.1.0");
  }

  @Test
  void an_image_file_on_the_gateway_is_flashed_from_the_image_directory() throws Exception {
    byte[] fw = image("2.2.0", 4);
    Files.createDirectories(images.resolve("app"));
    Files.write(images.resolve("app/fw-22.bin"), fw);
    flashJob("flash-file", imageEntry(fw).put("file", "app/fw-22.bin"));

    assertThat(awaitEnd("flash-file")).isEqualTo(ExecutionStatus.SUCCEEDED);
    assertRunsConfirmed("2.2.0");
  }

  @Test
  void a_wrong_sha256_or_a_bad_signature_fails_the_job_before_the_mcu_is_touched() throws Exception {
    byte[] fw = image("3.0.0", 5);
    Files.write(images.resolve("fw-3.bin"), fw);
    flashJob("flash-sha", imageEntry(fw).put("file", "fw-3.bin").put("sha256", sha256(new byte[] {1})));
    assertThat(awaitEnd("flash-sha")).isEqualTo(ExecutionStatus.FAILED);
    assertThat(cloud.execution(THING, "flash-sha").statusDetails().toString()).contains("differs from the job's");

    ObjectNode forged = imageEntry(fw).put("file", "fw-3.bin");
    forged.putObject("signature").put("algorithm", "sig-sha256-ecdsa")
        .put("value", cloud.sign(cloud.writeFile("other.bin", new byte[] {1, 2, 3})));
    flashJob("flash-sig", forged);
    assertThat(awaitEnd("flash-sig")).isEqualTo(ExecutionStatus.FAILED);
    assertThat(cloud.execution(THING, "flash-sig").statusDetails()).containsEntry("reason", "sig_check_failed");

    assertRunsConfirmed("1.0.0");
    assertThat(mcu.state().chunksReceived()).isZero();
  }

  @Test
  void a_malformed_flash_job_is_rejected_with_its_problem() throws Exception {
    flashJob("flash-bad", JSON.createObjectNode().put("file", "../etc/passwd").put("size", 10)
        .put("sha256", "00".repeat(32)));
    assertThat(awaitEnd("flash-bad")).isEqualTo(ExecutionStatus.REJECTED);
    assertThat(cloud.execution(THING, "flash-bad").statusDetails().toString())
        .contains("flash job: image.file must be a relative path");
    assertThat(mcu.state().chunksReceived()).isZero();
  }
}
