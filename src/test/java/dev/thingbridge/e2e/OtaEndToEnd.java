package dev.thingbridge.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.thingbridge.mqtt.MqttClient;
import dev.thingbridge.mqtt.MqttMessage;
import dev.thingbridge.mqtt.QoS;
import dev.thingbridge.mqtt.SubscriptionFilter;
import dev.thingbridge.transfer.CodeSigningVerifier;
import dev.thingbridge.transfer.GatewayPlatform;
import dev.thingbridge.transfer.OtaAgent;
import dev.thingbridge.transfer.OtaConfig;
import dev.thingbridge.transfer.OtaListener;
import dev.thingbridge.transfer.PlatformImageState;
import dev.thingbridge.transfer.TransferProgress;
import dev.thingbridge.twin.jobs.ExecutionStatus;
import dev.thingbridge.twin.jobs.JobExecutionDescription;
import dev.thingbridge.twin.jobs.JobsService;
import dev.thingbridge.twin.server.TwinServer;
import dev.thingbridge.twin.streams.StreamFaults;
import dev.thingbridge.twin.streams.StreamsService;
import java.io.Writer;
import java.math.BigInteger;
import java.net.InetAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.Signature;
import java.security.spec.ECGenParameterSpec;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Date;
import java.util.List;
import java.util.Random;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.openssl.jcajce.JcaPEMWriter;
import org.bouncycastle.openssl.jcajce.JcaPKCS8Generator;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.core.SdkBytes;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.iot.IotClient;
import software.amazon.awssdk.services.iot.model.CodeSigning;
import software.amazon.awssdk.services.iot.model.OTAUpdateFile;
import software.amazon.awssdk.services.iot.model.Protocol;

