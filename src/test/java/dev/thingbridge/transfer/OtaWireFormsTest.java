package dev.thingbridge.transfer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.thingbridge.mqtt.MqttClient;
import dev.thingbridge.mqtt.MqttMessage;
import dev.thingbridge.testing.ForwardingMqttClient;
import dev.thingbridge.twin.jobs.ExecutionStatus;
import dev.thingbridge.twin.ota.FileServerFaults;
import dev.thingbridge.twin.streams.StreamFaults;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The less common forms of the two data paths, end to end on the in-process bus: a stream taken in its JSON form
 * (base64 blocks, hex bitmaps), a stream whose description disagrees with the job, and an HTTP download whose
 * failures are logged without the pre-signed URL.
 */
class OtaWireFormsTest extends OtaBusFixture {
  private static final Duration WAIT = Duration.ofSeconds(20);

  private static OtaConfig.Builder config() {
    return OtaConfig.defaults().toBuilder().blockSize(1024).requestWait(Duration.ofMillis(500));
  }

  @Test
  void a_stream_in_its_json_form_gives_a_byte_identical_file() throws Exception {
    String thing = "ota-json";
    cloud.register(thing);
    Path state = dir.resolve("device");
    byte[] content = OtaTestbed.randomBytes(150_000, 31);
    Path file = cloud.writeFile("j.bin", content);
    cloud.mqttJob(thing, "json", List.of(cloud.fileEntry("j.bin", file, 0, 3, cloud.sign(file))), List.of(file));
    cloud.streams.faults(StreamFaults.NONE.withDrop(0.02).withSeed(8));
    startAgent(thing, state, config().streamFormat(StreamFormat.JSON).build(), OtaListener.NONE);

    await().atMost(WAIT).until(() -> cloud.execution(thing, "json").status() == ExecutionStatus.SUCCEEDED);
    assertThat(Files.readAllBytes(state.resolve("files/j.bin"))).isEqualTo(content);
  }

  /**
   * Installs "old firmware" as s.bin on the device and makes an MQTT job whose stream holds {@code content} while its
   * document declares {@code declaredSize} bytes; returns the device's state directory.
   */
  private Path mqttJobDeclaring(String thing, String jobId, byte[] content, long declaredSize) throws Exception {
    cloud.register(thing);
    Path state = dir.resolve("device");
    Files.createDirectories(state.resolve("files"));
    Files.writeString(state.resolve("files/s.bin"), "old firmware");
    Path file = cloud.writeFile("s.bin", content);
    var entry = cloud.fileEntry("s.bin", file, 0, 3, cloud.sign(file));
    entry.put("filesize", declaredSize);
    cloud.mqttJob(thing, jobId, List.of(entry), List.of(file));
    return state;
  }

  /**
   * The stream service describes the file with another size than the job document declares (a job made for another
   * build, a stream updated under a running job): the job fails at once with both sizes named, before any block is
   * asked for, and the installed file stays.
   */
  @ParameterizedTest
  @ValueSource(longs = {-1_000, 5_000})
  void a_stream_whose_file_size_differs_from_the_jobs_fails_before_any_block_naming_both_sizes(long declaredMore)
      throws Exception {
    String thing = "ota-size";
    byte[] content = OtaTestbed.randomBytes(100_000, 33);
    long declared = content.length + declaredMore;
    Path state = mqttJobDeclaring(thing, "size", content, declared);
    startAgent(thing, state, config().build(), OtaListener.NONE);

    await().atMost(WAIT).until(() -> cloud.execution(thing, "size").status() == ExecutionStatus.FAILED);
    assertThat(cloud.execution(thing, "size").statusDetails()).containsEntry("reason", "invalid_document")
        .containsEntry("error_code", "3004")
        .containsEntry("detail", "the stream's file 0 has " + content.length + " bytes, the job says " + declared);
    assertThat(cloud.streams.blocksSent()).as("blocks sent by the stream").isZero();
    assertThat(cloud.streams.requests()).as("requests to the stream: the describe only").isEqualTo(1);
    assertThat(Files.readString(state.resolve("files/s.bin"))).isEqualTo("old firmware");
    assertThat(state.resolve("ota/downloads")).satisfiesAnyOf(d -> assertThat(d).doesNotExist(),
        d -> assertThat(d).isEmptyDirectory());
  }

  /**
   * The stream's file is longer than the job says and the describe went unanswered (its reply is QoS 0 and may be
   * lost; here the request never leaves): the last block comes longer than the job's size allows, and the job fails
   * at once with both sizes named instead of asking for that block until the stream is given up.
   */
  @Test
  void an_undescribed_stream_whose_file_is_longer_than_the_jobs_fails_on_its_last_block() throws Exception {
    String thing = "ota-longer";
    Path state = mqttJobDeclaring(thing, "longer", OtaTestbed.randomBytes(100_000, 34), 99_000);
    MqttClient withoutDescribe = new ForwardingMqttClient(device(thing)) {
      @Override
      public CompletableFuture<Void> publish(MqttMessage message) {
        return message.topic().contains("/describe/") ? CompletableFuture.completedFuture(null)
            : super.publish(message);
      }
    };
    OtaAgent agent = closing(OtaAgent.builder(withoutDescribe, GatewayPlatform.builder(state).build(), state)
        .config(config().build()).verifier(cloud.verifier()).build());
    agent.start().get(5, TimeUnit.SECONDS);

    await().atMost(WAIT).until(() -> cloud.execution(thing, "longer").status() == ExecutionStatus.FAILED);
    assertThat(cloud.execution(thing, "longer").statusDetails()).containsEntry("reason", "invalid_document")
        .containsEntry("detail", "the stream's last block of file 0 has 1024 bytes where the job's size of 99000 "
            + "bytes leaves 696: the stream's file is longer than the job says");
    assertThat(Files.readString(state.resolve("files/s.bin"))).isEqualTo("old firmware");
  }

  @Test
  void failed_http_ranges_are_logged_without_the_pre_signed_url() throws Exception {
    String thing = "ota-logs";
    cloud.register(thing);
    Path state = dir.resolve("device");
    byte[] content = OtaTestbed.randomBytes(200_000, 32);
    Path file = cloud.writeFile("l.bin", content);
    cloud.httpJob(thing, "logs", List.of(cloud.fileEntry("l.bin", file, 0, 3, cloud.sign(file))), List.of(file),
        Duration.ofHours(1));
    cloud.files.faults(FileServerFaults.NONE.withFailures(1, 503).withDrops(1, 50_000));
    // slf4j-simple writes each line to the System.err of the moment: what the device logs is caught here.
    PrintStream stderr = System.err;
    ByteArrayOutputStream logged = new ByteArrayOutputStream();
    System.setErr(new PrintStream(logged, true, StandardCharsets.UTF_8));
    try {
      startAgent(thing, state, config().httpBackoff(Duration.ofMillis(20)).build(), OtaListener.NONE);
      await().atMost(WAIT).until(() -> cloud.execution(thing, "logs").status() == ExecutionStatus.SUCCEEDED);
    } finally {
      System.setErr(stderr);
    }
    String log = logged.toString(StandardCharsets.UTF_8);
    stderr.print(log);
    assertThat(Files.readAllBytes(state.resolve("files/l.bin"))).isEqualTo(content);
    assertThat(log).as("the failures were logged").contains("HTTP range of l.bin failed (HTTP 503)");
    // the URLs are S3-style pre-signed ones (UrlSigner): none of their query may show
    assertThat(log).doesNotContain("X-Amz-");
  }
}
