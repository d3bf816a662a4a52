package dev.thingbridge.provisioning;

import static dev.thingbridge.provisioning.ScriptedProvisioningCloud.accepted;
import static dev.thingbridge.provisioning.ScriptedProvisioningCloud.issued;
import static dev.thingbridge.provisioning.ScriptedProvisioningCloud.object;
import static dev.thingbridge.provisioning.ScriptedProvisioningCloud.rejected;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import com.fasterxml.jackson.databind.JsonNode;
import dev.thingbridge.internal.Pki;
import dev.thingbridge.mqtt.MqttClient;
import dev.thingbridge.mqtt.MqttMessage;
import dev.thingbridge.mqtt.MqttTimeoutException;
import dev.thingbridge.mqtt.PayloadFormat;
import dev.thingbridge.mqtt.QoS;
import dev.thingbridge.mqtt.local.LocalBroker;
import dev.thingbridge.provisioning.ProvisioningTopics.Operation;
import dev.thingbridge.provisioning.ScriptedProvisioningCloud.Reply;
import dev.thingbridge.testing.LateSubscribeAcks;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.KeyPair;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

class FleetProvisionerTest {
  private static final RetryPolicy FAST = new RetryPolicy(3, Duration.ofMillis(10), Duration.ofMillis(50), 2, 0);
  private static final KeyPair CLOUD_KEYS = Pki.newEcP256();

  /** A configuration type as a user writes it. */
  record Config(String region, String fallbackUrl) {}

  /** A configuration type with no fields at all. */
  record NoFields() {}

  @TempDir Path dir;
  private final LocalBroker broker = new LocalBroker();
  private final MqttClient device = broker.connect("claim-dev-1");
  private final List<AutoCloseable> closing = new ArrayList<>();

  @AfterEach
  void close() throws Exception {
    for (AutoCloseable c : closing) {
      c.close();
    }
    device.close();
  }

  private ScriptedProvisioningCloud cloud() throws Exception {
    ScriptedProvisioningCloud c = new ScriptedProvisioningCloud(broker.connect("cloud"));
    closing.add(c);
    return c;
  }

  private FleetProvisioner.Builder provisioner(String template) {
    return FleetProvisioner.builder(device, template).retryPolicy(FAST).stepTimeout(Duration.ofSeconds(3));
  }

  private FleetProvisioner build(FleetProvisioner.Builder b) {
    FleetProvisioner p = b.build();
    closing.add(p);
    return p;
  }

  private static <T> T await(CompletableFuture<T> f) throws Exception {
    return f.get(10, TimeUnit.SECONDS);
  }

  private static Throwable failure(CompletableFuture<?> f) {
    Throwable t = catchThrowable(() -> f.get(10, TimeUnit.SECONDS));
    assertThat(t).isInstanceOf(ExecutionException.class);
    return t.getCause();
  }

  /** Keys from the cloud, then a registration that returns {@code config}. */
  private static List<Reply> keysThenRegister(ScriptedProvisioningCloud.Request r, JsonNode config) {
    PayloadFormat f = r.topic().format();
    if (r.topic().operation() == Operation.CREATE_KEYS_AND_CERTIFICATE) {
      return List.of(issued(f, CLOUD_KEYS.getPublic(), Pki.privateKeyPem(CLOUD_KEYS), "token-1"));
    }
    var body = object(f).put("thingName", "Device-SN-1");
    if (config != null) {
      body.set("deviceConfiguration", config);
    }
    return List.of(accepted(body));
  }

