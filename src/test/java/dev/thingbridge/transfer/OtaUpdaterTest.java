package dev.thingbridge.transfer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.thingbridge.jobs.model.JobExecutionStatus;
import dev.thingbridge.mqtt.MqttClient;
import dev.thingbridge.mqtt.QoS;
import dev.thingbridge.mqtt.local.LocalBroker;
import dev.thingbridge.twin.TwinLimits;
import dev.thingbridge.twin.streams.FileSource;
import dev.thingbridge.twin.streams.StreamDefinition;
import dev.thingbridge.twin.streams.StreamFaults;
import dev.thingbridge.twin.streams.StreamFile;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@link OtaUpdater} on its own, as rustot's {@code perform_ota}: OTA-T13 (momentum, notify-next) and OTA-T14 (the
 * self-test matrix) with a fake platform and a recording job control; the stream is served by the twin.
 */
class OtaUpdaterTest {
  private static final String THING = "dev-1";

  @TempDir Path dir;
  private final LocalBroker broker = new LocalBroker();
  private OtaTestbed cloud;
  private MqttClient device;
  private final FakePlatform platform = new FakePlatform();
  private final RecordingControl control = new RecordingControl();
  private OtaUpdater updater;
  private Path file;

  @BeforeEach
  void setUp() throws Exception {
    cloud = new OtaTestbed(dir.resolve("cloud"), broker::connect, TwinLimits.RELAXED);
    device = broker.connect(THING);
    file = cloud.writeFile("fw.bin", OtaTestbed.randomBytes(60_000, 21));
    cloud.streams.catalog().put(StreamDefinition.of("s1", null, List.of(new StreamFile(0, FileSource.of(file)))));
    updater = OtaUpdater.builder(device, platform, dir.resolve("device"))
        .config(OtaConfig.defaults().toBuilder().blockSize(1024).requestWait(Duration.ofMillis(150)).build())
        .verifier(cloud.verifier()).build();
  }

  @AfterEach
  void tearDown() {
    updater.close();
    device.close();
    cloud.close();
    broker.stop();
  }

  private JsonNode document(String filepath, int fileType) throws Exception {
    ObjectNode ota = OtaTestbed.JSON.createObjectNode();
    ota.putArray("protocols").add("MQTT");
    ota.put("streamname", "s1");
    ota.putArray("files").add(cloud.fileEntry(filepath, file, 0, fileType, cloud.sign(file)));
    ObjectNode doc = OtaTestbed.JSON.createObjectNode();
    doc.set("afr_ota", ota);
    return doc;
  }

  private OtaResult run(Map<String, String> details, JsonNode doc) throws Exception {
    return updater.run(new OtaJob("job-1", details, doc, control, new CompletableFuture<>()));
  }

  private Future<OtaResult> inBackground(JsonNode doc) {
    java.util.concurrent.FutureTask<OtaResult> task = new java.util.concurrent.FutureTask<>(() -> run(Map.of(), doc));
    Thread t = new Thread(task, "test-ota-run");
    t.setDaemon(true);
    t.start();
    return task;
  }

  @Test
  void job_self_test_and_platform_pending_runs_the_self_test_and_commits() throws Exception {
    platform.state = PlatformImageState.PENDING_COMMIT;
    OtaResult r = run(Map.of("self_test", "ready"), document("fw.bin", 0));
    assertThat(r.status()).isEqualTo(JobExecutionStatus.SUCCEEDED);
    assertThat(platform.calls).containsExactly("image TESTING version_check", "selftest", "image ACCEPTED");
    assertThat(control.sent).extracting(s -> s.status() + " " + s.details().get("self_test") + " " + s.confirmed())
        .containsExactly("IN_PROGRESS active true", "SUCCEEDED accepted true");
    assertThat(control.last().details()).containsEntry("progress", "59/59");
    assertThat(platform.state).isEqualTo(PlatformImageState.VALID);
  }

  @Test
  void no_self_test_and_nothing_pending_goes_on_to_the_download() throws Exception {
    OtaResult r = run(Map.of(), document("/refused/fw.bin", 0));
    assertThat(platform.calls).containsExactly("check /refused/fw.bin");
    assertThat(r.error().code()).isEqualTo(OtaErrorCode.INVALID_FILE_PATH);
    assertThat(control.last().details()).containsEntry("reason", "invalid_file_path");
  }

