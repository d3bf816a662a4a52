package dev.thingbridge.transfer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.thingbridge.mqtt.MqttClient;
import dev.thingbridge.testing.OtaFixtures;
import dev.thingbridge.twin.jobs.ExecutionStatus;
import dev.thingbridge.twin.streams.StreamFaults;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/** OTA jobs end to end on the in-process bus: the device's agent against the twin's jobs, streams and files. */
class OtaAgentTest extends OtaBusFixture {
  private static final Duration WAIT = Duration.ofSeconds(20);
  private static final AtomicInteger THINGS = new AtomicInteger();

  private String newThing() {
    String t = "ota-" + THINGS.incrementAndGet();
    cloud.register(t);
    return t;
  }

  private OtaAgent agent(MqttClient mqtt, Path state, OtaPlatform platform, OtaConfig config) throws Exception {
    return agent(mqtt, mqtt.clientId(), state, platform, config);
  }

  private OtaAgent agent(MqttClient mqtt, String thing, Path state, OtaPlatform platform, OtaConfig config)
      throws Exception {
    OtaAgent a = OtaAgent.builder(mqtt, platform, state).thingName(thing).config(config).verifier(cloud.verifier())
        .replyTimeout(Duration.ofSeconds(3)).build();
    closing(a);
    a.start().get(5, TimeUnit.SECONDS);
    return a;
  }

  private static OtaConfig fast() {
    // every progress point of the rustot cadence, none skipped for coming sooner than a second after the last
    return OtaConfig.defaults().toBuilder().blockSize(1024).requestWait(Duration.ofMillis(500))
        .statusUpdateInterval(Duration.ZERO).build();
  }

  @Test
  void a_plain_file_over_mqtt_is_verified_installed_and_succeeds() throws Exception {
    String thing = newThing();
    byte[] content = OtaTestbed.randomBytes(100_000, 1);
    Path file = cloud.writeFile("app.cfg", content);
    cloud.mqttJob(thing, "cfg-1", List.of(cloud.fileEntry("conf/app.cfg", file, 0, 9, cloud.sign(file))), List.of(file));
    Path state = dir.resolve("device");
    GatewayPlatform platform = GatewayPlatform.builder(state).build();
    // The reporter keeps only the newest update while one is unanswered: unpaced, the 24 blocks between two points
    // can arrive before the cloud answered the last one (seen with two test JVMs at once), and a point is replaced.
    // A 100 ms answer delay spaces the points by about one request, far more than an answer takes in-process.
    cloud.streams.faults(StreamFaults.NONE.withDelay(Duration.ofMillis(100)));
    agent(device(thing), state, platform, fast());

    List<OtaTestbed.Update> updates = cloud.updatesOfSucceeded(thing, "cfg-1", WAIT);
    assertThat(Files.readAllBytes(state.resolve("files/conf/app.cfg"))).isEqualTo(content);
    assertThat(cloud.execution(thing, "cfg-1").statusDetails())
        .containsEntry("self_test", "accepted").containsEntry("progress", "98/98");
    assertThat(updates.get(0).status()).isEqualTo("IN_PROGRESS");
    assertThat(updates).extracting(u -> u.details().get("progress")).contains("0/98", "2/98", "26/98", "50/98", "74/98",
        "98/98");
    assertThat(updates.get(updates.size() - 1).status()).isEqualTo("SUCCEEDED");
    assertThat(Files.list(state.resolve("ota/downloads"))).isEmpty();
  }

