package dev.thingbridge.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.thingbridge.testing.Mosquitto;
import dev.thingbridge.testing.TestPki;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/** {@code thingbridge mqtt pub|sub} end to end against Mosquitto with mutual TLS. */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class MqttCommandTest {
  @TempDir static Path dir;
  private static TestPki pki;
  private static TestPki.ClientCredentials device;
  private static Mosquitto broker;

  @BeforeAll
  static void startBroker() throws Exception {
    pki = TestPki.create(dir.resolve("pki"));
    device = pki.newClient("cli");
    broker = Mosquitto.tls(dir.resolve("broker"), pki);
  }

  @AfterAll
  static void stopBroker() {
    broker.close();
  }

  /** One run of the command line with captured output. */
  private static CliRun run(String... args) {
    CommandLine cl = ThingBridgeCommand.newCommandLine();
    return CliRun.of(cl, args);
  }

  private static List<String> tls(String... more) {
    List<String> args = new ArrayList<>(List.of("--endpoint", broker.endpoint().toString(),
        "--cert", device.certificate().toString(), "--key", device.privateKey().toString(),
        "--ca", pki.caFile().toString()));
    args.addAll(List.of(more));
    return args;
  }

  private static CliRun mqtt(String sub, List<String> args) {
    List<String> all = new ArrayList<>(List.of("mqtt", sub));
    all.addAll(args);
    return run(all.toArray(String[]::new));
  }

  @Test
  void a_retained_publish_is_what_a_later_subscriber_prints() {
    CliRun pub = mqtt("pub", tls("--topic", "tb/cli/retained", "--message", "hello world", "--retain"));
    assertThat(pub.exitCode()).as(pub.err()).isZero();

    CliRun sub = mqtt("sub", tls("--topic", "tb/cli/retained", "--count", "1", "--timeout", "10s"));
    assertThat(sub.exitCode()).as(sub.err()).isZero();
    assertThat(sub.out()).isEqualTo("tb/cli/retained hello world" + System.lineSeparator());
  }

  @Test
  void sub_prints_one_line_per_message_and_stops_at_the_count() throws Exception {
    Path file = dir.resolve("binary.bin");
    byte[] binary = {0, 1, 2, (byte) 0xfe, '\n'};
    Files.write(file, binary);
    CompletableFuture<CliRun> sub = CompletableFuture.supplyAsync(() -> mqtt("sub",
        tls("--topic", "tb/cli/live/+", "--topic", "tb/cli/other", "--count", "2", "--timeout", "20s", "--base64")));

    // Publish until the subscriber has had its two messages: it may not have subscribed yet at first.
    await().atMost(Duration.ofSeconds(20)).pollInterval(Duration.ofMillis(200)).until(() -> {
      mqtt("pub", tls("--topic", "tb/cli/live/a", "--file", file.toString(), "--qos", "0"));
      return sub.isDone();
    });

    CliRun result = sub.get();
    assertThat(result.exitCode()).as(result.err()).isZero();
    String encoded = Base64.getEncoder().encodeToString(binary);
    assertThat(result.out().lines()).containsExactly("tb/cli/live/a " + encoded, "tb/cli/live/a " + encoded);
  }

  @Test
  void sub_exits_with_4_when_the_timeout_runs_out_before_the_count() {
    CliRun sub = mqtt("sub", tls("--topic", "tb/cli/silence", "--count", "1", "--timeout", "500ms"));
    assertThat(sub.exitCode()).isEqualTo(ExitCodes.TIMEOUT);
    assertThat(sub.err()).contains("timed out").contains("got 0");
  }

  @Test
  void bad_flags_exit_with_2_and_one_clear_line() {
    CliRun badQos = mqtt("pub", tls("--topic", "a", "--message", "x", "--qos", "2"));
    assertThat(badQos.exitCode()).isEqualTo(ExitCodes.USAGE);
    assertThat(badQos.err()).startsWith("error: ").contains("QoS must be 0 or 1");

    CliRun badEndpoint = run("mqtt", "pub", "--endpoint", "http://localhost", "--topic", "a", "--message", "x");
    assertThat(badEndpoint.exitCode()).isEqualTo(ExitCodes.USAGE);
    assertThat(badEndpoint.err()).contains("mqtt://");

    CliRun noPayload = mqtt("pub", tls("--topic", "a"));
    assertThat(noPayload.exitCode()).isEqualTo(ExitCodes.USAGE);

    CliRun wildcardTopic = mqtt("pub", tls("--topic", "a/+", "--message", "x"));
    assertThat(wildcardTopic.exitCode()).isEqualTo(ExitCodes.USAGE);
    assertThat(wildcardTopic.err()).contains("wildcards");

    CliRun zeroCount = mqtt("sub", tls("--topic", "a", "--count", "0"));
    assertThat(zeroCount.exitCode()).isEqualTo(ExitCodes.USAGE);
  }

  @Test
  void a_missing_certificate_file_exits_with_2() {
    CliRun pub = run("mqtt", "pub", "--endpoint", broker.endpoint().toString(),
        "--cert", dir.resolve("nope.pem").toString(), "--key", device.privateKey().toString(),
        "--topic", "a", "--message", "x");
    assertThat(pub.exitCode()).isEqualTo(ExitCodes.USAGE);
    assertThat(pub.err()).contains("--cert").contains("nope.pem");
  }

  @Test
  void an_unreachable_broker_exits_with_3() throws Exception {
    int closedPort;
    try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      closedPort = s.getLocalPort();
    }
    CliRun pub = run("mqtt", "pub", "--endpoint", "mqtt://127.0.0.1:" + closedPort, "--topic", "a", "--message", "x");
    assertThat(pub.exitCode()).isEqualTo(ExitCodes.CONNECTION);
    assertThat(pub.err()).contains("could not connect").contains("CONNECTION_REFUSED");
  }

  @Test
  void a_broker_refusing_the_client_certificate_exits_with_3() {
    TestPki stranger = TestPki.create(dir.resolve("stranger"), "stranger");
    TestPki.ClientCredentials foreign = stranger.newClient("foreign");
    CliRun pub = run("mqtt", "pub", "--endpoint", broker.endpoint().toString(),
        "--cert", foreign.certificate().toString(), "--key", foreign.privateKey().toString(),
        "--ca", pki.caFile().toString(), "--topic", "a", "--message", "x");
    assertThat(pub.exitCode()).isEqualTo(ExitCodes.CONNECTION);
    assertThat(pub.err()).contains("could not connect to " + broker.endpoint());
    assertThat(new String(pub.err().getBytes(StandardCharsets.UTF_8), StandardCharsets.UTF_8).lines()).hasSize(1);
  }

  @Test
  void pub_reads_standard_input_with_file_dash_and_sub_prints_payloads_only_for_jq() throws Exception {
    CompletableFuture<CliRun> sub = CompletableFuture.supplyAsync(() -> mqtt("sub",
        tls("--topic", "tb/cli/stdin", "-C", "1", "-W", "20", "--payload-only")));
    java.io.InputStream stdin = System.in;
    try {
      await().atMost(Duration.ofSeconds(20)).pollInterval(Duration.ofMillis(200)).until(() -> {
        System.setIn(new java.io.ByteArrayInputStream("{\"t\":21.5}".getBytes(StandardCharsets.UTF_8)));
        CliRun pub = mqtt("pub", tls("--topic", "tb/cli/stdin", "--file", "-", "--qos", "0"));
        assertThat(pub.exitCode()).as(pub.err()).isZero();
        return sub.isDone();
      });
    } finally {
      System.setIn(stdin);
    }
    assertThat(sub.get().exitCode()).as(sub.get().err()).isZero();
    assertThat(sub.get().out()).isEqualTo("{\"t\":21.5}" + System.lineSeparator());
  }

  @Test
  void a_bare_number_timeout_is_seconds() {
    CliRun sub = mqtt("sub", tls("--topic", "tb/cli/silence", "--count", "1", "--timeout", "1"));
    assertThat(sub.exitCode()).isEqualTo(ExitCodes.TIMEOUT);
    assertThat(sub.err()).contains("timed out after 1000 ms");
  }
}
