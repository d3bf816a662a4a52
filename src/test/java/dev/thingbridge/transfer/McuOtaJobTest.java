package dev.thingbridge.transfer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.thingbridge.mcu.FlashOptions;
import dev.thingbridge.mcu.McuConfig;
import dev.thingbridge.mcu.McuDevice;
import dev.thingbridge.mcu.McuOtaPlatform;
import dev.thingbridge.mcu.fake.FakeMcu;
import dev.thingbridge.mcu.fake.FakeMcuOptions;
import dev.thingbridge.mcu.fake.FakeMcuPort;
import dev.thingbridge.mcu.image.ImageVersion;
import dev.thingbridge.mcu.image.McubootImageBuilder;
import dev.thingbridge.mcu.serial.InMemorySerialPorts;
import dev.thingbridge.mqtt.MqttClient;
import dev.thingbridge.mqtt.local.LocalBroker;
import dev.thingbridge.twin.TwinLimits;
import dev.thingbridge.twin.jobs.ExecutionStatus;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code afr_ota} jobs for an MCU's thing, end to end on the in-process bus: the twin's jobs and streams, the OTA
 * agent with {@link McuOtaPlatform}, and the fake MCU over the in-memory link. The job succeeds only once the MCU
 * runs the new image confirmed, and fails with the flash's reason when the image does not come up (reverted) or is
 * not an MCUboot image (nothing written).
 */
class McuOtaJobTest {
  private static final Duration WAIT = Duration.ofSeconds(30);
  private static final String THING = "sensor-7";

  @TempDir Path dir;
  private final LocalBroker broker = new LocalBroker();
  private final InMemorySerialPorts ports = new InMemorySerialPorts();
  private final List<AutoCloseable> closeables = new CopyOnWriteArrayList<>();
  private OtaTestbed cloud;

  @BeforeEach
  void setUp() throws Exception {
    cloud = new OtaTestbed(dir.resolve("cloud"), broker::connect, TwinLimits.RELAXED);
    cloud.register(THING);
  }

  @AfterEach
  void tearDown() throws Exception {
    for (int i = closeables.size() - 1; i >= 0; i--) {
      closeables.get(i).close();
    }
    cloud.close();
    broker.stop();
  }

  private FakeMcu fakeMcu(FakeMcuOptions.Builder options) throws Exception {
    FakeMcu mcu = FakeMcu.start(FakeMcuPort.inMemory(ports, "ttyMCU"), options.resetDelay(Duration.ofMillis(5))
        .initialImage(McubootImageBuilder.create().version("1.0.0").randomBody(4_000, 1).build()).build());
    closeables.add(mcu);
    return mcu;
  }

  /** The gateway side: the MCU's device and platform, and an OTA agent for the MCU's thing. */
  private McuOtaPlatform agentFor(Path state) throws Exception {
    return agentFor(state, null);
  }

  private McuOtaPlatform agentFor(Path state, GatewayPlatform.SelfTest selfTest) throws Exception {
    McuDevice device = McuDevice.open(McuConfig.builder("ttyMCU").id(THING).opener(ports)
        .requestTimeout(Duration.ofMillis(300), 5).probe(Duration.ofMillis(300), 3)
        .boot(Duration.ofMillis(20), Duration.ofSeconds(3)).build());
    closeables.add(device);
    FlashOptions options = FlashOptions.builder().stateDir(state).timeout(Duration.ofSeconds(60)).build();
    McuOtaPlatform platform = selfTest == null ? McuOtaPlatform.of(device, options, Duration.ofSeconds(20))
        : McuOtaPlatform.of(device, options, Duration.ofSeconds(20), selfTest);
    closeables.add(platform);
    MqttClient mqtt = broker.connect(THING);
    closeables.add(mqtt);
    OtaAgent agent = OtaAgent.builder(mqtt, platform, state).thingName(THING)
        .config(OtaConfig.defaults().toBuilder().blockSize(1024).requestWait(Duration.ofMillis(500)).build())
        .verifier(cloud.verifier()).replyTimeout(Duration.ofSeconds(3)).build();
    closeables.add(agent);
    agent.start().get(5, TimeUnit.SECONDS);
    return platform;
  }

  private void job(String jobId, byte[] image) throws Exception {
    Path file = cloud.writeFile(jobId + ".bin", image);
    cloud.mqttJob(THING, jobId, List.of(cloud.fileEntry("zephyr.signed.bin", file, 0, OtaFile.FIRMWARE,
        cloud.sign(file))), List.of(file));
  }

  @Test
  void an_ota_job_for_the_mcu_thing_flashes_tests_and_confirms_the_new_image_then_succeeds() throws Exception {
    FakeMcu mcu = fakeMcu(FakeMcuOptions.builder());
    McuOtaPlatform platform = agentFor(dir.resolve("gateway"));
    job("fw-2", McubootImageBuilder.create().version("2.0.0").randomBody(40_000, 2).build());

    List<OtaTestbed.Update> updates = cloud.updatesOfSucceeded(THING, "fw-2", WAIT);
    assertThat(mcu.state().runningVersion()).contains("2.0.0");
    assertThat(mcu.state().runningConfirmed()).isTrue();
    assertThat(mcu.state().secondary()).hasValueSatisfying(s -> assertThat(s.version()).isEqualTo("1.0.0"));
    assertThat(cloud.execution(THING, "fw-2").statusDetails()).containsEntry("self_test", "accepted");
    assertThat(updates).extracting(u -> u.details().get("self_test"))
        .containsSubsequence("ready", "active", "accepted");
    assertThat(updates).anySatisfy(u -> assertThat(u.details()).containsEntry("mcu_version", "2.0.0"));
    assertThat(platform.lastResult()).startsWith("UPDATED");
  }