  @Test
  void firmware_over_http_activates_restarts_and_commits_after_its_self_test_at_the_next_start() throws Exception {
    String thing = newThing();
    Path state = dir.resolve("device");
    Files.createDirectories(state.resolve("files"));
    Files.writeString(state.resolve("files/fw.bin"), "old firmware");
    byte[] content = OtaTestbed.randomBytes(300_000, 2);
    Path file = cloud.writeFile("fw.bin", content);
    cloud.httpJob(thing, "fw-1", List.of(cloud.fileEntry("fw.bin", file, 0, 0, cloud.sign(file))), List.of(file),
        Duration.ofHours(1));
    java.util.concurrent.CountDownLatch restarted = new java.util.concurrent.CountDownLatch(1);
    OtaAgent first = agent(device(thing), state,
        GatewayPlatform.builder(state).restartAction(restarted::countDown).build(), fast());
    assertThat(restarted.await(WAIT.toSeconds(), TimeUnit.SECONDS)).isTrue();
    assertThat(cloud.execution(thing, "fw-1").status()).isEqualTo(ExecutionStatus.IN_PROGRESS);
    assertThat(cloud.execution(thing, "fw-1").statusDetails()).containsEntry("self_test", "ready");
    assertThat(Files.readAllBytes(state.resolve("files/fw.bin"))).isEqualTo(content);
    first.close(); // the process ends

    List<String> selfTests = new CopyOnWriteArrayList<>();
    GatewayPlatform next = GatewayPlatform.builder(state).selfTest((job, details) -> selfTests.add(job)).build();
    assertThat(next.imageState()).isEqualTo(PlatformImageState.PENDING_COMMIT);
    agent(device(thing + "-after"), thing, state, next, fast()); // a new process, a new connection
    List<OtaTestbed.Update> updates = cloud.updatesOfSucceeded(thing, "fw-1", WAIT);
    assertThat(selfTests).containsExactly("fw-1");
    assertThat(next.imageState()).isEqualTo(PlatformImageState.VALID);
    assertThat(cloud.execution(thing, "fw-1").statusDetails()).containsEntry("self_test", "accepted");
    assertThat(updates).extracting(u -> u.details().get("self_test"))
        .containsSubsequence("receiving", "ready", "active", "accepted");
    assertThat(Files.readAllBytes(state.resolve("files/fw.bin"))).isEqualTo(content);
  }

  @Test
  void a_wrongly_signed_image_is_refused_with_sig_check_failed_and_the_old_file_stays() throws Exception {
    String thing = newThing();
    Path state = dir.resolve("device");
    Files.createDirectories(state.resolve("files"));
    Files.writeString(state.resolve("files/fw.bin"), "old firmware");
    Path file = cloud.writeFile("fw.bin", OtaTestbed.randomBytes(50_000, 3));
    Path other = cloud.writeFile("other.bin", OtaTestbed.randomBytes(50_000, 4));
    cloud.mqttJob(thing, "bad-sig", List.of(cloud.fileEntry("fw.bin", file, 0, 0, cloud.sign(other))), List.of(file));
    agent(device(thing), state, GatewayPlatform.builder(state).build(), fast());

    await().atMost(WAIT).until(() -> cloud.execution(thing, "bad-sig").status() == ExecutionStatus.FAILED);
    assertThat(cloud.execution(thing, "bad-sig").statusDetails()).containsEntry("self_test", "aborted")
        .containsEntry("reason", "sig_check_failed").containsEntry("error_code", "1001");
    assertThat(Files.readString(state.resolve("files/fw.bin"))).isEqualTo("old firmware");
    assertThat(Files.list(state.resolve("ota/downloads"))).isEmpty();
  }

  @Test
  void an_unsigned_image_is_refused() throws Exception {
    String thing = newThing();
    Path state = dir.resolve("device");
    Path file = cloud.writeFile("fw.bin", OtaTestbed.randomBytes(5_000, 5));
    cloud.mqttJob(thing, "unsigned", List.of(cloud.fileEntry("fw.bin", file, 0, 0, null)), List.of(file));
    agent(device(thing), state, GatewayPlatform.builder(state).build(), fast());
    await().atMost(WAIT).until(() -> cloud.execution(thing, "unsigned").status() == ExecutionStatus.FAILED);
    assertThat(cloud.execution(thing, "unsigned").statusDetails()).containsEntry("reason", "sig_check_failed");
    assertThat(state.resolve("files/fw.bin")).doesNotExist();
  }

  @Test
  void a_force_cancel_during_the_download_stops_it_and_leaves_the_old_file() throws Exception {
    String thing = newThing();
    Path state = dir.resolve("device");
    Files.createDirectories(state.resolve("files"));
    Files.writeString(state.resolve("files/fw.bin"), "old firmware");
    Path file = cloud.writeFile("fw.bin", OtaTestbed.randomBytes(400_000, 6));
    cloud.mqttJob(thing, "cancel-1", List.of(cloud.fileEntry("fw.bin", file, 0, 0, cloud.sign(file))), List.of(file));
    cloud.streams.faults(StreamFaults.NONE.withDelay(Duration.ofMillis(40)));
    List<TransferProgress> progress = new CopyOnWriteArrayList<>();
    OtaAgent a = OtaAgent.builder(device(thing), GatewayPlatform.builder(state).build(), state)
        .config(fast().toBuilder().maxBlocksPerRequest(1).build()).verifier(cloud.verifier())
        .listener(recordingProgress(progress)).build();
    closing(a);
    a.start().get(5, TimeUnit.SECONDS);
    await().atMost(WAIT).until(() -> !progress.isEmpty() && progress.get(progress.size() - 1).blocksReceived() > 5);
    cloud.jobs.cancelJob("cancel-1", true, null, "operator changed their mind");
    await().atMost(WAIT).until(() -> Files.list(state.resolve("ota/downloads")).findAny().isEmpty());
    long sent = cloud.streams.blocksSent();
    await().during(Duration.ofSeconds(1)).atMost(Duration.ofSeconds(3)).until(() -> cloud.streams.blocksSent() <= sent + 2);
    assertThat(cloud.execution(thing, "cancel-1").status()).isEqualTo(ExecutionStatus.CANCELED);
    assertThat(Files.readString(state.resolve("files/fw.bin"))).isEqualTo("old firmware");
    assertThat(progress.get(progress.size() - 1).isComplete()).isFalse();
  }

