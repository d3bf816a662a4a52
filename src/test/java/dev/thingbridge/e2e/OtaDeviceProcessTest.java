package dev.thingbridge.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.thingbridge.mqtt.MqttClient;
import dev.thingbridge.mqtt.crt.CrtMqttClient;
import dev.thingbridge.mqtt.crt.CrtMqttOptions;
import dev.thingbridge.testing.Mosquitto;
import dev.thingbridge.testing.OtaFixtures;
import dev.thingbridge.twin.jobs.ExecutionStatus;
import dev.thingbridge.twin.jobs.JobsService;
import dev.thingbridge.twin.server.TwinServer;
import dev.thingbridge.twin.streams.StreamFaults;
import dev.thingbridge.twin.streams.StreamsService;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.core.SdkBytes;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.iot.IotClient;
import software.amazon.awssdk.services.iot.model.OTAUpdateFile;
import software.amazon.awssdk.services.iot.model.Protocol;

/**
 * The device as its own process: {@code thingbridge ota run} in a child JVM on Mosquitto, the twin in this one.
 * A {@code kill -9} in the middle of a download costs at most the window being received (and the batch on the
 * wire); a 256 MiB file goes through a device whose heap is capped at 64 MB.
 */
class OtaDeviceProcessTest {
  private static final ObjectMapper JSON = new ObjectMapper();

  @TempDir Path dir;
  private Mosquitto mosquitto;
  private MqttClient twinClient;
  private TwinServer twin;
  private IotClient iot;
  private KeyPair key;
  private Path certificate;
  private final List<Process> children = new CopyOnWriteArrayList<>();

  @BeforeEach
  void setUp() throws Exception {
    mosquitto = Mosquitto.plain(dir.resolve("mosquitto"));
    twinClient = CrtMqttClient.connect(CrtMqttOptions.builder(mosquitto.endpoint(), "twin").build(),
        Duration.ofSeconds(10));
    twin = TwinServer.start(twinClient, TwinServer.Options.defaults().withApi(InetAddress.getLoopbackAddress(), 0));
    iot = IotClient.builder().endpointOverride(twin.controlPlane().orElseThrow().endpoint()).region(Region.US_EAST_1)
        .credentialsProvider(StaticCredentialsProvider.create(AwsBasicCredentials.create("dummy", "dummy")))
        .httpClient(UrlConnectionHttpClient.create()).build();
    key = OtaFixtures.ecKey();
    certificate = OtaFixtures.writeCertificate(dir.resolve("codesign.pem"), key, "device process test",
        Duration.ofHours(1));
    iot.createThing(b -> b.thingName("gw-1"));
  }

  @AfterEach
  void tearDown() {
    children.forEach(Process::destroyForcibly);
    iot.close();
    twin.close();
    twinClient.close();
    mosquitto.close();
  }

  /** {@code java [jvmFlags] -cp <test class path> dev.thingbridge.cli.Main ota run ...}, output read line by line. */
  private Process device(Path state, int blockSize, String... jvmFlags) throws Exception {
    List<String> cmd = new ArrayList<>();
    cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    cmd.addAll(List.of(jvmFlags));
    cmd.addAll(List.of("-Xshare:off", "-cp", System.getProperty("java.class.path"), "dev.thingbridge.cli.Main",
        "ota", "run", "--thing", "gw-1", "--state-dir", state.toString(), "--endpoint", mosquitto.endpoint().toString(),
        "--code-signing-cert", certificate.toString(), "--block-size", Integer.toString(blockSize), "--count", "1",
        "--log-level", "info"));
    Process p = new ProcessBuilder(cmd).redirectError(ProcessBuilder.Redirect.appendTo(dir.resolve("device.err").toFile()))
        .start();
    children.add(p);
    return p;
  }

  /**
   * Standard output as JSON events, one per line. Its standard output is a pipe, not a terminal: no progress bar
   * may be drawn there or on standard error, so no carriage return appears in either.
   */
  private List<JsonNode> events(Process p) throws Exception {
    List<JsonNode> out = new ArrayList<>();
    String stdout = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertThat(stdout).as("one JSON line per event, no bar").doesNotContain("\r").endsWith("\n");
    for (String line : stdout.split("\n")) {
      JsonNode event = JSON.readTree(line);
      assertThat(event.isObject()).as(line).isTrue();
      out.add(event);
    }
    assertThat(Files.readString(dir.resolve("device.err"))).as("no bar on standard error").doesNotContain("\r");
    return out;
  }