  @ParameterizedTest
  @EnumSource(PayloadFormat.class)
  void keys_and_certificate_are_stored_before_register_thing_and_the_configuration_decodes(PayloadFormat format)
      throws Exception {
    ScriptedProvisioningCloud cloud = cloud();
    cloud.script(r -> keysThenRegister(r, object(format).put("region", "eu").put("fallbackUrl", "https://x")));
    List<Long> savedAt = new ArrayList<>();
    FileCredentialStore files = new FileCredentialStore(dir.resolve("creds"));
    CredentialStore store = new CredentialStore() {
      @Override
      public void save(DeviceCredentials c) throws IOException {
        savedAt.add(System.nanoTime());
        files.save(c);
      }

      @Override
      public void registered(Registration r) throws IOException {
        files.registered(r);
      }
    };
    ProvisioningResult<Config> result = await(build(provisioner("FleetTpl").format(format).parameter("SerialNumber", "SN-1")
        .credentialStore(store)).provision(Config.class));

    assertThat(result.thingName()).isEqualTo("Device-SN-1");
    assertThat(result.deviceConfiguration()).contains(new Config("eu", "https://x"));
    ScriptedProvisioningCloud.Request create = cloud.next();
    assertThat(create.message().payload()).isEmpty(); // CreateKeysAndCertificate: zero bytes in both formats
    assertThat(create.message().qos()).isEqualTo(QoS.AT_LEAST_ONCE);
    ScriptedProvisioningCloud.Request register = cloud.next();
    assertThat(register.topic().templateName()).isEqualTo("FleetTpl");
    JsonNode sent = format.readTree(register.message().payload());
    assertThat(sent.get("certificateOwnershipToken").asText()).isEqualTo("token-1");
    assertThat(sent.get("parameters")).isEqualTo(object(format).put("SerialNumber", "SN-1"));
    assertThat(savedAt).hasSize(1);
    assertThat(savedAt.get(0)).isLessThan(register.receivedNanos());

    assertThat(Files.readString(files.privateKeyFile())).isEqualTo(Pki.privateKeyPem(CLOUD_KEYS));
    assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(files.privateKeyFile()))).isEqualTo("rw-------");
    assertThat(Pki.readCertificate(Files.readString(files.certificateFile())).getPublicKey())
        .isEqualTo(CLOUD_KEYS.getPublic());
    JsonNode thing = PayloadFormat.JSON.readTree(Files.readAllBytes(dir.resolve("creds/thing.json")));
    assertThat(thing.get("thingName").asText()).isEqualTo("Device-SN-1");
    assertThat(thing.get("certificateId").asText()).isEqualTo(result.certificateId());
    assertThat(thing.at("/deviceConfiguration/region").asText()).isEqualTo("eu");
    assertThat(result.toString()).doesNotContain("PRIVATE KEY");
  }

  @Test
  void an_empty_configuration_decodes_into_a_type_with_no_fields_and_an_absent_one_into_nothing() throws Exception {
    ScriptedProvisioningCloud cloud = cloud();
    cloud.script(r -> keysThenRegister(r, object(PayloadFormat.CBOR)));
    ProvisioningResult<NoFields> empty = await(build(provisioner("T").format(PayloadFormat.CBOR)).provision(NoFields.class));
    assertThat(empty.deviceConfiguration()).contains(new NoFields());
    cloud.script(r -> keysThenRegister(r, null));
    assertThat(await(build(provisioner("T")).provision(Config.class)).deviceConfiguration()).isEmpty();
    cloud.script(r -> keysThenRegister(r, object(PayloadFormat.JSON).put("a", "1")));
    assertThat(await(build(provisioner("T")).provision()).deviceConfiguration().orElseThrow().get("a").asText())
        .isEqualTo("1");
    assertThat(await(build(provisioner("T")).provision(Void.class)).deviceConfiguration()).isEmpty();
  }

  @ParameterizedTest
  @EnumSource(KeyAlgorithm.class)
  void a_key_made_on_the_device_goes_out_as_a_csr_and_replies_for_other_keys_are_ignored(KeyAlgorithm algorithm)
      throws Exception {
    ScriptedProvisioningCloud cloud = cloud();
    KeyPair stranger = Pki.newEcP256();
    cloud.script(r -> {
      PayloadFormat f = r.topic().format();
      if (r.topic().operation() == Operation.CREATE_CERTIFICATE_FROM_CSR) {
        String csr = f.readTree(r.message().payload()).get("certificateSigningRequest").asText();
        // Another device's answer first (a shared broker), then ours.
        return List.of(issued(f, stranger.getPublic(), null, "not-ours"),
            issued(f, Pki.publicKey(Pki.readCsr(csr)), null, "ours"));
      }
      return List.of(accepted(object(f).put("thingName", "t-" + algorithm)));
    });
    FileCredentialStore files = new FileCredentialStore(dir);
    ProvisioningResult<JsonNode> result = await(build(provisioner("T").format(PayloadFormat.CBOR)
        .certificateSource(CertificateSource.generatedKey(algorithm)).credentialStore(files)).provision());
    cloud.next();
    assertThat(PayloadFormat.CBOR.readTree(cloud.next().message().payload()).get("certificateOwnershipToken").asText())
        .isEqualTo("ours");
    String key = Files.readString(files.privateKeyFile());
    assertThat(key).contains(algorithm == KeyAlgorithm.EC_P256 ? "BEGIN EC PRIVATE KEY" : "BEGIN RSA PRIVATE KEY");
    assertThat(result.credentials().privateKeyPem()).isEqualTo(key);
    assertThat(Pki.readCertificate(result.credentials().certificatePem()).getPublicKey().getAlgorithm())
        .isEqualTo(algorithm == KeyAlgorithm.EC_P256 ? "EC" : "RSA");
  }

  @Test
  void replies_with_another_requests_correlation_data_are_ignored() throws Exception {
    ScriptedProvisioningCloud cloud = cloud();
    MqttClient cloudSide = broker.connect("cloud-2");
    closing.add(cloudSide);
    cloud.script(r -> {
      if (r.topic().operation() == Operation.CREATE_KEYS_AND_CERTIFICATE) {
        // A reply to someone else's request, marked with their correlation data, then ours.
        cloudSide.publish(new MqttMessage(r.message().topic() + "/rejected", "{\"statusCode\":400}".getBytes(),
            QoS.AT_LEAST_ONCE, false, dev.thingbridge.mqtt.MessageProperties.builder()
            .correlationData(new byte[] {1, 2, 3}).build())).join();
      }
      return keysThenRegister(r, null);
    });
    assertThat(await(build(provisioner("T")).provision()).thingName()).isEqualTo("Device-SN-1");
  }

  @Test
  void a_user_csr_is_sent_unchanged_and_no_key_is_stored() throws Exception {
    ScriptedProvisioningCloud cloud = cloud();
    KeyPair own = Pki.newEcP256();
    String csr = Pki.csrPem(Pki.newCsr(own, new org.bouncycastle.asn1.x500.X500Name("CN=mine")));
    cloud.script(r -> r.topic().operation() == Operation.CREATE_CERTIFICATE_FROM_CSR
        ? List.of(issued(r.topic().format(), own.getPublic(), null, "tok"))
        : List.of(accepted(object(r.topic().format()).put("thingName", "x"))));
    FileCredentialStore files = new FileCredentialStore(dir);
    ProvisioningResult<JsonNode> result = await(build(provisioner("T").certificateSource(CertificateSource.csr(csr))
        .credentialStore(files)).provision());
    assertThat(PayloadFormat.JSON.readTree(cloud.next().message().payload()).get("certificateSigningRequest").asText())
        .isEqualTo(csr);
    assertThat(result.credentials().privateKeyPem()).isNull();
    assertThat(files.privateKeyFile()).doesNotExist();
    assertThat(files.certificateFile()).exists();
    assertThat(CertificateSource.generatedKey()).isEqualTo(CertificateSource.generatedKey(KeyAlgorithm.EC_P256));
    assertThat(catchThrowable(() -> CertificateSource.csr("-----BEGIN CERTIFICATE REQUEST-----\nAAAA\n")))
        .isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void a_rejected_registration_is_typed_and_keeps_the_stored_credentials() throws Exception {
    ScriptedProvisioningCloud cloud = cloud();
    cloud.script(r -> r.topic().operation() == Operation.REGISTER_THING
        ? List.of(rejected(PayloadFormat.JSON, 400, "InvalidParameters", "SerialNumber is required"))
        : keysThenRegister(r, null));
    FileCredentialStore files = new FileCredentialStore(dir);
    Throwable e = failure(build(provisioner("T").credentialStore(files)).provision());
    assertThat(e).isInstanceOf(ProvisioningRejectedException.class);
    ProvisioningRejectedException r = (ProvisioningRejectedException) e;
    assertThat(r.operation()).isEqualTo(Operation.REGISTER_THING);
    assertThat(r.statusCode()).isEqualTo(400);
    assertThat(r.errorCode()).isEqualTo("InvalidParameters");
    assertThat(r.errorMessage()).isEqualTo("SerialNumber is required");
    assertThat(files.certificateFile()).exists();
    assertThat(files.privateKeyFile()).exists();
    assertThat(cloud.requests).hasSize(2); // a final rejection is not retried
  }

  @Test
  void throttling_and_server_errors_are_retried_with_backoff() throws Exception {
    ScriptedProvisioningCloud cloud = cloud();
    AtomicInteger creates = new AtomicInteger();
    AtomicInteger registers = new AtomicInteger();
    cloud.script(r -> {
      if (r.topic().operation() == Operation.CREATE_KEYS_AND_CERTIFICATE && creates.incrementAndGet() == 1) {
        return List.of(rejected(PayloadFormat.JSON, 429, "ThrottlingException", "Rate exceeded"));
      }
      if (r.topic().operation() == Operation.REGISTER_THING && registers.incrementAndGet() == 1) {
        return List.of(rejected(PayloadFormat.JSON, 500, "InternalFailure", "try again"));
      }
      return keysThenRegister(r, null);
    });
    assertThat(await(build(provisioner("T")).provision()).thingName()).isEqualTo("Device-SN-1");
    assertThat(creates).hasValue(2);
    assertThat(registers).hasValue(2);
  }

  @Test
  void a_silent_cloud_times_each_try_out_and_gives_up_after_the_last() throws Exception {
    ScriptedProvisioningCloud cloud = cloud();
    long start = System.nanoTime();
    Throwable e = failure(build(provisioner("T").stepTimeout(Duration.ofMillis(200))).provision());
    assertThat(e).isInstanceOf(MqttTimeoutException.class);
    assertThat(cloud.requests).hasSize(3);
    assertThat(Duration.ofNanos(System.nanoTime() - start)).isGreaterThanOrEqualTo(Duration.ofMillis(600));
    Throwable once = failure(build(provisioner("T").stepTimeout(Duration.ofMillis(100)).retryPolicy(RetryPolicy.NONE))
        .provision());
    assertThat(once).isInstanceOf(MqttTimeoutException.class);
    assertThat(cloud.requests).hasSize(4);
  }

  @Test
  void credentials_that_cannot_be_stored_stop_provisioning_before_register_thing() throws Exception {
    ScriptedProvisioningCloud cloud = cloud();
    cloud.script(r -> keysThenRegister(r, null));
    Path notADirectory = Files.writeString(dir.resolve("file"), "x");
    Throwable e = failure(build(provisioner("T").credentialStore(new FileCredentialStore(notADirectory))).provision());
    assertThat(e).isInstanceOf(CredentialStorageException.class).hasMessageContaining("not registered");
    assertThat(((CredentialStorageException) e).operation()).isEqualTo(Operation.CREATE_KEYS_AND_CERTIFICATE);
    cloud.next();
    assertThat(cloud.requests.poll(300, TimeUnit.MILLISECONDS)).isNull(); // no RegisterThing
  }

  @Test
  void a_malformed_accepted_reply_is_a_decode_error_not_a_retry() throws Exception {
    ScriptedProvisioningCloud cloud = cloud();
    cloud.script(r -> List.of(accepted(object(PayloadFormat.JSON).put("certificateId", "c"))));
    Throwable e = failure(build(provisioner("T")).provision());
    assertThat(e).isInstanceOf(dev.thingbridge.mqtt.MqttReplyDecodeException.class)
        .hasMessageContaining("certificateOwnershipToken is missing");
    assertThat(cloud.requests).hasSize(1);
  }

  @Test
  void template_names_are_checked_when_building() {
    assertThat(catchThrowable(() -> FleetProvisioner.builder(device, "x".repeat(37))))
        .isInstanceOf(IllegalArgumentException.class);
    assertThat(catchThrowable(() -> FleetProvisioner.builder(device, "a/b"))).isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void the_longest_template_name_and_a_512_character_token_go_through_and_each_publish_waits_for_its_subscriptions()
      throws Exception {
    String template = "T".repeat(35) + "9"; // AWS's limit: 36
    String token = "t".repeat(512);         // AWS's limit for ownership tokens
    ScriptedProvisioningCloud cloud = cloud();
    cloud.script(r -> r.topic().operation() == Operation.CREATE_KEYS_AND_CERTIFICATE
        ? List.of(issued(r.topic().format(), CLOUD_KEYS.getPublic(), Pki.privateKeyPem(CLOUD_KEYS), token))
        : List.of(accepted(object(r.topic().format()).put("thingName", "Device-long"))));
    LateSubscribeAcks slowLink = new LateSubscribeAcks(broker.connect("claim-slow"), Duration.ofMillis(150));
    closing.add(slowLink);
    FleetProvisioner p = build(FleetProvisioner.builder(slowLink, template).format(PayloadFormat.CBOR)
        .retryPolicy(RetryPolicy.NONE).stepTimeout(Duration.ofSeconds(3)));

    assertThat(await(p.provision()).thingName()).isEqualTo("Device-long");
    cloud.next();
    ScriptedProvisioningCloud.Request register = cloud.next();
    assertThat(register.topic().templateName()).isEqualTo(template);
    assertThat(PayloadFormat.CBOR.readTree(register.message().payload()).get("certificateOwnershipToken").asText())
        .isEqualTo(token);
    assertThat(slowLink.publishes()).isEqualTo(2);
    assertThat(slowLink.publishesBeforeTheirReplySubscriptions()).as(slowLink.events().toString()).isEmpty();
  }

  @Test
  void neither_private_keys_nor_ownership_tokens_reach_the_log() throws Exception {
    String token = "secret-token-" + "9".repeat(40);
    ScriptedProvisioningCloud cloud = cloud();
    AtomicInteger creates = new AtomicInteger();
    cloud.script(r -> {
      PayloadFormat f = r.topic().format();
      if (r.topic().operation() == Operation.CREATE_KEYS_AND_CERTIFICATE) {
        return creates.incrementAndGet() == 1 ? List.of(rejected(f, 429, "ThrottlingException", "slow down"))
            : List.of(issued(f, CLOUD_KEYS.getPublic(), Pki.privateKeyPem(CLOUD_KEYS), token));
      }
      return List.of(rejected(f, 400, "InvalidParameters", "no"));
    });
    java.io.PrintStream stderr = System.err;
    java.io.ByteArrayOutputStream captured = new java.io.ByteArrayOutputStream();
    System.setErr(new java.io.PrintStream(captured, true, java.nio.charset.StandardCharsets.UTF_8));
    try {
      failure(build(provisioner("T").credentialStore(new FileCredentialStore(dir))).provision());
    } finally {
      System.setErr(stderr);
    }
    String log = captured.toString(java.nio.charset.StandardCharsets.UTF_8);
    // The log did capture the flow (so the checks below can fail) ...
    assertThat(log).contains("ThrottlingException").contains("issued and stored");
    // ... and holds neither the key (any line of its base64 body) nor the token.
    assertThat(log).doesNotContain("PRIVATE KEY").doesNotContain(token);
    Pki.privateKeyPem(CLOUD_KEYS).lines().filter(l -> !l.startsWith("-----"))
        .forEach(line -> assertThat(log).doesNotContain(line));
  }
}