  @Test
  void an_uncommitted_image_without_a_self_test_job_is_reset_first() throws Exception {
    platform.state = PlatformImageState.PENDING_COMMIT;
    run(Map.of("self_test", "receiving"), document("/refused/fw.bin", 0));
    assertThat(platform.calls).containsExactly("reset", "check /refused/fw.bin");
  }

  @Test
  void a_self_test_job_without_a_pending_image_is_a_state_mismatch() throws Exception {
    OtaResult r = run(Map.of("self_test", "active"), document("fw.bin", 0));
    assertThat(r.status()).isEqualTo(JobExecutionStatus.FAILED);
    assertThat(platform.calls).containsExactly("image REJECTED state_mismatch");
    assertThat(control.sent).hasSize(1);
    assertThat(control.last().details()).containsEntry("self_test", "rejected").containsEntry("progress", "0/59")
        .containsEntry("reason", "state_mismatch").containsEntry("error_code", "2004");
  }

  @Test
  void a_failed_self_test_rolls_back_after_the_cloud_knows() throws Exception {
    platform.state = PlatformImageState.PENDING_COMMIT;
    platform.selfTestFailure = new IllegalStateException("the service does not come up");
    OtaResult r = run(Map.of("self_test", "ready"), document("fw.bin", 0));
    assertThat(r.status()).isEqualTo(JobExecutionStatus.FAILED);
    assertThat(platform.calls).containsExactly("image TESTING version_check", "selftest",
        "image REJECTED self_test_failed", "reset");
    assertThat(control.last().details()).containsEntry("self_test", "rejected").containsEntry("reason", "self_test_failed");
  }

  @Test
  void a_self_test_that_hangs_is_stopped_by_the_self_test_timeout() throws Exception {
    updater.close();
    updater = OtaUpdater.builder(device, platform, dir.resolve("device"))
        .config(OtaConfig.defaults().toBuilder().selfTestTimeout(Duration.ofMillis(200)).build())
        .verifier(cloud.verifier()).build();
    platform.state = PlatformImageState.PENDING_COMMIT;
    platform.selfTestTakes = Duration.ofSeconds(10);
    long t0 = System.nanoTime();
    OtaResult r = run(Map.of("self_test", "active"), document("fw.bin", 0));
    assertThat(r.error().code()).isEqualTo(OtaErrorCode.SELF_TEST_FAILED);
    assertThat(Duration.ofNanos(System.nanoTime() - t0)).isLessThan(Duration.ofSeconds(5));
    assertThat(platform.calls).contains("image REJECTED self_test_failed", "reset");
  }

  @Test
  void firmware_is_reported_ready_before_activation_and_committed_in_process_when_the_platform_stays_up()
      throws Exception {
    OtaResult r = run(Map.of(), document("fw.bin", 0));
    assertThat(r.status()).isEqualTo(JobExecutionStatus.SUCCEEDED);
    assertThat(platform.calls).containsExactly("check fw.bin", "install 1 awaiting commit", "activate 1",
        "image TESTING version_check", "selftest", "image ACCEPTED");
    List<String> confirmed = control.sent.stream().filter(RecordingControl.Sent::confirmed)
        .map(s -> s.status() + " " + s.details().get("self_test")).toList();
    assertThat(confirmed).containsExactly("IN_PROGRESS receiving", "IN_PROGRESS ready", "IN_PROGRESS active",
        "SUCCEEDED accepted");
  }

  @Test
  void a_file_of_another_type_is_installed_without_activation() throws Exception {
    OtaResult r = run(Map.of(), document("data.bin", 5));
    assertThat(r.status()).isEqualTo(JobExecutionStatus.SUCCEEDED);
    assertThat(platform.calls).containsExactly("check data.bin", "install 1");
    assertThat(control.last().details()).containsEntry("self_test", "accepted").containsEntry("progress", "59/59");
  }

  @Test
  void no_data_for_four_request_waits_is_a_momentum_abort() throws Exception {
    cloud.streams.faults(StreamFaults.NONE.withStopAnswering(true));
    long t0 = System.nanoTime();
    OtaResult r = run(Map.of(), document("data.bin", 5));
    assertThat(r.error().code()).isEqualTo(OtaErrorCode.MOMENTUM_ABORT);
    assertThat(control.last().details()).containsEntry("reason", "momentum_abort").containsEntry("error_code", "2003")
        .containsEntry("self_test", "aborted");
    assertThat(platform.calls).contains("image ABORTED momentum_abort");
    // describe (one wait) + grace + two re-requests: about 5 x 150 ms
    assertThat(Duration.ofNanos(System.nanoTime() - t0)).isBetween(Duration.ofMillis(550), Duration.ofSeconds(5));
  }

