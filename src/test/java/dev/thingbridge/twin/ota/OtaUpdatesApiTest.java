package dev.thingbridge.twin.ota;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.thingbridge.mqtt.MqttClient;
import dev.thingbridge.mqtt.local.LocalBroker;
import dev.thingbridge.twin.jobs.JobsService;
import dev.thingbridge.twin.server.TwinServer;
import java.io.Writer;
import java.math.BigInteger;
import java.net.InetAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.Signature;
import java.security.spec.ECGenParameterSpec;
import java.time.Instant;
import java.util.Base64;
import java.util.Date;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.openssl.jcajce.JcaPEMWriter;
import org.bouncycastle.openssl.jcajce.JcaPKCS8Generator;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;
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
import software.amazon.awssdk.services.iot.model.CodeSigning;
import software.amazon.awssdk.services.iot.model.CreateOtaUpdateResponse;
import software.amazon.awssdk.services.iot.model.CreateStreamResponse;
import software.amazon.awssdk.services.iot.model.InvalidRequestException;
import software.amazon.awssdk.services.iot.model.OTAUpdateFile;
import software.amazon.awssdk.services.iot.model.OTAUpdateInfo;
import software.amazon.awssdk.services.iot.model.OTAUpdateStatus;
import software.amazon.awssdk.services.iot.model.Protocol;
import software.amazon.awssdk.services.iot.model.ResourceAlreadyExistsException;
import software.amazon.awssdk.services.iot.model.ResourceNotFoundException;
import software.amazon.awssdk.services.iot.model.StreamInfo;

/** Streams and OTA updates through the twin's HTTP API, driven by the AWS SDK for Java v2's IotClient. */
class OtaUpdatesApiTest {
  private static final ObjectMapper JSON = new ObjectMapper();

  @TempDir Path dir;
  private final LocalBroker broker = new LocalBroker();
  private MqttClient twinClient;
  private TwinServer server;
  private IotClient iot;
  private Path firmware;
  private final byte[] content = new byte[20_000];

  @BeforeEach
  void setUp() throws Exception {
    new java.util.Random(5).nextBytes(content);
    twinClient = broker.connect("twin");
    server = TwinServer.start(twinClient, TwinServer.Options.defaults()
        .withApi(InetAddress.getLoopbackAddress(), 0).withStateDir(dir.resolve("twin")));
    iot = IotClient.builder().endpointOverride(server.controlPlane().orElseThrow().endpoint()).region(Region.US_EAST_1)
        .credentialsProvider(StaticCredentialsProvider.create(AwsBasicCredentials.create("dummy", "dummy")))
        .httpClient(UrlConnectionHttpClient.create()).build();
    firmware = dir.resolve("fw.bin");
    Files.write(firmware, content);
    iot.createThing(b -> b.thingName("dev-1"));
  }

  @AfterEach
  void tearDown() {
    iot.close();
    server.close();
    twinClient.close();
    broker.stop();
  }

  private JsonNode document(String jobId) throws Exception {
    return JSON.readTree(iot.getJobDocument(b -> b.jobId(jobId)).document());
  }

  @Test
  void streams_are_created_described_listed_updated_and_deleted() throws Exception {
    Path rel = Files.createDirectories(dir.resolve("twin/s3/my-bucket/builds"));
    Files.write(rel.resolve("b.bin"), new byte[] {1, 2, 3});
    CreateStreamResponse created = iot.createStream(b -> b.streamId("fw-stream").description("firmware")
        .roleArn("arn:aws:iam::123456789012:role/ota")
        .files(f -> f.fileId(0).s3Location(s -> s.bucket("any").key(firmware.toString())),
            f -> f.fileId(1).s3Location(s -> s.bucket("my-bucket").key("builds/b.bin"))));
    assertThat(created.streamArn()).isEqualTo("arn:aws:iot:us-east-1:123456789012:stream/fw-stream");
    assertThat(created.streamVersion()).isEqualTo(1);
    StreamInfo info = iot.describeStream(b -> b.streamId("fw-stream")).streamInfo();
    assertThat(info.files()).extracting(f -> f.s3Location().key()).containsExactly(firmware.toString(), "builds/b.bin");
    assertThat(info.createdAt()).isNotNull();
    assertThat(iot.updateStream(b -> b.streamId("fw-stream").description("v2")).streamVersion()).isEqualTo(2);
    assertThat(iot.listStreams(b -> b.maxResults(10)).streams()).extracting(s -> s.streamId()).contains("fw-stream");
    assertThatThrownBy(() -> iot.createStream(b -> b.streamId("fw-stream").roleArn("r")
        .files(f -> f.fileId(0).s3Location(s -> s.bucket("any").key(firmware.toString())))))
        .isInstanceOf(ResourceAlreadyExistsException.class);
    assertThatThrownBy(() -> iot.createStream(b -> b.streamId("nope").roleArn("r")
        .files(f -> f.fileId(0).s3Location(s -> s.bucket("any").key("/no/such/file")))))
        .isInstanceOf(ResourceNotFoundException.class);
    assertThatThrownBy(() -> iot.createStream(b -> b.streamId("escape").roleArn("r")
        .files(f -> f.fileId(0).s3Location(s -> s.bucket("my-bucket").key("../../outside")))))
        .isInstanceOf(InvalidRequestException.class);
    iot.deleteStream(b -> b.streamId("fw-stream"));
    assertThatThrownBy(() -> iot.describeStream(b -> b.streamId("fw-stream"))).isInstanceOf(ResourceNotFoundException.class);
  }