  @Test
  void lost_duplicated_reordered_and_damaged_blocks_still_give_a_byte_identical_file() throws Exception {
    String thing = newThing();
    Path state = dir.resolve("device");
    byte[] content = OtaTestbed.randomBytes(1_000_000, 7);
    Path file = cloud.writeFile("big.bin", content);
    cloud.mqttJob(thing, "lossy", List.of(cloud.fileEntry("big.bin", file, 0, 3, cloud.sign(file))), List.of(file));
    cloud.streams.faults(StreamFaults.NONE.withDrop(0.01).withDuplicate(0.01).withReorder(0.05)
        .withCorrupt(0.01, StreamFaults.Corruption.TRUNCATED).withSeed(42));
    agent(device(thing), state, GatewayPlatform.builder(state).build(), fast());
    await().atMost(Duration.ofSeconds(60))
        .until(() -> cloud.execution(thing, "lossy").status() == ExecutionStatus.SUCCEEDED);
    assertThat(Files.readAllBytes(state.resolve("files/big.bin"))).isEqualTo(content);
  }

  @Test
  void blocks_of_another_file_and_garbage_are_asked_for_again() throws Exception {
    String thing = newThing();
    Path state = dir.resolve("device");
    byte[] content = OtaTestbed.randomBytes(200_000, 8);
    Path file = cloud.writeFile("a.bin", content);
    cloud.mqttJob(thing, "mixed", List.of(cloud.fileEntry("a.bin", file, 0, 3, cloud.sign(file))), List.of(file));
    cloud.streams.faults(StreamFaults.NONE.withCorrupt(0.05, StreamFaults.Corruption.WRONG_FILE).withSeed(3));
    agent(device(thing), state, GatewayPlatform.builder(state).build(), fast());
    await().atMost(Duration.ofSeconds(30))
        .until(() -> cloud.execution(thing, "mixed").status() == ExecutionStatus.SUCCEEDED);
    assertThat(Files.readAllBytes(state.resolve("files/a.bin"))).isEqualTo(content);
  }

  @Test
  void a_flipped_bit_is_caught_by_the_signature() throws Exception {
    String thing = newThing();
    Path state = dir.resolve("device");
    Path file = cloud.writeFile("a.bin", OtaTestbed.randomBytes(100_000, 9));
    cloud.mqttJob(thing, "flip", List.of(cloud.fileEntry("a.bin", file, 0, 3, cloud.sign(file))), List.of(file));
    cloud.streams.faults(StreamFaults.NONE.withCorrupt(0.05, StreamFaults.Corruption.BIT_FLIP).withSeed(5));
    agent(device(thing), state, GatewayPlatform.builder(state).build(), fast());
    await().atMost(WAIT).until(() -> cloud.execution(thing, "flip").status() == ExecutionStatus.FAILED);
    assertThat(cloud.execution(thing, "flip").statusDetails()).containsEntry("reason", "sig_check_failed");
    assertThat(state.resolve("files/a.bin")).doesNotExist();
  }

  @Test
  void a_silent_stream_ends_in_momentum_abort() throws Exception {
    String thing = newThing();
    Path state = dir.resolve("device");
    Path file = cloud.writeFile("a.bin", OtaTestbed.randomBytes(100_000, 10));
    cloud.mqttJob(thing, "silent", List.of(cloud.fileEntry("a.bin", file, 0, 3, cloud.sign(file))), List.of(file));
    cloud.streams.faults(StreamFaults.NONE.withStopAnswering(true));
    agent(device(thing), state, GatewayPlatform.builder(state).build(),
        fast().toBuilder().requestWait(Duration.ofMillis(200)).build());
    await().atMost(WAIT).until(() -> cloud.execution(thing, "silent").status() == ExecutionStatus.FAILED);
    assertThat(cloud.execution(thing, "silent").statusDetails()).containsEntry("self_test", "aborted")
        .containsEntry("reason", "momentum_abort").containsEntry("error_code", "2003");
  }

