package dev.thingbridge.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.thingbridge.mcu.fake.FakeMcu;
import dev.thingbridge.mcu.fake.FakeMcuOptions;
import dev.thingbridge.mcu.fake.FakeMcuPort;
import dev.thingbridge.mcu.fake.PtyPair;
import dev.thingbridge.mcu.image.McubootImageBuilder;
import dev.thingbridge.mqtt.MqttClient;
import dev.thingbridge.mqtt.local.LocalBroker;
import dev.thingbridge.twin.jobs.JobRequest;
import dev.thingbridge.twin.jobs.JobsService;
import dev.thingbridge.twin.server.TwinServer;
import dev.thingbridge.twin.streams.FileSource;
import dev.thingbridge.twin.streams.StreamDefinition;
import dev.thingbridge.twin.streams.StreamFile;
import dev.thingbridge.twin.streams.StreamsService;
import dev.thingbridge.twin.things.ThingsService;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.io.Writer;
import java.math.BigInteger;
import java.net.InetAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.MessageDigest;
import java.security.spec.ECGenParameterSpec;
import java.time.Duration;
import java.time.Instant;
import java.util.Date;
import java.util.HexFormat;
import java.util.List;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.openssl.jcajce.JcaPEMWriter;
import org.bouncycastle.openssl.jcajce.JcaPKCS8Generator;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/** {@code thingbridge ota create|run|status} against the twin, the device on the in-process bus. */
class OtaCliTest {
  private static final String THING = "gw-1";

  @TempDir Path dir;
  private final LocalBroker broker = new LocalBroker();
  private MqttClient twinClient;
  private TwinServer twin;
  private String api;
  private Path key;
  private Path cert;

  @BeforeEach
  void setUp() throws Exception {
    twinClient = broker.connect("twin");
    twin = TwinServer.start(twinClient, TwinServer.Options.defaults().withApi(InetAddress.getLoopbackAddress(), 0));
    api = twin.controlPlane().orElseThrow().endpoint().toString();
    twin.twin().service(ThingsService.class).createThing(THING);
    KeyPairGenerator g = KeyPairGenerator.getInstance("EC");
    g.initialize(new ECGenParameterSpec("secp256r1"));
    KeyPair pair = g.generateKeyPair();
    key = dir.resolve("signer.key");
    cert = dir.resolve("signer.pem");
    try (Writer w = Files.newBufferedWriter(key); JcaPEMWriter pem = new JcaPEMWriter(w)) {
      pem.writeObject(new JcaPKCS8Generator(pair.getPrivate(), null));
    }
    X500Name name = new X500Name("CN=cli test signer");
    try (Writer w = Files.newBufferedWriter(cert); JcaPEMWriter pem = new JcaPEMWriter(w)) {
      pem.writeObject(new JcaX509v3CertificateBuilder(name, BigInteger.TEN, Date.from(Instant.now().minusSeconds(60)),
          Date.from(Instant.now().plusSeconds(3600)), name, pair.getPublic())
          .build(new JcaContentSignerBuilder("SHA256withECDSA").build(pair.getPrivate())));
    }
  }

  @AfterEach
  void tearDown() {
    twin.close();
    twinClient.close();
    broker.stop();
  }

  private record Run(int code, String out, String err) {}

  private Run run(String... args) {
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    CommandLine cl = ThingBridgeCommand.newCommandLine(thing -> broker.connect(thing));
    cl.setOut(new PrintWriter(out, true));
    cl.setErr(new PrintWriter(err, true));
    int code = cl.execute(args);
    return new Run(code, out.toString(), err.toString());
  }