  private Path file(String name, long size) throws Exception {
    return OtaFixtures.randomFile(dir.resolve(name), size);
  }

  private void createUpdate(String id, Path file) throws Exception {
    byte[] sig = OtaFixtures.sign(key, file);
    iot.createOTAUpdate(b -> b.otaUpdateId(id).targets("arn:aws:iot:us-east-1:123456789012:thing/gw-1")
        .protocols(Protocol.MQTT).roleArn("r")
        .files(OTAUpdateFile.builder().fileName("data/" + file.getFileName()).fileType(7)
            .fileLocation(l -> l.s3Location(s -> s.bucket("b").key(file.toString())))
            .codeSigning(c -> c.customCodeSigning(cc -> cc.signature(sg -> sg.inlineDocument(SdkBytes.fromByteArray(sig)))
                .hashAlgorithm("SHA256").signatureAlgorithm("ECDSA"))).build()));
  }

  private static byte[] sha256(Path file) throws Exception {
    return OtaFixtures.sha256(file);
  }

  private static int checkpointed(Path ledger) {
    try {
      return java.util.BitSet.valueOf(Base64.getDecoder().decode(JSON.readTree(ledger.toFile()).path("received")
          .asText())).cardinality();
    } catch (java.io.IOException e) {
      return 0; // not written yet
    }
  }

  @Test
  void a_kill_in_the_middle_of_a_download_costs_at_most_one_window() throws Exception {
    Path file = file("app.bin", 4L << 20); // 1024 blocks of 4 KiB
    createUpdate("kill-1", file);
    StreamsService streams = twin.twin().service(StreamsService.class);
    streams.faults(StreamFaults.NONE.withDelay(Duration.ofMillis(15)));
    Path state = dir.resolve("device");
    Process first = device(state, 4096);
    Path ledger = state.resolve("ota/downloads/AFR_OTA-kill-1-0/state.json");
    await().atMost(Duration.ofSeconds(120)).until(() -> checkpointed(ledger) >= 300);
    first.destroyForcibly(); // kill -9: no shutdown hook, no last checkpoint
    assertThat(first.waitFor(10, TimeUnit.SECONDS)).isTrue();
    int checkpointed = checkpointed(ledger);
    // What the process wrote, checkpointed or not: the file's blocks at their places (the rest is zeros). Counted
    // on disk, not from what the twin sent, so re-requests on a loaded machine do not blur the bound.
    int written = OtaFixtures.blocksOnDisk(ledger.resolveSibling("data.part"), Files.readAllBytes(file), 4096);
    assertThat(written - checkpointed).as("blocks written but not kept: at most the window being received")
        .isBetween(0, 31);

    streams.faults(StreamFaults.NONE);
    Process second = device(state, 4096);
    List<JsonNode> events = events(second);
    assertThat(second.waitFor(60, TimeUnit.SECONDS)).isTrue();
    String log = Files.readString(dir.resolve("device.err"));
    assertThat(second.exitValue()).as(log).isZero();
    assertThat(events).extracting(e -> e.path("event").asText()).containsExactly("ready", "succeeded");
    assertThat(log).as("the second run resumes what the first kept")
        .contains("resuming data/app.bin at " + checkpointed + "/1024 blocks");
    assertThat(sha256(state.resolve("files/data/app.bin"))).isEqualTo(sha256(file));
  }

  @Test
  void a_256_mib_file_goes_through_a_device_with_a_64_mb_heap() throws Exception {
    Path file = file("big.bin", 256L << 20);
    createUpdate("big-1", file);
    Path state = dir.resolve("device");
    Process device = device(state, 32 * 1024, "-Xmx64m", "-XX:+UseSerialGC");
    List<JsonNode> events = events(device);
    assertThat(device.waitFor(120, TimeUnit.SECONDS)).isTrue();
    assertThat(device.exitValue()).as(Files.readString(dir.resolve("device.err"))).isZero();
    assertThat(events.get(events.size() - 1).path("event").asText()).isEqualTo("succeeded");
    assertThat(events.get(events.size() - 1).path("bytes").asLong()).isEqualTo(256L << 20);
    assertThat(twin.twin().service(JobsService.class).describeJobExecution("gw-1", "AFR_OTA-big-1", null).status())
        .isEqualTo(ExecutionStatus.SUCCEEDED);
    assertThat(sha256(state.resolve("files/data/big.bin"))).isEqualTo(sha256(file));
  }
}