/**
 * rustot's OTA-T9..T12, against the local twin instead of AWS: an operator creates OTA updates with the AWS SDK's
 * CreateOTAUpdate, the device's {@link OtaAgent} applies them on the gateway platform and takes firmware through
 * its self-test after a restart of the device's process. One subclass per way the device reaches the twin.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
abstract class OtaEndToEnd {
  static final Duration WAIT = Duration.ofSeconds(30);
  /** Progress every 24 blocks, not at most once a second, so that unconfirmed progress goes out too. */
  private static final OtaConfig EVERY_PROGRESS = OtaConfig.defaults().toBuilder().statusUpdateInterval(Duration.ZERO)
      .build();
  private static final AtomicInteger THINGS = new AtomicInteger();

  /** How the twin and the device reach each other. */
  interface Setup extends AutoCloseable {
    MqttClient twinClient() throws Exception;

    MqttClient connect(String clientId) throws Exception;
  }

  abstract Setup createSetup(Path dir) throws Exception;

  private Path dir;
  private Setup setup;
  private TwinServer twin;
  private IotClient iot;
  private KeyPair signer;
  private Path signerPem;
  private Path certificate;
  private final List<AutoCloseable> perTest = new CopyOnWriteArrayList<>();
  /** Another client's view of every job update devices publish, with the QoS each was published at. */
  private MqttClient observer;
  private final List<SeenUpdate> seenUpdates = new CopyOnWriteArrayList<>();

  /** An UpdateJobExecution request as a subscriber at QoS 1 received it: at the QoS it was published with. */
  private record SeenUpdate(String jobId, String status, String selfTest, QoS qos) {
    static SeenUpdate of(MqttMessage m) {
      try {
        JsonNode n = new ObjectMapper().readTree(m.payload());
        return new SeenUpdate(m.topic().split("/")[4], n.path("status").asText(),
            n.path("statusDetails").path("self_test").asText(""), m.qos());
      } catch (java.io.IOException e) {
        throw new IllegalStateException("an update that is not JSON on " + m.topic(), e);
      }
    }
  }

  @BeforeAll
  void startCloud() throws Exception {
    dir = Files.createTempDirectory("thingbridge-ota-e2e");
    setup = createSetup(dir.resolve("setup"));
    twin = TwinServer.start(setup.twinClient(), TwinServer.Options.defaults()
        .withApi(InetAddress.getLoopbackAddress(), 0).withStateDir(dir.resolve("twin")));
    iot = IotClient.builder().endpointOverride(twin.controlPlane().orElseThrow().endpoint()).region(Region.US_EAST_1)
        .credentialsProvider(StaticCredentialsProvider.create(AwsBasicCredentials.create("dummy", "dummy")))
        .httpClient(UrlConnectionHttpClient.create()).build();
    observer = setup.connect("ota-update-observer");
    observer.subscribe(List.of(SubscriptionFilter.of("$aws/things/+/jobs/+/update", QoS.AT_LEAST_ONCE)),
        m -> seenUpdates.add(SeenUpdate.of(m))).get(WAIT.toSeconds(), TimeUnit.SECONDS);
    KeyPairGenerator g = KeyPairGenerator.getInstance("EC");
    g.initialize(new ECGenParameterSpec("secp256r1"));
    signer = g.generateKeyPair();
    X500Name name = new X500Name("CN=e2e code signing");
    var cert = new JcaX509v3CertificateBuilder(name, BigInteger.TWO, Date.from(Instant.now().minusSeconds(60)),
        Date.from(Instant.now().plusSeconds(86_400)), name, signer.getPublic())
        .build(new JcaContentSignerBuilder("SHA256withECDSA").build(signer.getPrivate()));
    certificate = dir.resolve("codesign.pem");
    try (Writer w = Files.newBufferedWriter(certificate); JcaPEMWriter pem = new JcaPEMWriter(w)) {
      pem.writeObject(cert);
    }
    signerPem = dir.resolve("signer-with-key.pem");
    try (Writer w = Files.newBufferedWriter(signerPem); JcaPEMWriter pem = new JcaPEMWriter(w)) {
      pem.writeObject(cert);
      pem.writeObject(new JcaPKCS8Generator(signer.getPrivate(), null));
    }
  }

  @AfterEach
  void closePerTest() throws Exception {
    for (int i = perTest.size() - 1; i >= 0; i--) {
      perTest.get(i).close();
    }
    perTest.clear();
    twin.twin().service(StreamsService.class).faults(StreamFaults.NONE);
  }

  @AfterAll
  void stopCloud() throws Exception {
    iot.close();
    observer.close();
    twin.close();
    setup.close();
    try (var files = Files.walk(dir)) {
      files.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
    }
  }

  private String newThing() {
    String t = "ota-e2e-" + THINGS.incrementAndGet();
    iot.createThing(b -> b.thingName(t));
    return t;
  }

  private Path firmware(String name, int size, long seed) throws Exception {
    byte[] b = new byte[size];
    new Random(seed).nextBytes(b);
    Path p = dir.resolve(name);
    Files.write(p, b);
    return p;
  }

  private byte[] sign(Path file) throws Exception {
    Signature s = Signature.getInstance("SHA256withECDSA");
    s.initSign(signer.getPrivate());
    s.update(Files.readAllBytes(file));
    return s.sign();
  }

  private JobExecutionDescription execution(String thing, String jobId) {
    return twin.twin().service(JobsService.class).describeJobExecution(thing, jobId, null);
  }

  /** A device process: its MQTT connection and its OTA agent. Closing it is the process ending. */
  private record Device(MqttClient mqtt, OtaAgent agent) implements AutoCloseable {
    @Override
    public void close() {
      agent.close();
      mqtt.close();
    }
  }

  /** Starts a device process on the gateway platform in {@code state}. */
  private Device device(String thing, Path state, GatewayPlatform platform, OtaConfig config, OtaListener listener)
      throws Exception {
    MqttClient mqtt = setup.connect(thing);
    OtaAgent a = OtaAgent.builder(mqtt, platform, state).thingName(thing).config(config).listener(listener)
        .verifier(CodeSigningVerifier.builder().certificate(certificate).build()).build();
    Device d = new Device(mqtt, a);
    perTest.add(d);
    a.start().get(10, TimeUnit.SECONDS);
    return d;
  }

  private void createUpdate(String id, String thing, Protocol protocol, Path file, CodeSigning signing) {
    iot.createOTAUpdate(b -> b.otaUpdateId(id).targets("arn:aws:iot:us-east-1:123456789012:thing/" + thing)
        .protocols(protocol).roleArn("arn:aws:iam::123456789012:role/ota")
        .files(OTAUpdateFile.builder().fileName("firmware/app.bin").fileType(0)
            .fileLocation(l -> l.s3Location(s -> s.bucket("builds").key(file.toString()))).codeSigning(signing).build()));
  }

  private CodeSigning customSignature(Path file) throws Exception {
    byte[] sig = sign(file);
    return CodeSigning.builder().customCodeSigning(c -> c.signature(s -> s.inlineDocument(SdkBytes.fromByteArray(sig)))
        .hashAlgorithm("SHA256").signatureAlgorithm("ECDSA")).build();
  }

  /** Runs an update that ends in an activation, restarts the device's process, and checks the commit. */
  private void activateRestartAndCommit(String thing, String jobId, Path file, OtaConfig config) throws Exception {
    Path state = dir.resolve(thing);
    Files.createDirectories(state.resolve("files/firmware"));
    Files.writeString(state.resolve("files/firmware/app.bin"), "v1");
    CountDownLatch restarting = new CountDownLatch(1);
    Device first = device(thing, state, GatewayPlatform.builder(state).restartAction(restarting::countDown).build(),
        config, OtaListener.NONE);
    assertThat(restarting.await(WAIT.toSeconds(), TimeUnit.SECONDS)).as("the device restarts into the new image").isTrue();
    assertThat(execution(thing, jobId).statusDetails()).containsEntry("self_test", "ready");
    assertThat(Files.readAllBytes(state.resolve("files/firmware/app.bin"))).isEqualTo(Files.readAllBytes(file));
    first.close();

    AtomicInteger selfTests = new AtomicInteger();
    GatewayPlatform rebooted = GatewayPlatform.builder(state).selfTest((job, d) -> selfTests.incrementAndGet()).build();
    assertThat(rebooted.imageState()).isEqualTo(PlatformImageState.PENDING_COMMIT);
    device(thing, state, rebooted, config, OtaListener.NONE);
    await().atMost(WAIT).until(() -> execution(thing, jobId).status() == ExecutionStatus.SUCCEEDED);
    assertThat(execution(thing, jobId).statusDetails()).containsEntry("self_test", "accepted");
    assertThat(selfTests).hasValue(1);
    assertThat(rebooted.imageState()).isEqualTo(PlatformImageState.VALID);
    assertEveryStatusWentAtQos1(jobId);
  }

  /**
   * Every status update of the job, progress that is not waited for included, was published at QoS 1 (the
   * observer subscribes at QoS 1, so a QoS 0 publish reaches it at QoS 0): rustot lost progress updates sent at
   * QoS 0, and a lost update is a job the console shows stuck.
   */
  private void assertEveryStatusWentAtQos1(String jobId) {
    await().atMost(WAIT).until(() -> seenUpdates.stream().anyMatch(u -> u.jobId().equals(jobId)
        && u.status().equals("SUCCEEDED")));
    List<SeenUpdate> updates = seenUpdates.stream().filter(u -> u.jobId().equals(jobId)).toList();
    assertThat(updates).extracting(SeenUpdate::selfTest).as("the job's updates: %s", updates)
        .contains("receiving", "ready", "accepted");
    // How many progress updates go out depends on how fast the download runs against the updates themselves (a full
    // run once saw 2 where 3 were asserted), so only their presence is asserted: "receiving" above.
    assertThat(updates).extracting(SeenUpdate::qos).as("the job's updates: %s", updates)
        .containsOnly(QoS.AT_LEAST_ONCE);
  }

  @Test
  void mqtt_firmware_with_a_checked_signature_commits_after_a_restart() throws Exception {
    String thing = newThing();
    Path file = firmware("t9.bin", 386 * 1024, 9);
    createUpdate("t9-" + thing, thing, Protocol.MQTT, file, customSignature(file));
    activateRestartAndCommit(thing, "AFR_OTA-t9-" + thing, file, EVERY_PROGRESS);
  }

  @Test
  void a_bad_signature_fails_and_the_image_is_not_swapped() throws Exception {
    String thing = newThing();
    Path file = firmware("t10.bin", 100 * 1024, 10);
    Path other = firmware("t10-other.bin", 100 * 1024, 11);
    createUpdate("t10-" + thing, thing, Protocol.MQTT, file, customSignature(other));
    Path state = dir.resolve(thing);
    Files.createDirectories(state.resolve("files/firmware"));
    Files.writeString(state.resolve("files/firmware/app.bin"), "v1");
    GatewayPlatform platform = GatewayPlatform.builder(state).build();
    device(thing, state, platform, OtaConfig.defaults(), OtaListener.NONE);
    String job = "AFR_OTA-t10-" + thing;
    await().atMost(WAIT).until(() -> execution(thing, job).status() == ExecutionStatus.FAILED);
    assertThat(execution(thing, job).statusDetails()).containsEntry("reason", "sig_check_failed")
        .containsEntry("error_code", "1001");
    assertThat(Files.readString(state.resolve("files/firmware/app.bin"))).isEqualTo("v1");
    assertThat(platform.imageState()).isEqualTo(PlatformImageState.VALID);
  }

  @Test
  void a_force_cancel_during_a_slow_download_ends_it_canceled() throws Exception {
    String thing = newThing();
    Path file = firmware("t11.bin", 400 * 1024, 12);
    createUpdate("t11-" + thing, thing, Protocol.MQTT, file, customSignature(file));
    twin.twin().service(StreamsService.class).faults(StreamFaults.NONE.withDelay(Duration.ofMillis(20)));
    List<TransferProgress> progress = new ArrayList<>();
    Path state = dir.resolve(thing);
    device(thing, state, GatewayPlatform.builder(state).build(),
        OtaConfig.defaults().toBuilder().blockSize(1024).maxBlocksPerRequest(1).build(), new OtaListener() {
          @Override
          public synchronized void onProgress(TransferProgress p) {
            progress.add(p);
          }
        });
    await().atMost(WAIT).until(() -> progress.size() > 2);
    long t0 = System.nanoTime();
    iot.cancelJob(b -> b.jobId("AFR_OTA-t11-" + thing).force(true));
    await().atMost(Duration.ofSeconds(60)).until(() -> Files.list(state.resolve("ota/downloads")).findAny().isEmpty());
    assertThat(Duration.ofNanos(System.nanoTime() - t0)).isLessThan(Duration.ofSeconds(60));
    assertThat(execution(thing, "AFR_OTA-t11-" + thing).status()).isEqualTo(ExecutionStatus.CANCELED);
    assertThat(state.resolve("files/firmware/app.bin")).doesNotExist();
  }

  @Test
  void http_firmware_signed_by_the_twin_commits_after_a_restart() throws Exception {
    String thing = newThing();
    Path file = firmware("t12.bin", 386 * 1024, 13);
    createUpdate("t12-" + thing, thing, Protocol.HTTP, file, CodeSigning.builder().startSigningJobParameter(p -> p
        .signingProfileParameter(sp -> sp.certificateArn(signerPem.toUri().toString()))).build());
    activateRestartAndCommit(thing, "AFR_OTA-t12-" + thing, file, EVERY_PROGRESS);
  }
}