  @Test
  void create_run_and_status_take_a_signed_file_to_the_device() throws Exception {
    byte[] content = new byte[150_000];
    new Random(4).nextBytes(content);
    Path file = dir.resolve("app-2.0.bin");
    Files.write(file, content);
    Path state = dir.resolve("device");
    Path selfTest = dir.resolve("healthy.sh");
    Files.writeString(selfTest, "#!/bin/sh\necho \"$THINGBRIDGE_JOB_ID\" > \"$(dirname \"$0\")/self-tested\"\n");
    Files.setPosixFilePermissions(selfTest, PosixFilePermissions.fromString("rwxr-xr-x"));

    Run created = run("ota", "create", "--api", api, "--thing", THING, "--file", file.toString(), "--protocol", "http",
        "--sign-key", key.toString(), "--filepath", "bin/app.bin", "--id", "rel-2");
    assertThat(created.code()).as(created.err()).isZero();
    assertThat(created.out().trim()).isEqualTo("AFR_OTA-rel-2");

    CompletableFuture<Run> device = CompletableFuture.supplyAsync(() -> run("ota", "run", "--thing", THING,
        "--state-dir", state.toString(), "--install-dir", dir.resolve("installed").toString(), "--code-signing-cert",
        cert.toString(), "--self-test", selfTest.toString(), "--count", "1"));
    Run status = run("ota", "status", "--api", api, "--job", "AFR_OTA-rel-2", "--timeout", "60s", "--interval", "50ms");
    assertThat(status.code()).as(status.err()).isZero();
    assertThat(status.out()).contains("{\"event\":\"status\",\"thing\":\"gw-1\",\"status\":\"SUCCEEDED\"")
        .contains("\"self_test\":\"accepted\"");
    Run ran = device.get(30, TimeUnit.SECONDS);
    assertThat(ran.code()).as(ran.err()).isZero();
    assertThat(ran.out()).contains("{\"event\":\"ready\",\"thing\":\"gw-1\"")
        .contains("{\"event\":\"succeeded\",\"jobId\":\"AFR_OTA-rel-2\",\"bytes\":150000");
    assertThat(ran.out().lines().count()).as("one line when ready, one per update").isEqualTo(2);
    assertThat(Files.readAllBytes(dir.resolve("installed/bin/app.bin"))).isEqualTo(content);
    assertThat(state.resolve("files")).as("--install-dir replaces <state-dir>/files").doesNotExist();
    assertThat(Files.readString(dir.resolve("self-tested")).trim()).isEqualTo("AFR_OTA-rel-2");
  }

  @Test
  void an_unsigned_update_fails_on_the_device_and_status_exits_1() throws Exception {
    Path file = dir.resolve("x.bin");
    Files.write(file, new byte[5000]);
    assertThat(run("ota", "create", "--api", api, "--thing", THING, "--file", file.toString(), "--id", "u1",
        "--file-type", "3").code()).isZero();
    CompletableFuture<Run> device = CompletableFuture.supplyAsync(() -> run("ota", "run", "--thing", THING,
        "--state-dir", dir.resolve("device").toString(), "--code-signing-cert", cert.toString(), "--count", "1"));
    Run status = run("ota", "status", "--api", api, "--job", "AFR_OTA-u1", "--timeout", "60s", "--interval", "50ms");
    assertThat(status.code()).isEqualTo(ExitCodes.FAILURE);
    assertThat(status.out()).contains("\"status\":\"FAILED\"").contains("\"reason\":\"sig_check_failed\"");
    Run ran = device.get(30, TimeUnit.SECONDS);
    assertThat(ran.code()).isEqualTo(ExitCodes.FAILURE);
    assertThat(ran.out()).contains("{\"event\":\"failed\",\"jobId\":\"AFR_OTA-u1\"")
        .contains("\"reason\":\"sig_check_failed\",\"errorCode\":1001");
  }

