package dev.thingbridge.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.thingbridge.internal.Pki;
import dev.thingbridge.mqtt.MqttEndpoint;
import dev.thingbridge.mqtt.crt.CrtMqttClient;
import dev.thingbridge.mqtt.crt.CrtMqttOptions;
import dev.thingbridge.mqtt.local.LocalBroker;
import dev.thingbridge.testing.AwsSdkClients;
import dev.thingbridge.testing.Mosquitto;
import dev.thingbridge.twin.server.TwinServer;
import java.net.InetAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.bouncycastle.asn1.x500.X500Name;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.services.iot.IotClient;

/**
 * The offline fleet rehearsal as the README tells it, through the command line: {@code thingbridge ca} makes
 * the TLS files from the twin's CA, Mosquitto runs mutual TLS with them, the twin (with a state directory)
 * serves it, {@code thingbridge provision} provisions with the claim certificate, and the device's new
 * certificate is proved by {@code thingbridge defender report}. Then the twin restarts and remembers.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@Timeout(value = 180, unit = TimeUnit.SECONDS)
class ProvisioningCliTest {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final String TEMPLATE = "{\"Parameters\":{\"Serial\":{\"Type\":\"String\"}},\"Resources\":{"
      + "\"thing\":{\"Type\":\"AWS::IoT::Thing\",\"Properties\":{\"ThingName\":{\"Fn::Sub\":\"Device-${Serial}\"}}},"
      + "\"certificate\":{\"Type\":\"AWS::IoT::Certificate\",\"Properties\":{\"CertificateId\":"
      + "{\"Ref\":\"AWS::IoT::Certificate::Id\"},\"Status\":\"ACTIVE\"}}},"
      + "\"DeviceConfiguration\":{\"site\":\"lab\"}}";

  @TempDir Path dir;
  private Path state;
  private Path tls;
  private Mosquitto broker;
  private CrtMqttClient twinClient;
  private TwinServer twin;
  private String endpoint;
  private final List<AutoCloseable> closing = new ArrayList<>();

  private static CliRun run(picocli.CommandLine cl, String... args) {
    return CliRun.of(cl, args);
  }

  private static CliRun run(String... args) {
    return run(ThingBridgeCommand.newCommandLine(java.util.Map.of()), args);
  }

  private String[] tlsArgs(String cert, String key, String... more) {
    List<String> all = new ArrayList<>(List.of(more));
    all.addAll(List.of("--endpoint", endpoint, "--cert", cert, "--key", key, "--ca", tls.resolve("ca.pem").toString()));
    return all.toArray(String[]::new);
  }

  private String[] claimArgs(String... more) {
    return tlsArgs(tls.resolve("claim.pem").toString(), tls.resolve("claim.key").toString(), more);
  }

  @BeforeAll
  void rehearsal(@TempDir Path tempDir) throws Exception {
    dir = tempDir;
    state = dir.resolve("state");
    tls = dir.resolve("tls");
    CliRun ca = run("ca", "--state-dir", state.toString(), "--out", tls.toString());
    assertThat(ca.exitCode()).as(ca.err()).isZero();
    assertThat(ca.json().get("ca").asText()).endsWith("ca" + java.io.File.separator + "ca.pem");
    broker = Mosquitto.builder(dir.resolve("mosquitto"))
        .config("cafile " + tls.resolve("ca.pem")).config("certfile " + tls.resolve("broker.pem"))
        .config("keyfile " + tls.resolve("broker.key")).config("require_certificate true")
        .config("use_identity_as_username true").start();
    endpoint = "mqtts://127.0.0.1:" + broker.port();
    startTwin();
    try (IotClient iot = AwsSdkClients.iot(twin.controlPlane().orElseThrow().endpoint())) {
      iot.createProvisioningTemplate(b -> b.templateName("Fleet").templateBody(TEMPLATE).enabled(true));
    }
  }

  private void startTwin() throws Exception {
    twinClient = CrtMqttClient.connect(CrtMqttOptions.builder(new MqttEndpoint("127.0.0.1", broker.port(), true),
        "thingbridge-twin").clientCertificate(tls.resolve("twin.pem"), tls.resolve("twin.key"))
        .certificateAuthority(tls.resolve("ca.pem")).build(), Duration.ofSeconds(15));
    twin = TwinServer.start(twinClient, TwinServer.Options.defaults().withStateDir(state)
        .withApi(InetAddress.getLoopbackAddress(), 0));
    assertThat(twin.certificateAuthority().certificateFile()).contains(state.resolve("ca/ca.pem"));
  }

  private void stopTwin() {
    twin.close();
    twinClient.close();
  }

  @AfterAll
  void stop() throws Exception {
    for (AutoCloseable c : closing) {
      c.close();
    }
    if (twin != null) {
      stopTwin();
    }
    if (broker != null) {
      broker.close();
    }
  }

  @Test
  void a_device_provisions_by_claim_and_reports_with_its_new_certificate_and_the_twin_remembers_after_a_restart()
      throws Exception {
    Path out = dir.resolve("device-1");
    CliRun p = run(claimArgs("provision", "--template", "Fleet", "--param", "Serial=SN-1", "--format", "cbor",
        "--out", out.toString()));
    assertThat(p.exitCode()).as(p.err()).isZero();
    assertThat(p.out().lines()).hasSize(1);
    JsonNode line = p.json();
    assertThat(line.get("thingName").asText()).isEqualTo("Device-SN-1");
    assertThat(line.get("deviceConfiguration")).isEqualTo(JSON.readTree("{\"site\":\"lab\"}"));
    assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(out.resolve("private.pem.key"))))
        .isEqualTo("rw-------");
    assertThat(JSON.readTree(out.resolve("thing.json").toFile()).get("certificateId").asText())
        .isEqualTo(line.get("certificateId").asText());

    CliRun report = run(tlsArgs(out.resolve("certificate.pem.crt").toString(), out.resolve("private.pem.key").toString(),
        "defender", "report", "--thing", "Device-SN-1", "--custom", "boots=number:1",
        "--custom", "peers=ip-list:10.0.0.1,fd00::1", "--standard", "--client-id", "Device-SN-1"));
    assertThat(report.exitCode()).as(report.err()).isZero();
    assertThat(report.json().get("status").asText()).isEqualTo("ACCEPTED");

    stopTwin();
    startTwin();
    try (IotClient iot = AwsSdkClients.iot(twin.controlPlane().orElseThrow().endpoint())) {
      assertThat(iot.describeThing(b -> b.thingName("Device-SN-1")).thingName()).isEqualTo("Device-SN-1");
      assertThat(iot.describeCertificate(b -> b.certificateId(line.get("certificateId").asText()))
          .certificateDescription().statusAsString()).isEqualTo("ACTIVE");
      assertThat(iot.describeProvisioningTemplate(b -> b.templateName("Fleet")).enabled()).isTrue();
      assertThat(iot.listMetricValues(b -> b.thingName("Device-SN-1").metricName("boots")
          .startTime(java.time.Instant.EPOCH).endTime(java.time.Instant.now().plusSeconds(60))).metricDatumList())
          .hasSize(1);
    }
    CliRun again = run(claimArgs("provision", "--template", "Fleet", "--param", "Serial=SN-2", "--csr",
        "--out", dir.resolve("device-2").toString()));
    assertThat(again.exitCode()).as(again.err()).isZero();
    assertThat(Files.readString(dir.resolve("device-2/private.pem.key"))).startsWith("-----BEGIN EC PRIVATE KEY-----");
  }

  @Test
  void csr_forms_write_the_right_files() throws Exception {
    CliRun rsa = run(claimArgs("provision", "--template", "Fleet", "--param", "Serial=SN-3", "--csr=rsa-2048",
        "--out", dir.resolve("device-3").toString()));
    assertThat(rsa.exitCode()).as(rsa.err()).isZero();
    assertThat(Files.readString(dir.resolve("device-3/private.pem.key"))).startsWith("-----BEGIN RSA PRIVATE KEY-----");
    Path csr = Files.writeString(dir.resolve("own.csr"),
        Pki.csrPem(Pki.newCsr(Pki.newEcP256(), new X500Name("CN=own"))));
    CliRun own = run(claimArgs("provision", "--template", "Fleet", "--param", "Serial=SN-4", "--csr-file", csr.toString(),
        "--out", dir.resolve("device-4").toString()));
    assertThat(own.exitCode()).as(own.err()).isZero();
    assertThat(dir.resolve("device-4/private.pem.key")).doesNotExist();
    assertThat(dir.resolve("device-4/certificate.pem.crt")).exists();
  }

  @Test
  void a_rejection_exits_1_with_awss_code_and_message() {
    CliRun r = run(claimArgs("provision", "--template", "Fleet", "--out", dir.resolve("device-x").toString()));
    assertThat(r.exitCode()).isEqualTo(ExitCodes.FAILURE);
    assertThat(r.err()).startsWith("error: RegisterThing rejected: 400 InvalidParameters: Parameter Serial is required");
    CliRun missing = run(claimArgs("provision", "--template", "Nope", "--param", "Serial=1",
        "--out", dir.resolve("device-y").toString()));
    assertThat(missing.exitCode()).isEqualTo(ExitCodes.FAILURE);
    assertThat(missing.err()).contains("404 ResourceNotFoundException");
  }

  @Test
  void bad_flags_are_usage_errors_before_connecting() throws Exception {
    Path taken = Files.createDirectories(dir.resolve("taken"));
    Files.writeString(taken.resolve("certificate.pem.crt"), "x");
    picocli.CommandLine noConnect = ThingBridgeCommand.newCommandLine(id -> {
      throw new AssertionError("connected");
    });
    for (String[] args : new String[][] {
        {"provision", "--template", "Fleet", "--out", taken.toString()},
        {"provision", "--template", "bad/name", "--out", dir.resolve("a").toString()},
        {"provision", "--template", "Fleet", "--attempts", "0", "--out", dir.resolve("f").toString()},
        {"provision", "--template", "Fleet", "--csr", "--csr-file", "x.csr", "--out", dir.resolve("b").toString()},
        {"provision", "--template", "Fleet", "--csr=dsa", "--out", dir.resolve("c").toString()},
        {"provision", "--template", "Fleet", "--param", "novalue", "--out", dir.resolve("d").toString()},
        {"provision", "--template", "Fleet", "--csr-file", dir.resolve("absent.csr").toString(), "--out",
            dir.resolve("e").toString()},
        {"defender", "report", "--thing", "t"},
        {"defender", "report", "--thing", "t", "--custom", "aws:cpu=number:1"},
        {"defender", "report", "--thing", "t", "--custom", "temp=float:1"},
        {"defender", "report", "--thing", "t", "--custom", "ips=ip-list:999.1.1.1"},
        {"defender", "report", "--thing", "t", "--custom", "a=number:1", "--custom", "a=number:2"},
        {"defender", "run", "--thing", "t", "--custom", "a=number:1", "--count", "0"}}) {
      CliRun r = run(noConnect, args);
      assertThat(r.exitCode()).as(String.join(" ", args) + ": " + r.err()).isEqualTo(ExitCodes.USAGE);
      assertThat(r.err()).startsWith("error: ");
    }
  }

  @Test
  void no_answer_is_a_timeout_and_defender_run_reports_on_its_schedule() {
    LocalBroker bus = new LocalBroker();
    picocli.CommandLine noTwin = ThingBridgeCommand.newCommandLine(bus::connect);
    CliRun silent = run(noTwin, "provision", "--template", "Fleet", "--timeout", "0.3", "--attempts", "2", "--out",
        dir.resolve("silent").toString());
    assertThat(silent.exitCode()).as(silent.err()).isEqualTo(ExitCodes.TIMEOUT);
    CliRun reports = run(tlsArgs(tls.resolve("claim.pem").toString(), tls.resolve("claim.key").toString(),
        "defender", "run", "--thing", "gw-7", "--custom", "temp=number:21.5", "--interval", "0.2", "--count", "3"));
    assertThat(reports.exitCode()).as(reports.err()).isZero();
    assertThat(reports.out().lines()).hasSize(3).allSatisfy(l -> assertThat(l).contains("\"event\":\"accepted\""));
  }
}