  @Test
  void an_mqtt_update_with_custom_code_signing_becomes_an_afr_ota_job_with_a_stream_of_its_own() throws Exception {
    byte[] sig = "This is my custom signature".getBytes();
    CreateOtaUpdateResponse r = iot.createOTAUpdate(b -> b.otaUpdateId("fw-123").description("v1.2.3")
        .targets("arn:aws:iot:us-east-1:123456789012:thing/dev-1").protocols(Protocol.MQTT)
        .roleArn("arn:aws:iam::123456789012:role/ota")
        .files(OTAUpdateFile.builder().fileName("fw.bin").fileType(0)
            .fileLocation(l -> l.s3Location(s -> s.bucket("b").key(firmware.toString())))
            .codeSigning(CodeSigning.builder().customCodeSigning(c -> c.signature(s -> s.inlineDocument(
                SdkBytes.fromByteArray(sig))).certificateChain(cc -> cc.certificateName("codesign.pem"))
                .hashAlgorithm("SHA256").signatureAlgorithm("ECDSA")).build()).build()));
    assertThat(r.awsIotJobId()).isEqualTo("AFR_OTA-fw-123");
    assertThat(r.otaUpdateStatus()).isEqualTo(OTAUpdateStatus.CREATE_COMPLETE);
    JsonNode ota = document("AFR_OTA-fw-123").get("afr_ota");
    assertThat(ota.get("protocols").toString()).isEqualTo("[\"MQTT\"]");
    String stream = ota.get("streamname").asText();
    assertThat(stream).startsWith("AFR_OTA-");
    JsonNode f = ota.get("files").get(0);
    assertThat(f.get("filepath").asText()).isEqualTo("fw.bin");
    assertThat(f.get("filesize").asLong()).isEqualTo(20_000);
    assertThat(f.get("fileid").asInt()).isZero();
    assertThat(f.get("fileType").asInt()).isZero();
    assertThat(f.get("certfile").asText()).isEqualTo("codesign.pem");
    assertThat(Base64.getDecoder().decode(f.get("sig-sha256-ecdsa").asText())).isEqualTo(sig);
    assertThat(iot.describeStream(b -> b.streamId(stream)).streamInfo().files()).hasSize(1);
    OTAUpdateInfo info = iot.getOTAUpdate(b -> b.otaUpdateId("fw-123")).otaUpdateInfo();
    assertThat(info.awsIotJobId()).isEqualTo("AFR_OTA-fw-123");
    assertThat(info.protocols()).containsExactly(Protocol.MQTT);
    assertThat(info.otaUpdateFiles().get(0).fileName()).isEqualTo("fw.bin");
    assertThat(info.targets()).containsExactly("arn:aws:iot:us-east-1:123456789012:thing/dev-1");
    assertThat(iot.listOTAUpdates(b -> b.maxResults(5)).otaUpdates()).extracting(u -> u.otaUpdateId())
        .containsExactly("fw-123");
    assertThat(server.twin().service(JobsService.class).describeJobExecution("dev-1", "AFR_OTA-fw-123", null).status())
        .isEqualTo(dev.thingbridge.twin.jobs.ExecutionStatus.QUEUED);
    assertThatThrownBy(() -> iot.createOTAUpdate(b -> b.otaUpdateId("fw-123")
        .targets("arn:aws:iot:us-east-1:123456789012:thing/dev-1").roleArn("r")
        .files(OTAUpdateFile.builder().fileName("x").fileLocation(l -> l.s3Location(s -> s.bucket("b")
            .key(firmware.toString()))).build()))).isInstanceOf(ResourceAlreadyExistsException.class);
    iot.deleteOTAUpdate(b -> b.otaUpdateId("fw-123").deleteStream(true));
    assertThatThrownBy(() -> iot.describeStream(b -> b.streamId(stream))).isInstanceOf(ResourceNotFoundException.class);
    assertThatThrownBy(() -> iot.getOTAUpdate(b -> b.otaUpdateId("fw-123"))).isInstanceOf(ResourceNotFoundException.class);
  }