  @Test
  void an_image_that_crashes_at_boot_is_reverted_and_the_job_fails_with_the_reason() throws Exception {
    FakeMcu mcu = fakeMcu(FakeMcuOptions.builder()
        .failingVersion(ImageVersion.parse("2.0.0"), FakeMcuOptions.Failure.CRASHES).crashAfter(Duration.ofMillis(50)));
    McuOtaPlatform platform = agentFor(dir.resolve("gateway"));
    job("fw-bad", McubootImageBuilder.create().version("2.0.0").randomBody(20_000, 3).build());

    await().atMost(WAIT).until(() -> cloud.execution(THING, "fw-bad").status() == ExecutionStatus.FAILED);
    assertThat(mcu.state().runningVersion()).contains("1.0.0");
    assertThat(mcu.state().runningConfirmed()).isTrue();
    assertThat(platform.lastResult()).startsWith("REVERTED");
    assertThat(cloud.execution(THING, "fw-bad").statusDetails().toString()).contains("REVERTED");
  }

  @Test
  void an_image_the_ota_self_test_rejects_is_reset_unconfirmed_and_reverted() throws Exception {
    FakeMcu mcu = fakeMcu(FakeMcuOptions.builder());
    List<String> seenRunning = new CopyOnWriteArrayList<>();
    McuOtaPlatform platform = agentFor(dir.resolve("gateway"), (jobId, details) -> {
      seenRunning.add(mcu.state().runningVersion().orElse("") + (mcu.state().runningConfirmed() ? " confirmed" : ""));
      throw new IllegalStateException("no telemetry from the new firmware");
    });
    job("fw-quiet", McubootImageBuilder.create().version("2.1.0").randomBody(20_000, 5).build());

    await().atMost(WAIT).until(() -> cloud.execution(THING, "fw-quiet").status() == ExecutionStatus.FAILED);
    assertThat(seenRunning).as("the self-test ran with the new image up and not confirmed").containsExactly("2.1.0");
    assertThat(mcu.state().runningVersion()).contains("1.0.0");
    assertThat(mcu.state().runningConfirmed()).isTrue();
    assertThat(platform.lastResult()).startsWith("REVERTED").contains("self_test_failed");
    assertThat(cloud.execution(THING, "fw-quiet").statusDetails()).containsEntry("self_test", "rejected");
  }

  @Test
  void a_gateway_restart_while_the_new_image_awaits_its_verdict_continues_the_job_and_confirms() throws Exception {
    FakeMcu mcu = fakeMcu(FakeMcuOptions.builder());
    Path state = dir.resolve("gateway");
    java.util.concurrent.CountDownLatch selfTesting = new java.util.concurrent.CountDownLatch(1);
    int before = closeables.size();
    agentFor(state, (jobId, details) -> {
      selfTesting.countDown();
      Thread.sleep(60_000); // the gateway stops before the self-test ends
    });
    job("fw-3", McubootImageBuilder.create().version("3.0.0").randomBody(20_000, 6).build());
    assertThat(selfTesting.await(WAIT.toSeconds(), TimeUnit.SECONDS)).isTrue();
    for (int i = closeables.size() - 1; i >= before; i--) { // the process ends: agent, MQTT, platform, device
      closeables.remove(i).close();
    }
    assertThat(mcu.state().runningVersion()).contains("3.0.0");
    assertThat(mcu.state().runningConfirmed()).as("never confirmed before the verdict").isFalse();
    assertThat(cloud.execution(THING, "fw-3").status()).isEqualTo(ExecutionStatus.IN_PROGRESS);

    List<String> selfTests = new CopyOnWriteArrayList<>();
    McuOtaPlatform next = agentFor(state, (jobId, details) -> selfTests.add(jobId)); // the next start
    await().atMost(WAIT).until(() -> cloud.execution(THING, "fw-3").status() == ExecutionStatus.SUCCEEDED);
    assertThat(selfTests).containsExactly("fw-3");
    assertThat(mcu.state().runningVersion()).contains("3.0.0");
    assertThat(mcu.state().runningConfirmed()).isTrue();
    assertThat(next.lastResult()).startsWith("UPDATED");
  }

  @Test
  void a_file_that_is_not_an_mcuboot_image_fails_the_job_and_leaves_the_mcu_alone() throws Exception {
    FakeMcu mcu = fakeMcu(FakeMcuOptions.builder());
    agentFor(dir.resolve("gateway"));
    job("fw-zip", OtaTestbed.randomBytes(10_000, 4));

    await().atMost(WAIT).until(() -> cloud.execution(THING, "fw-zip").status() == ExecutionStatus.FAILED);
    assertThat(cloud.execution(THING, "fw-zip").statusDetails().toString()).contains("not an MCUboot image");
    assertThat(mcu.state().runningVersion()).contains("1.0.0");
    assertThat(mcu.state().chunksReceived()).isZero();
  }
}
