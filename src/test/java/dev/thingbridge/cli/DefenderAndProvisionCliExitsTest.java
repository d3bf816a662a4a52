package dev.thingbridge.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.thingbridge.mqtt.MqttClient;
import dev.thingbridge.mqtt.MqttMessage;
import dev.thingbridge.mqtt.PayloadFormat;
import dev.thingbridge.mqtt.local.LocalBroker;
import dev.thingbridge.testing.DefenderCloud;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/**
 * The exit codes and lines of {@code defender report} and {@code provision} that the rehearsal with the twin
 * (ProvisioningCliTest) does not reach, against a scripted Defender cloud on the in-process bus: a rejection
 * (typed or unknown) exits 1 with its code, CBOR goes out as CBOR, silence is a timeout (4), a refused
 * connection is 3; and {@code twin} names its certificate authority on its start-up line.
 */
class DefenderAndProvisionCliExitsTest {
  private final LocalBroker bus = new LocalBroker();
  private final MqttClient cloud = bus.connect("defender-cloud");
  private DefenderCloud defender;
  private BlockingQueue<MqttMessage> reports;

  @BeforeEach
  void cloud() throws Exception {
    defender = DefenderCloud.start(cloud, "gw-1", "why");
    reports = defender.reports();
  }

  @AfterEach
  void close() {
    cloud.close();
  }

  private CliRun run(String... args) {
    return CliRun.of(ThingBridgeCommand.newCommandLine(bus::connect), args);
  }

  private CliRun report(String... more) {
    List<String> args = new java.util.ArrayList<>(List.of("defender", "report", "--thing", "gw-1",
        "--custom", "temp_c=number:21"));
    args.addAll(List.of(more));
    return run(args.toArray(String[]::new));
  }

  @Test
  void a_rejected_report_exits_1_with_its_code_typed_or_unknown() throws Exception {
    for (String code : new String[] {"Throttled", "InvalidPayload", "SomethingNew"}) {
      defender.answer(m -> code);
      CliRun r = report();
      assertThat(r.exitCode()).as(r.err()).isEqualTo(ExitCodes.FAILURE);
      JsonNode line = r.json();
      assertThat(line.get("status").asText()).isEqualTo("REJECTED");
      assertThat(line.get("code").asText()).isEqualTo(code);
      assertThat(line.get("message").asText()).isEqualTo("why");
      assertThat(r.err()).contains(code);
    }
  }

  @Test
  void a_cbor_report_goes_out_as_cbor_and_a_silent_cloud_is_a_timeout() throws Exception {
    CliRun ok = report("--format", "cbor");
    assertThat(ok.exitCode()).as(ok.err()).isZero();
    assertThat(ok.json().get("status").asText()).isEqualTo("ACCEPTED");
    MqttMessage sent = reports.poll(5, TimeUnit.SECONDS);
    assertThat(sent.topic()).isEqualTo("$aws/things/gw-1/defender/metrics/cbor");
    assertThat(PayloadFormat.CBOR.readTree(sent.payload()).at("/cmet/temp_c/0/number").asInt()).isEqualTo(21);

    defender.answer(m -> null);
    long start = System.nanoTime();
    CliRun silent = report("--timeout", "0.3");
    assertThat(silent.exitCode()).as(silent.err()).isEqualTo(ExitCodes.TIMEOUT);
    assertThat(System.nanoTime() - start).isLessThan(TimeUnit.SECONDS.toNanos(5));
  }

  @Test
  void a_refused_connection_exits_3_for_both_commands(@TempDir Path dir) {
    CommandLine real = ThingBridgeCommand.newCommandLine(Map.of());
    String[] refused = {"--endpoint", "mqtt://127.0.0.1:1", "--connect-timeout", "500ms"};
    CliRun provision = CliRun.of(real, concat(new String[] {"provision", "--template", "Fleet", "--out",
        dir.resolve("out").toString()}, refused));
    assertThat(provision.exitCode()).as(provision.err()).isEqualTo(ExitCodes.CONNECTION);
    CliRun defender = CliRun.of(ThingBridgeCommand.newCommandLine(Map.of()),
        concat(new String[] {"defender", "report", "--thing", "gw-1", "--custom", "a=number:1"}, refused));
    assertThat(defender.exitCode()).as(defender.err()).isEqualTo(ExitCodes.CONNECTION);
  }

  @Test
  void twin_names_its_certificate_authority_on_its_start_up_line(@TempDir Path dir) throws Exception {
    Path state = dir.resolve("state");
    CliRun twin = run("twin", "--state-dir", state.toString(), "--api-port", "0", "--duration", "0.2");
    assertThat(twin.exitCode()).as(twin.err()).isZero();
    Path ca = state.resolve("ca/ca.pem").toAbsolutePath();
    assertThat(twin.out().lines()).contains("twin: certificate authority " + ca);
    assertThat(Files.readString(ca)).startsWith("-----BEGIN CERTIFICATE-----");
  }

  private static String[] concat(String[] a, String[] b) {
    String[] all = java.util.Arrays.copyOf(a, a.length + b.length);
    System.arraycopy(b, 0, all, a.length, b.length);
    return all;
  }
}