  @Test
  void an_http_update_signed_by_the_twin_serves_its_file_from_a_pre_signed_url() throws Exception {
    KeyPair key = ecKey();
    Path pem = writeCertificateAndKey(dir.resolve("signer.pem"), key);
    iot.createOTAUpdate(b -> b.otaUpdateId("http-1").targets("arn:aws:iot:us-east-1:123456789012:thing/dev-1")
        .protocols(Protocol.HTTP).roleArn("r").awsJobPresignedUrlConfig(c -> c.expiresInSec(600L))
        .files(OTAUpdateFile.builder().fileName("fw.bin").fileType(0)
            .fileLocation(l -> l.s3Location(s -> s.bucket("b").key(firmware.toString())))
            .codeSigning(CodeSigning.builder().startSigningJobParameter(p -> p.signingProfileParameter(
                sp -> sp.certificateArn(pem.toUri().toString()).certificatePathOnDevice("trust/signer.pem"))).build())
            .build()));
    JsonNode f = document("AFR_OTA-http-1").get("afr_ota").get("files").get(0);
    assertThat(document("AFR_OTA-http-1").get("afr_ota").has("streamname")).isFalse();
    assertThat(f.get("auth_scheme").asText()).isEqualTo("aws.s3.presigned");
    assertThat(f.get("certfile").asText()).isEqualTo("trust/signer.pem");
    Signature v = Signature.getInstance("SHA256withECDSA");
    v.initVerify(key.getPublic());
    v.update(content);
    assertThat(v.verify(Base64.getDecoder().decode(f.get("sig-sha256-ecdsa").asText()))).isTrue();
    HttpResponse<byte[]> got = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
        URI.create(f.get("update_data_url").asText())).header("Range", "bytes=0-99").build(),
        HttpResponse.BodyHandlers.ofByteArray());
    assertThat(got.statusCode()).isEqualTo(206);
    assertThat(got.body()).isEqualTo(java.util.Arrays.copyOf(content, 100));
    assertThat(f.get("update_data_url").asText()).contains("X-Amz-Expires=600");
  }

  @Test
  void unsupported_or_broken_requests_are_refused_with_awss_errors() {
    assertThatThrownBy(() -> iot.createOTAUpdate(b -> b.otaUpdateId("x1").targets("arn:aws:iot:us-east-1:123456789012:thing/dev-1")
        .roleArn("r").files(OTAUpdateFile.builder().fileName("f").fileLocation(l -> l.s3Location(s -> s.bucket("b")
            .key(firmware.toString()))).codeSigning(c -> c.awsSignerJobId("job")).build())))
        .isInstanceOf(InvalidRequestException.class).hasMessageContaining("awsSignerJobId");
    assertThatThrownBy(() -> iot.createOTAUpdate(b -> b.otaUpdateId("x2").targets("arn:aws:iot:us-east-1:123456789012:thing/nobody")
        .roleArn("r").files(OTAUpdateFile.builder().fileName("f").fileLocation(l -> l.s3Location(s -> s.bucket("b")
            .key(firmware.toString()))).build()))).isInstanceOf(ResourceNotFoundException.class);
    assertThat(iot.listStreams(b -> b.maxResults(10)).streams()).isEmpty();
    assertThatThrownBy(() -> iot.createOTAUpdate(b -> b.otaUpdateId("x3").targets("arn:aws:iot:us-east-1:123456789012:thinggroup/g")
        .roleArn("r").files(OTAUpdateFile.builder().fileName("f").fileLocation(l -> l.s3Location(s -> s.bucket("b")
            .key(firmware.toString()))).build()))).isInstanceOf(InvalidRequestException.class);
    assertThatThrownBy(() -> iot.createOTAUpdate(b -> b.otaUpdateId("x4").targets("arn:aws:iot:us-east-1:123456789012:thing/dev-1")
        .roleArn("r").files(OTAUpdateFile.builder().fileName("f").fileLocation(l -> l.s3Location(s -> s.bucket("b")
            .key("/no/such.bin"))).build()))).isInstanceOf(ResourceNotFoundException.class);
  }

  static KeyPair ecKey() throws Exception {
    KeyPairGenerator g = KeyPairGenerator.getInstance("EC");
    g.initialize(new ECGenParameterSpec("secp256r1"));
    return g.generateKeyPair();
  }

  /** A PEM with a self-signed code-signing certificate and its PKCS#8 key, as the twin's file:// ARN expects. */
  static Path writeCertificateAndKey(Path file, KeyPair key) throws Exception {
    X500Name name = new X500Name("CN=twin test signer");
    Instant now = Instant.now();
    var cert = new JcaX509v3CertificateBuilder(name, BigInteger.ONE, Date.from(now.minusSeconds(60)),
        Date.from(now.plusSeconds(86_400)), name, key.getPublic())
        .build(new JcaContentSignerBuilder("SHA256withECDSA").build(key.getPrivate()));
    try (Writer w = Files.newBufferedWriter(file); JcaPEMWriter pem = new JcaPEMWriter(w)) {
      pem.writeObject(cert);
      pem.writeObject(new JcaPKCS8Generator(key.getPrivate(), null));
    }
    return file;
  }

  private void restartTwin() throws Exception {
    iot.close();
    server.close();
    twinClient.close();
    twinClient = broker.connect("twin");
    server = TwinServer.start(twinClient, TwinServer.Options.defaults()
        .withApi(InetAddress.getLoopbackAddress(), 0).withStateDir(dir.resolve("twin")));
    iot = IotClient.builder().endpointOverride(server.controlPlane().orElseThrow().endpoint()).region(Region.US_EAST_1)
        .credentialsProvider(StaticCredentialsProvider.create(AwsBasicCredentials.create("dummy", "dummy")))
        .httpClient(UrlConnectionHttpClient.create()).build();
  }

  @Test
  void streams_updates_and_their_files_survive_a_restart_of_the_twin() throws Exception {
    iot.createStream(b -> b.streamId("kept").description("kept").roleArn("r")
        .files(f -> f.fileId(3).s3Location(s -> s.bucket("any").key(firmware.toString()))));
    iot.createOTAUpdate(b -> b.otaUpdateId("both").targets("arn:aws:iot:us-east-1:123456789012:thing/dev-1")
        .protocols(Protocol.MQTT, Protocol.HTTP).roleArn("r")
        .files(OTAUpdateFile.builder().fileName("fw.bin").fileLocation(l -> l.s3Location(s -> s.bucket("b")
            .key(firmware.toString()))).build()));
    JsonNode file = document("AFR_OTA-both").get("afr_ota").get("files").get(0);
    String stream = document("AFR_OTA-both").get("afr_ota").get("streamname").asText();
    String url = file.get("update_data_url").asText();

    restartTwin();

    assertThat(iot.describeStream(b -> b.streamId("kept")).streamInfo().files()).extracting(f -> f.fileId())
        .containsExactly(3);
    assertThat(iot.describeStream(b -> b.streamId(stream)).streamInfo().streamVersion()).isEqualTo(1);
    OTAUpdateInfo info = iot.getOTAUpdate(b -> b.otaUpdateId("both")).otaUpdateInfo();
    assertThat(info.protocols()).containsExactly(Protocol.MQTT, Protocol.HTTP);
    assertThat(info.awsIotJobId()).isEqualTo("AFR_OTA-both");
    HttpResponse<byte[]> got = HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create(
        url.replaceFirst(":\\d+/", ":" + server.fileServer().orElseThrow().port() + "/"))).header("Range", "bytes=10-19")
        .build(), HttpResponse.BodyHandlers.ofByteArray());
    assertThat(got.statusCode()).as("a URL signed before the restart is still good").isEqualTo(206);
    assertThat(got.body()).isEqualTo(java.util.Arrays.copyOfRange(content, 10, 20));
    iot.deleteOTAUpdate(b -> b.otaUpdateId("both").deleteStream(true));
    restartTwin();
    assertThatThrownBy(() -> iot.getOTAUpdate(b -> b.otaUpdateId("both"))).isInstanceOf(ResourceNotFoundException.class);
    assertThatThrownBy(() -> iot.describeStream(b -> b.streamId(stream))).isInstanceOf(ResourceNotFoundException.class);
  }
}