  @Test
  void a_stream_the_service_does_not_know_is_refused_on_its_rejected_topic_not_waited_out() throws Exception {
    ObjectNode doc = (ObjectNode) document("data.bin", 5);
    ((ObjectNode) doc.get("afr_ota")).put("streamname", "no-such-stream");
    OtaResult r = run(Map.of(), doc);
    // the twin's ResourceNotFound on .../streams/no-such-stream/rejected ends it, not momentum (silence)
    assertThat(r.error().code()).isEqualTo(OtaErrorCode.DOWNLOAD_FAILED);
    assertThat(r.error().getMessage()).contains("refused").contains("ResourceNotFound");
    assertThat(control.last().status()).isEqualTo(JobExecutionStatus.FAILED);
    assertThat(platform.calls).doesNotContain("install 1");
  }

  @Test
  void a_notify_next_naming_this_job_does_not_stop_the_download() throws Exception {
    cloud.streams.faults(StreamFaults.NONE.withDelay(Duration.ofMillis(30)));
    Future<OtaResult> f = inBackground(document("data.bin", 5));
    await().atMost(Duration.ofSeconds(10)).until(() -> cloud.streams.blocksSent() > 5);
    cloud.twinClient.publish("$aws/things/" + THING + "/jobs/notify-next",
        "{\"timestamp\":1,\"execution\":{\"jobId\":\"job-1\",\"status\":\"IN_PROGRESS\"}}".getBytes(), QoS.AT_LEAST_ONCE,
        false).get(5, TimeUnit.SECONDS);
    OtaResult r = f.get(30, TimeUnit.SECONDS);
    assertThat(r.status()).isEqualTo(JobExecutionStatus.SUCCEEDED);
  }

  @Test
  void a_notify_next_naming_another_job_is_a_user_abort() throws Exception {
    cloud.streams.faults(StreamFaults.NONE.withDelay(Duration.ofMillis(30)));
    Future<OtaResult> f = inBackground(document("data.bin", 5));
    await().atMost(Duration.ofSeconds(10)).until(() -> cloud.streams.blocksSent() > 5);
    cloud.twinClient.publish("$aws/things/" + THING + "/jobs/notify-next", "{\"timestamp\":2}".getBytes(),
        QoS.AT_LEAST_ONCE, false).get(5, TimeUnit.SECONDS);
    OtaResult r = f.get(30, TimeUnit.SECONDS);
    assertThat(r.error().code()).isEqualTo(OtaErrorCode.USER_ABORT);
    assertThat(control.sent).noneMatch(s -> s.status().isTerminal());
    assertThat(platform.calls).contains("image ABORTED user_abort").doesNotContain("install 1");
    assertThat(Files.list(dir.resolve("device/ota/downloads"))).isEmpty();
  }

  @Test
  void a_protocol_the_device_does_not_take_is_an_invalid_protocol() throws Exception {
    updater.close();
    updater = OtaUpdater.builder(device, platform, dir.resolve("device")).protocols(java.util.Set.of(OtaProtocol.HTTP))
        .verifier(cloud.verifier()).build();
    OtaResult r = run(Map.of(), document("data.bin", 5));
    assertThat(r.error().code()).isEqualTo(OtaErrorCode.INVALID_PROTOCOL);
    assertThat(control.last().details()).containsEntry("self_test", "aborted").containsEntry("error_code", "2005");
    assertThat(platform.calls).containsExactly("image ABORTED invalid_protocol");
  }

  @Test
  void a_malformed_document_is_rejected() throws Exception {
    JsonNode doc = OtaTestbed.JSON.readTree("{\"afr_ota\":{\"protocols\":[\"MQTT\"],\"streamname\":\"s1\",\"files\":[]}}");
    OtaResult r = run(Map.of(), doc);
    assertThat(r.status()).isEqualTo(JobExecutionStatus.REJECTED);
    assertThat(control.last().details()).containsEntry("reason", "invalid_document");
  }
}