  @Test
  void bad_usage_and_an_unreachable_twin_have_their_exit_codes() throws Exception {
    assertThat(run("ota", "create", "--api", api, "--thing", THING, "--file", dir.resolve("missing").toString()).code())
        .isEqualTo(ExitCodes.USAGE);
    Path file = dir.resolve("x.bin");
    Files.write(file, new byte[10]);
    Run noThing = run("ota", "create", "--api", api, "--thing", "nobody", "--file", file.toString());
    assertThat(noThing.code()).isEqualTo(ExitCodes.FAILURE);
    assertThat(noThing.err()).contains("ResourceNotFoundException");
    assertThat(run("ota", "status", "--api", "http://127.0.0.1:1", "--job", "j").code()).isEqualTo(ExitCodes.CONNECTION);
    // The MCU bridge provides the mcu kind: a name that is no serial port cannot be opened, a bad option is usage.
    Run noPort = run("ota", "run", "--thing", THING, "--state-dir", dir.toString(), "--platform", "mcu:sensor-1");
    assertThat(noPort.code()).isEqualTo(ExitCodes.CONNECTION);
    assertThat(noPort.err()).contains("sensor-1");
    assertThat(run("ota", "run", "--thing", THING, "--state-dir", dir.toString(), "--platform",
        "mcu:sensor-1,speed=9600").code()).isEqualTo(ExitCodes.USAGE);
    // mcu:PORT has a provider now (McuOtaPlatform); a kind nothing provides is a usage error.
    Run noPlatform = run("ota", "run", "--thing", THING, "--state-dir", dir.toString(), "--platform", "plc:line-1");
    assertThat(noPlatform.code()).isEqualTo(ExitCodes.USAGE);
    assertThat(noPlatform.err()).contains("no 'plc' platform");
    Run unknown = run("ota", "status", "--api", api, "--job", "AFR_OTA-none");
    assertThat(unknown.code()).isEqualTo(ExitCodes.FAILURE);
    assertThat(unknown.err()).contains("ResourceNotFoundException");
    assertThat(run("ota", "create", "--api", api, "--thing", THING, "--file", file.toString(), "--id", "idle").code())
        .isZero();
    assertThat(run("ota", "status", "--api", api, "--job", "AFR_OTA-idle", "--timeout", "300ms").code())
        .isEqualTo(ExitCodes.TIMEOUT);
  }

  @Test
  void run_with_an_mcu_platform_takes_a_flash_job_to_the_fake_mcu_on_a_pty() throws Exception {
    assertThat(PtyPair.socatAvailable()).as("socat is installed (.ci/run installs it)").isTrue();
    Path port = dir.resolve("ttyMCU");
    try (FakeMcu mcu = FakeMcu.start(FakeMcuPort.pty(port), FakeMcuOptions.builder().resetDelay(Duration.ofMillis(5))
        .initialImage(McubootImageBuilder.create().version("1.0.0").randomBody(4_000, 1).build()).build())) {
      byte[] image = McubootImageBuilder.create().version("2.0.0").randomBody(12_000, 5).build();
      Path file = Files.write(dir.resolve("fw-2.bin"), image);
      twin.twin().service(StreamsService.class).catalog().put(StreamDefinition.of("fw-2", "flash",
          List.of(new StreamFile(0, FileSource.of(file)))));
      String sha = HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(image));
      twin.twin().service(JobsService.class).createJob(JobRequest.builder("flash-2")
          .document("{\"operation\":\"flash\",\"image\":{\"stream\":\"fw-2\",\"size\":" + image.length
              + ",\"sha256\":\"" + sha + "\"}}")
          .target(twin.twin().service(ThingsService.class).registry().thingArn(THING)).build());

      Run ran = CompletableFuture.supplyAsync(() -> run("ota", "run", "--thing", THING, "--state-dir",
          dir.resolve("device").toString(), "--platform", "mcu:" + port, "--count", "1")).get(60, TimeUnit.SECONDS);

      assertThat(ran.code()).as(ran.out() + ran.err()).isZero();
      assertThat(ran.out()).contains("{\"event\":\"succeeded\",\"jobId\":\"flash-2\"");
      assertThat(mcu.state().runningVersion()).contains("2.0.0");
      assertThat(mcu.state().runningConfirmed()).isTrue();
      Run status = run("ota", "status", "--api", api, "--job", "flash-2", "--timeout", "5s", "--interval", "50ms");
      assertThat(status.out()).contains("\"status\":\"SUCCEEDED\"");
    }
  }
}