  @Test
  void a_destination_outside_the_install_directory_fails_before_any_download() throws Exception {
    String thing = newThing();
    Path state = dir.resolve("device");
    Path file = cloud.writeFile("a.bin", OtaTestbed.randomBytes(1000, 11));
    cloud.mqttJob(thing, "escape", List.of(cloud.fileEntry("../../etc/passwd", file, 0, 3, cloud.sign(file))),
        List.of(file));
    agent(device(thing), state, GatewayPlatform.builder(state).build(), fast());
    await().atMost(WAIT).until(() -> cloud.execution(thing, "escape").status() == ExecutionStatus.FAILED);
    assertThat(cloud.execution(thing, "escape").statusDetails()).containsEntry("reason", "invalid_file_path")
        .containsEntry("error_code", "3003");
    assertThat(cloud.streams.requests()).isZero();
  }

  @Test
  void an_expired_url_fails_with_url_expired() throws Exception {
    String thing = newThing();
    Path state = dir.resolve("device");
    Path file = cloud.writeFile("a.bin", OtaTestbed.randomBytes(10_000, 12));
    cloud.httpJob(thing, "expired", List.of(cloud.fileEntry("a.bin", file, 0, 3, cloud.sign(file))), List.of(file),
        Duration.ofHours(1));
    cloud.files.expireAll();
    agent(device(thing), state, GatewayPlatform.builder(state).build(), fast());
    await().atMost(WAIT).until(() -> cloud.execution(thing, "expired").status() == ExecutionStatus.FAILED);
    assertThat(cloud.execution(thing, "expired").statusDetails()).containsEntry("reason", "url_expired")
        .containsEntry("error_code", "3001");
    assertThat(cloud.execution(thing, "expired").statusDetails().get("detail")).doesNotContain("X-Amz");
  }

  @Test
  void http_failures_are_retried_with_backoff() throws Exception {
    String thing = newThing();
    Path state = dir.resolve("device");
    byte[] content = OtaTestbed.randomBytes(600_000, 13);
    Path file = cloud.writeFile("a.bin", content);
    cloud.httpJob(thing, "flaky", List.of(cloud.fileEntry("a.bin", file, 0, 3, cloud.sign(file))), List.of(file),
        Duration.ofHours(1));
    cloud.files.faults(dev.thingbridge.twin.ota.FileServerFaults.NONE.withFailures(2, 503).withDrops(2, 5000));
    agent(device(thing), state, GatewayPlatform.builder(state).build(),
        fast().toBuilder().httpBackoff(Duration.ofMillis(20)).httpBlocksPerRequest(64).build());
    await().atMost(WAIT).until(() -> cloud.execution(thing, "flaky").status() == ExecutionStatus.SUCCEEDED);
    assertThat(Files.readAllBytes(state.resolve("files/a.bin"))).isEqualTo(content);
    assertThat(cloud.files.requests()).isGreaterThanOrEqualTo(10 + 4);
  }

  @Test
  void several_files_in_one_job_are_all_installed() throws Exception {
    String thing = newThing();
    Path state = dir.resolve("device");
    byte[] a = OtaTestbed.randomBytes(30_000, 14);
    byte[] b = OtaTestbed.randomBytes(70_001, 15);
    Path fa = cloud.writeFile("a.bin", a);
    Path fb = cloud.writeFile("b.bin", b);
    cloud.mqttJob(thing, "two", List.of(cloud.fileEntry("x/a.bin", fa, 0, 7, cloud.sign(fa)),
        cloud.fileEntry("y/b.bin", fb, 1, 7, cloud.sign(fb))), List.of(fa, fb));
    agent(device(thing), state, GatewayPlatform.builder(state).build(), fast());
    await().atMost(WAIT).until(() -> cloud.execution(thing, "two").status() == ExecutionStatus.SUCCEEDED);
    assertThat(Files.readAllBytes(state.resolve("files/x/a.bin"))).isEqualTo(a);
    assertThat(Files.readAllBytes(state.resolve("files/y/b.bin"))).isEqualTo(b);
    assertThat(cloud.execution(thing, "two").statusDetails()).containsEntry("progress", "99/99");
  }

