package dev.thingbridge.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import dev.thingbridge.defender.CustomMetric;
import dev.thingbridge.defender.DefenderErrorCode;
import dev.thingbridge.defender.DefenderRejectedException;
import dev.thingbridge.defender.DefenderReporter;
import dev.thingbridge.defender.MetricsReport;
import dev.thingbridge.defender.MetricsSnapshot;
import dev.thingbridge.defender.ReportHeader;
import dev.thingbridge.internal.Pki;
import dev.thingbridge.mqtt.MqttClient;
import dev.thingbridge.mqtt.PayloadFormat;
import dev.thingbridge.provisioning.CertificateSource;
import dev.thingbridge.provisioning.FileCredentialStore;
import dev.thingbridge.provisioning.FleetProvisioner;
import dev.thingbridge.provisioning.KeyAlgorithm;
import dev.thingbridge.provisioning.ProvisioningRejectedException;
import dev.thingbridge.provisioning.ProvisioningResult;
import dev.thingbridge.provisioning.RetryPolicy;
import dev.thingbridge.testing.SteppedClock;
import dev.thingbridge.twin.Twin;
import dev.thingbridge.twin.defender.DefenderService;
import dev.thingbridge.twin.provisioning.CertificateAuthority;
import dev.thingbridge.twin.provisioning.CertificateStatus;
import dev.thingbridge.twin.provisioning.PreProvisioningHook;
import dev.thingbridge.twin.provisioning.ProvisioningService;
import dev.thingbridge.twin.provisioning.ProvisioningSettings;
import dev.thingbridge.twin.provisioning.ProvisioningTemplate;
import dev.thingbridge.twin.provisioning.TwinCertificate;
import dev.thingbridge.twin.things.ThingRegistry;
import dev.thingbridge.twin.things.ThingsService;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.KeyPair;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.bouncycastle.asn1.x500.X500Name;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Fleet provisioning by claim and Device Defender, device side (thingbridge's own clients) against the twin,
 * over a transport the subclass chooses: the in-process bus, or a real Mosquitto whose TLS is rooted in the
 * twin's CA, where a provisioned device then reconnects with the certificate it received.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@Timeout(value = 120, unit = TimeUnit.SECONDS)
abstract class ProvisioningEndToEnd {
  static final Instant START = Instant.parse("2023-11-14T22:13:20Z");
  static final String TEMPLATE = "FleetTpl";

  /** How the device and the twin meet. */
  interface Setup extends AutoCloseable {
    /** The twin's connection. */
    MqttClient twinClient() throws Exception;

    /** A device connected with claim credentials. */
    MqttClient claimDevice(String clientId) throws Exception;

    /** A connection with the credentials provisioning gave ({@code keyFile} holds the key); null if not checked. */
    MqttClient reconnect(String clientId, Path certificateFile, Path keyFile) throws Exception;

    @Override
    void close();
  }

  /** The device configuration as a device declares it. */
  record Config(String region, String fallbackUrl) {}

  Path dir;
  final SteppedClock clock = new SteppedClock(START);
  CertificateAuthority ca;
  Setup setup;
  Twin twin;
  ProvisioningService provisioning;
  ThingsService things;
  final List<AutoCloseable> owned = new ArrayList<>();
  private int devices;

  /** The transport; {@code ca} is the twin's CA, made before the broker starts. */
  abstract Setup createSetup(Path dir, CertificateAuthority ca) throws Exception;

  @BeforeAll
  void start(@TempDir Path tempDir) throws Exception {
    dir = tempDir;
    ca = CertificateAuthority.inDirectory(dir.resolve("state"), java.time.Clock.systemUTC()); // real validity for TLS
    setup = createSetup(dir, ca);
    ThingRegistry registry = new ThingRegistry();
    things = new ThingsService(registry);
    provisioning = new ProvisioningService(things, ca,
        ProvisioningSettings.DEFAULTS.withRsaKeys(false).withHookTimeout(Duration.ofSeconds(2)),
        PreProvisioningHook::forTarget);
    twin = Twin.builder(setup.twinClient()).clock(clock).tickInterval(Duration.ofHours(1)).service(things)
        .service(provisioning).service(new DefenderService()).build();
    twin.start().get(10, TimeUnit.SECONDS);
    String template = "{\"Parameters\":{\"Serial\":{\"Type\":\"String\",\"AllowedPattern\":\"SN-[0-9]+\"},"
        + "\"Region\":{\"Default\":\"eu\"}},"
        + "\"Resources\":{\"thing\":{\"Type\":\"AWS::IoT::Thing\",\"Properties\":{\"ThingName\":"
        + "{\"Fn::Sub\":\"Device-${Serial}\"},\"AttributePayload\":{\"serial\":{\"Ref\":\"Serial\"}}}},"
        + "\"certificate\":{\"Type\":\"AWS::IoT::Certificate\",\"Properties\":{\"CertificateId\":"
        + "{\"Ref\":\"AWS::IoT::Certificate::Id\"},\"Status\":\"ACTIVE\"}},"
        + "\"policy\":{\"Type\":\"AWS::IoT::Policy\",\"Properties\":{\"PolicyName\":\"DevicePolicy\"}}},"
        + "\"DeviceConfiguration\":{\"region\":{\"Ref\":\"Region\"},\"fallbackUrl\":\"https://example.com/fb\"}}";
    provisioning.createProvisioningTemplate(new ProvisioningService.TemplateRequest(TEMPLATE, template, true, null,
        null, null));
    Path deny = Files.writeString(dir.resolve("deny.sh"), "#!/bin/sh\necho '{\"allowProvisioning\":false}'\n");
    Files.setPosixFilePermissions(deny, PosixFilePermissions.fromString("rwx------"));
    provisioning.createProvisioningTemplate(new ProvisioningService.TemplateRequest("Guarded", template, true, null,
        new ProvisioningTemplate.Hook(deny.toString(), "2020-04-01"), null));
  }

  @AfterAll
  void stop() throws Exception {
    for (int i = owned.size() - 1; i >= 0; i--) {
      owned.get(i).close();
    }
    if (twin != null) {
      twin.close();
    }
    if (provisioning != null) {
      provisioning.close();
    }
    if (setup != null) {
      setup.close();
    }
  }

  <T extends AutoCloseable> T own(T c) {
    owned.add(c);
    return c;
  }

  private FleetProvisioner.Builder provisioner(MqttClient device, String template, String serial) {
    return FleetProvisioner.builder(device, template).parameter("Serial", serial).stepTimeout(Duration.ofSeconds(10))
        .retryPolicy(RetryPolicy.NONE);
  }

  private String nextSerial() {
    return "SN-" + (++devices);
  }

  /** Provisions one device and proves its new certificate by a Defender round trip. */
  private void provisionsAndReconnects(PayloadFormat format, CertificateSource source, KeyPair ownKey) throws Exception {
    String serial = nextSerial();
    MqttClient claim = own(setup.claimDevice("claim-" + serial));
    Path creds = dir.resolve("device-" + serial);
    FileCredentialStore store = new FileCredentialStore(creds);
    ProvisioningResult<Config> result;
    try (FleetProvisioner p = provisioner(claim, TEMPLATE, serial).format(format).certificateSource(source)
        .credentialStore(store).build()) {
      result = p.provision(Config.class).get(60, TimeUnit.SECONDS);
    }
    claim.close();
    String thing = "Device-" + serial;
    assertThat(result.thingName()).isEqualTo(thing);
    assertThat(result.deviceConfiguration()).contains(new Config("eu", "https://example.com/fb"));
    TwinCertificate cert = provisioning.describeCertificate(result.certificateId());
    assertThat(cert.status()).isEqualTo(CertificateStatus.ACTIVE);
    assertThat(cert.thingName()).isEqualTo(thing);
    assertThat(things.describeThing(thing).attributes()).containsEntry("serial", serial);
    Pki.readCertificate(Files.readString(store.certificateFile())).verify(ca.certificate().getPublicKey());
    Path keyFile = store.privateKeyFile();
    if (ownKey != null) {
      assertThat(keyFile).doesNotExist();
      keyFile = Files.writeString(creds.resolve("own.key"), Pki.privateKeyPem(ownKey));
    } else {
      assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(keyFile))).isEqualTo("rw-------");
    }
    MqttClient device = setup.reconnect(thing, store.certificateFile(), keyFile);
    if (device != null) {
      own(device);
      try (DefenderReporter reporter = DefenderReporter.builder(device).thing(thing).format(format).build()) {
        assertThat(reporter.publish(thing, new MetricsSnapshot(null, Map.of("boots", CustomMetric.number(1))))
            .get(20, TimeUnit.SECONDS).thingName()).isEqualTo(thing);
      }
    }
  }

  @Test
  void provisions_with_keys_from_the_cloud_in_json_and_reconnects_with_them() throws Exception {
    provisionsAndReconnects(PayloadFormat.JSON, CertificateSource.cloudKeys(), null);
  }

  @Test
  void provisions_with_keys_from_the_cloud_in_cbor_and_reconnects_with_them() throws Exception {
    provisionsAndReconnects(PayloadFormat.CBOR, CertificateSource.cloudKeys(), null);
  }

  @Test
  void provisions_with_an_ec_key_made_on_the_device_in_cbor() throws Exception {
    provisionsAndReconnects(PayloadFormat.CBOR, CertificateSource.generatedKey(KeyAlgorithm.EC_P256), null);
  }

  @Test
  void provisions_with_an_rsa_key_made_on_the_device_in_json() throws Exception {
    provisionsAndReconnects(PayloadFormat.JSON, CertificateSource.generatedKey(KeyAlgorithm.RSA_2048), null);
  }

  @Test
  void provisions_with_the_users_own_csr_and_never_touches_the_key() throws Exception {
    KeyPair own = Pki.newEcP256();
    provisionsAndReconnects(PayloadFormat.JSON,
        CertificateSource.csr(Pki.csrPem(Pki.newCsr(own, new X500Name("CN=secure-element")))), own);
  }

  @Test
  void a_device_provisions_with_the_temporary_claim_a_trusted_user_asked_for() throws Exception {
    // Provisioning by trusted user: CreateProvisioningClaim, then the same flow by claim with that certificate.
    ProvisioningService.Claim claim = provisioning.createProvisioningClaim(TEMPLATE);
    Path claimDir = Files.createDirectories(dir.resolve("trusted-claim"));
    Path cert = Files.writeString(claimDir.resolve("claim.pem"), claim.issued().certificate().certificatePem());
    Path key = Files.writeString(claimDir.resolve("claim.key"), claim.issued().privateKeyPem());
    MqttClient withClaim = setup.reconnect("trusted-claim", cert, key); // over TLS: the broker checks it
    String serial = nextSerial();
    MqttClient device = own(withClaim != null ? withClaim : setup.claimDevice("trusted-claim"));
    ProvisioningResult<Config> result;
    try (FleetProvisioner p = provisioner(device, TEMPLATE, serial).build()) {
      result = p.provision(Config.class).get(60, TimeUnit.SECONDS);
    }
    assertThat(result.thingName()).isEqualTo("Device-" + serial);
    assertThat(provisioning.describeCertificate(result.certificateId()).status()).isEqualTo(CertificateStatus.ACTIVE);
    assertThat(provisioning.describeCertificate(claim.issued().certificate().certificateId()).thingName()).isNull();
  }

  @Test
  void a_provisioned_device_rotates_its_certificate_over_its_own_connection() throws Exception {
    String serial = nextSerial();
    String thing = "Device-" + serial;
    FileCredentialStore first = new FileCredentialStore(dir.resolve("rotation-1-" + serial));
    ProvisioningResult<Config> original = provisionWithOwnKey(setup.claimDevice("claim-" + serial), serial, first);
    MqttClient current = setup.reconnect(thing, first.certificateFile(), first.privateKeyFile());
    current = own(current != null ? current : setup.claimDevice(thing));
    // Rotation: the same flow over the device's own connection, into a new directory, so the key in use is
    // never overwritten before the new certificate has proved itself.
    FileCredentialStore next = new FileCredentialStore(dir.resolve("rotation-2-" + serial));
    ProvisioningResult<Config> rotated = provisionWithOwnKey(current, serial, next);
    assertThat(rotated.thingName()).isEqualTo(thing);
    assertThat(rotated.certificateId()).isNotEqualTo(original.certificateId());
    assertThat(provisioning.listThingPrincipals(thing)).hasSize(2);
    assertThat(Files.readString(first.privateKeyFile())).isEqualTo(original.credentials().privateKeyPem());
    MqttClient proved = setup.reconnect(thing + "-rotated", next.certificateFile(), next.privateKeyFile());
    if (proved != null) {
      own(proved);
      try (DefenderReporter reporter = DefenderReporter.builder(proved).thing(thing).build()) {
        assertThat(reporter.publish(thing, new MetricsSnapshot(null, Map.of("rotations", CustomMetric.number(1))))
            .get(20, TimeUnit.SECONDS).thingName()).isEqualTo(thing);
      }
    }
    provisioning.updateCertificate(original.certificateId(), CertificateStatus.INACTIVE); // the cloud retires it
    assertThat(provisioning.describeCertificate(rotated.certificateId()).status()).isEqualTo(CertificateStatus.ACTIVE);
    assertThat(provisioning.describeCertificate(original.certificateId()).status()).isEqualTo(CertificateStatus.INACTIVE);
  }

  private ProvisioningResult<Config> provisionWithOwnKey(MqttClient connection, String serial, FileCredentialStore store)
      throws Exception {
    own(connection);
    try (FleetProvisioner p = provisioner(connection, TEMPLATE, serial)
        .certificateSource(CertificateSource.generatedKey(KeyAlgorithm.EC_P256)).credentialStore(store).build()) {
      return p.provision(Config.class).get(60, TimeUnit.SECONDS);
    }
  }

  @Test
  void a_template_that_refuses_the_parameters_rejects_and_the_credentials_stay() throws Exception {
    MqttClient claim = own(setup.claimDevice("claim-bad"));
    FileCredentialStore store = new FileCredentialStore(dir.resolve("bad"));
    Throwable e;
    try (FleetProvisioner p = provisioner(claim, TEMPLATE, "not-a-serial").credentialStore(store).build()) {
      e = catchThrowable(() -> p.provision().get(30, TimeUnit.SECONDS));
    }
    ProvisioningRejectedException r = rejected(e);
    assertThat(r.statusCode()).isEqualTo(400);
    assertThat(r.errorCode()).isEqualTo("InvalidParameters");
    assertThat(r.errorMessage()).contains("AllowedPattern");
    assertThat(store.certificateFile()).exists();
    String id = Pki.certificateId(Pki.readCertificate(Files.readString(store.certificateFile())));
    assertThat(provisioning.describeCertificate(id).status()).isEqualTo(CertificateStatus.PENDING_ACTIVATION);
  }

  @Test
  void a_hook_that_denies_rejects_with_access_denied() throws Exception {
    MqttClient claim = own(setup.claimDevice("claim-hook"));
    Throwable e;
    try (FleetProvisioner p = provisioner(claim, "Guarded", nextSerial()).format(PayloadFormat.CBOR).build()) {
      e = catchThrowable(() -> p.provision().get(30, TimeUnit.SECONDS));
    }
    ProvisioningRejectedException r = rejected(e);
    assertThat(r.statusCode()).isEqualTo(403);
    assertThat(r.errorCode()).isEqualTo("AccessDenied");
  }

  @Test
  void an_ownership_token_older_than_an_hour_is_refused_and_its_certificate_deleted() throws Exception {
    MqttClient claim = own(setup.claimDevice("claim-late"));
    try (FleetProvisioner p = provisioner(claim, TEMPLATE, nextSerial()).build()) {
      FleetProvisioner.Issued issued = p.issueCertificate().get(30, TimeUnit.SECONDS);
      clock.advance(Duration.ofMinutes(61));
      ProvisioningRejectedException r = rejected(catchThrowable(() ->
          p.registerThing(issued.certificate().ownershipToken()).get(30, TimeUnit.SECONDS)));
      assertThat(r.errorCode()).isEqualTo("InvalidCertificateOwnershipToken");
      assertThat(r.errorMessage()).contains("expired");
      twin.tickNow();
      assertThat(provisioning.listCertificates()).extracting(TwinCertificate::certificateId)
          .doesNotContain(issued.certificate().certificateId());
    }
  }

  @Test
  void two_devices_provisioning_at_once_on_one_broker_each_get_their_own_certificate() throws Exception {
    List<CompletableFuture<ProvisioningResult<Config>>> results = new ArrayList<>();
    List<FleetProvisioner> provisioners = new ArrayList<>();
    for (int i = 0; i < 2; i++) {
      MqttClient claim = own(setup.claimDevice("claim-pair-" + i));
      FleetProvisioner p = own(provisioner(claim, TEMPLATE, nextSerial())
          .certificateSource(i == 0 ? CertificateSource.cloudKeys() : CertificateSource.generatedKey(KeyAlgorithm.EC_P256))
          .build());
      provisioners.add(p);
    }
    for (FleetProvisioner p : provisioners) {
      results.add(p.provision(Config.class));
    }
    ProvisioningResult<Config> a = results.get(0).get(60, TimeUnit.SECONDS);
    ProvisioningResult<Config> b = results.get(1).get(60, TimeUnit.SECONDS);
    assertThat(a.thingName()).isNotEqualTo(b.thingName());
    assertThat(a.certificateId()).isNotEqualTo(b.certificateId());
    for (ProvisioningResult<Config> r : List.of(a, b)) {
      assertThat(keyFitsCertificate(r.credentials().privateKeyPem(), r.credentials().certificatePem())).isTrue();
      assertThat(provisioning.describeCertificate(r.certificateId()).thingName()).isEqualTo(r.thingName());
    }
  }

  @Test
  void defender_reports_are_accepted_and_a_reused_id_is_rejected() throws Exception {
    MqttClient gateway = own(setup.claimDevice("gw-defender"));
    try (DefenderReporter reporter = DefenderReporter.builder(gateway).format(PayloadFormat.CBOR).build()) {
      MetricsReport report = MetricsReport.of(ReportHeader.of(START.toEpochMilli()),
          Map.of("temp_c", CustomMetric.number(21)));
      assertThat(reporter.publish("mcu-9", report).get(20, TimeUnit.SECONDS).reportId())
          .isEqualTo(START.toEpochMilli());
      Throwable t = catchThrowable(() -> reporter.publish("mcu-9", report).get(20, TimeUnit.SECONDS));
      assertThat(t).isInstanceOf(ExecutionException.class).cause().isInstanceOf(DefenderRejectedException.class);
      assertThat(((DefenderRejectedException) t.getCause()).code()).isEqualTo(DefenderErrorCode.INVALID_PAYLOAD);
    }
  }

  static boolean keyFitsCertificate(String keyPem, String certificatePem) throws Exception {
    java.security.PrivateKey key = Pki.readPrivateKey(keyPem);
    String algorithm = key.getAlgorithm().equals("EC") ? "SHA256withECDSA" : "SHA256withRSA";
    java.security.Signature sign = java.security.Signature.getInstance(algorithm);
    sign.initSign(key);
    sign.update(new byte[] {1, 2, 3});
    byte[] signature = sign.sign();
    java.security.Signature verify = java.security.Signature.getInstance(algorithm);
    verify.initVerify(Pki.readCertificate(certificatePem).getPublicKey());
    verify.update(new byte[] {1, 2, 3});
    return verify.verify(signature);
  }

  private static ProvisioningRejectedException rejected(Throwable e) {
    assertThat(e).isInstanceOf(ExecutionException.class).cause().isInstanceOf(ProvisioningRejectedException.class);
    return (ProvisioningRejectedException) e.getCause();
  }
}