  @Test
  void an_http_download_stopped_halfway_resumes_at_its_last_checkpoint() throws Exception {
    String thing = newThing();
    Path state = dir.resolve("device");
    byte[] content = OtaTestbed.randomBytes(600_000, 17);
    Path file = cloud.writeFile("h.bin", content);
    cloud.httpJob(thing, "http-resume", List.of(cloud.fileEntry("h.bin", file, 0, 3, cloud.sign(file))), List.of(file),
        Duration.ofHours(1));
    cloud.files.faults(dev.thingbridge.twin.ota.FileServerFaults.NONE.withDelay(Duration.ofMillis(300)));
    OtaConfig config = fast().toBuilder().httpBlocksPerRequest(64).build();
    OtaAgent first = agent(device(thing), state, GatewayPlatform.builder(state).build(), config);
    Path ledger = state.resolve("ota/downloads/http-resume-0/state.json");
    await().atMost(WAIT).until(() -> checkpointed(ledger) >= 128);
    first.close();
    int kept = checkpointed(ledger);
    cloud.files.faults(dev.thingbridge.twin.ota.FileServerFaults.NONE);

    List<TransferProgress> after = new CopyOnWriteArrayList<>();
    secondRun(thing, state, config, after);
    await().atMost(WAIT).until(() -> cloud.execution(thing, "http-resume").status() == ExecutionStatus.SUCCEEDED);
    assertThat(Files.readAllBytes(state.resolve("files/h.bin"))).isEqualTo(content);
    assertThat(kept).isLessThan(586);
    assertThat(after.get(0).resumedBytes() / 1024).as("the second run starts from the first one's checkpoint")
        .isEqualTo(kept);
  }

  /** A listener that keeps every progress report in {@code into}. */
  private static OtaListener recordingProgress(List<TransferProgress> into) {
    return new OtaListener() {
      @Override
      public void onProgress(TransferProgress p) {
        into.add(p);
      }
    };
  }

  /** Starts the same thing's agent again on {@code state}, as a restarted device does, on a client of its own. */
  private void secondRun(String thing, Path state, OtaConfig config, List<TransferProgress> into) throws Exception {
    OtaAgent second = OtaAgent.builder(device(thing + "-2"), GatewayPlatform.builder(state).build(), state)
        .thingName(thing).config(config).verifier(cloud.verifier()).listener(recordingProgress(into)).build();
    closing(second);
    second.start().get(5, TimeUnit.SECONDS);
  }

  /** Blocks a partial download's ledger records, 0 before its first checkpoint. */
  private static int checkpointed(Path ledger) {
    try {
      return java.util.BitSet.valueOf(java.util.Base64.getDecoder().decode(
          OtaTestbed.JSON.readTree(ledger.toFile()).path("received").asText())).cardinality();
    } catch (java.io.IOException e) {
      return 0;
    }
  }

  @Test
  void a_download_stopped_halfway_resumes_without_fetching_more_than_a_window_again() throws Exception {
    String thing = newThing();
    Path state = dir.resolve("device");
    byte[] content = OtaTestbed.randomBytes(500_000, 16);
    Path file = cloud.writeFile("a.bin", content);
    cloud.mqttJob(thing, "resume", List.of(cloud.fileEntry("a.bin", file, 0, 3, cloud.sign(file))), List.of(file));
    cloud.streams.faults(StreamFaults.NONE.withDelay(Duration.ofMillis(20)));
    List<TransferProgress> progress = new CopyOnWriteArrayList<>();
    OtaConfig config = fast().toBuilder().maxBlocksPerRequest(4).build();
    OtaAgent first = OtaAgent.builder(device(thing), GatewayPlatform.builder(state).build(), state).config(config)
        .verifier(cloud.verifier()).listener(recordingProgress(progress)).build();
    closing(first);
    first.start().get(5, TimeUnit.SECONDS);
    await().atMost(WAIT).until(() -> !progress.isEmpty() && progress.get(progress.size() - 1).blocksReceived() > 200);
    first.close();
    // What the first run wrote, whether or not a checkpoint recorded it: its random blocks are on disk, the rest is
    // zeros. Counting them, not timing them, makes the bound hold however slow the machine is.
    int written = OtaFixtures.blocksOnDisk(state.resolve("ota/downloads/resume-0/data.part"), content, 1024);
    cloud.streams.faults(StreamFaults.NONE);

    List<TransferProgress> after = new CopyOnWriteArrayList<>();
    secondRun(thing, state, config, after);
    await().atMost(WAIT).until(() -> cloud.execution(thing, "resume").status() == ExecutionStatus.SUCCEEDED);
    assertThat(Files.readAllBytes(state.resolve("files/a.bin"))).isEqualTo(content);
    long resumedBlocks = after.get(0).resumedBytes() / 1024;
    assertThat(written).isGreaterThan(200);
    assertThat(resumedBlocks).as("blocks resumed of %d written", written).isGreaterThan(0)
        .isGreaterThanOrEqualTo(written - config.windowBlocks());
  }
}
