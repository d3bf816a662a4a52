package dev.thingbridge.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import dev.thingbridge.internal.Pki;
import dev.thingbridge.mqtt.crt.CrtMqttClient;
import dev.thingbridge.mqtt.crt.CrtMqttOptions;
import dev.thingbridge.testing.ConnectedLatch;
import dev.thingbridge.testing.Mosquitto;
import dev.thingbridge.twin.Twin;
import dev.thingbridge.twin.provisioning.CertificateAuthority;
import dev.thingbridge.twin.provisioning.CertificateStatus;
import dev.thingbridge.twin.provisioning.PreProvisioningHook;
import dev.thingbridge.twin.provisioning.ProvisioningService;
import dev.thingbridge.twin.provisioning.ProvisioningSettings;
import dev.thingbridge.twin.things.ThingRegistry;
import dev.thingbridge.twin.things.ThingsService;
import java.nio.file.Path;
import java.security.KeyPair;
import java.time.Clock;
import java.time.Duration;
import java.util.HashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.bouncycastle.asn1.x500.X500Name;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.crt.io.SocketOptions;
import software.amazon.awssdk.crt.iot.MqttRequestResponseClientOptions;
import software.amazon.awssdk.crt.mqtt5.Mqtt5Client;
import software.amazon.awssdk.crt.mqtt5.Mqtt5ClientOptions;
import software.amazon.awssdk.crt.mqtt5.packets.ConnectPacket;
import software.amazon.awssdk.iot.iotidentity.IotIdentityV2Client;
import software.amazon.awssdk.iot.iotidentity.model.CreateCertificateFromCsrRequest;
import software.amazon.awssdk.iot.iotidentity.model.CreateCertificateFromCsrResponse;
import software.amazon.awssdk.iot.iotidentity.model.CreateKeysAndCertificateRequest;
import software.amazon.awssdk.iot.iotidentity.model.CreateKeysAndCertificateResponse;
import software.amazon.awssdk.iot.iotidentity.model.RegisterThingRequest;
import software.amazon.awssdk.iot.iotidentity.model.RegisterThingResponse;
import software.amazon.awssdk.iot.iotidentity.model.V2ErrorResponseException;

/**
 * aws-iot-device-sdk 1.30.1's {@code IotIdentityV2Client} (on a CRT {@code Mqtt5Client}) provisions against the
 * twin on a real Mosquitto: a client we did not write checks the twin's topics and payloads.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class ProvisioningDeviceSdkTest {
  private static final Duration WAIT = Duration.ofSeconds(20);
  @TempDir static Path dir;
  private static Mosquitto broker;
  private static CrtMqttClient twinClient;
  private static ProvisioningService provisioning;
  private static Twin twin;
  private static Mqtt5Client sdkMqtt;
  private static IotIdentityV2Client identity;

  @BeforeAll
  static void start() throws Exception {
    broker = Mosquitto.plain(dir.resolve("broker"));
    twinClient = CrtMqttClient.connect(CrtMqttOptions.builder(broker.endpoint(), "thingbridge-twin").build(), WAIT);
    ThingRegistry registry = new ThingRegistry();
    ThingsService things = new ThingsService(registry);
    provisioning = new ProvisioningService(things, CertificateAuthority.ephemeral(Clock.systemUTC()),
        ProvisioningSettings.DEFAULTS, PreProvisioningHook::forTarget);
    twin = Twin.builder(twinClient).service(things).service(provisioning).build();
    twin.start().get(10, TimeUnit.SECONDS);
    provisioning.createProvisioningTemplate(new ProvisioningService.TemplateRequest("SdkTpl",
        "{\"Parameters\":{\"SerialNumber\":{\"Type\":\"String\"}},\"Resources\":{"
            + "\"thing\":{\"Type\":\"AWS::IoT::Thing\",\"Properties\":{\"ThingName\":{\"Fn::Join\":[\"\",[\"sdk-\","
            + "{\"Ref\":\"SerialNumber\"}]]}}},"
            + "\"certificate\":{\"Type\":\"AWS::IoT::Certificate\",\"Properties\":{\"CertificateId\":"
            + "{\"Ref\":\"AWS::IoT::Certificate::Id\"},\"Status\":\"ACTIVE\"}}},"
            + "\"DeviceConfiguration\":{\"FallbackUrl\":\"https://example.com/fallback\"}}", true, null, null, null));
    ConnectedLatch connected = new ConnectedLatch();
    SocketOptions socket = new SocketOptions();
    socket.connectTimeoutMs = 5_000;
    socket.tcpNoDelay = SocketOptions.TcpNoDelay.ON;
    sdkMqtt = new Mqtt5Client(new Mqtt5ClientOptions.Mqtt5ClientOptionsBuilder("127.0.0.1", (long) broker.port())
        .withSocketOptions(socket)
        .withConnectOptions(new ConnectPacket.ConnectPacketBuilder().withClientId("sdk-claim").build())
        .withLifecycleEvents(connected).build());
    sdkMqtt.start();
    assertThat(connected.await(WAIT)).isTrue();
    identity = IotIdentityV2Client.newFromMqtt5(sdkMqtt, MqttRequestResponseClientOptions.builder()
        .withMaxRequestResponseSubscriptions(4).withMaxStreamingSubscriptions(2)
        .withOperationTimeoutSeconds((int) WAIT.toSeconds()).build());
  }

  @AfterAll
  static void stop() {
    if (identity != null) {
      identity.close();
    }
    if (sdkMqtt != null) {
      sdkMqtt.stop();
      sdkMqtt.close();
    }
    if (twin != null) {
      twin.close();
    }
    if (provisioning != null) {
      provisioning.close();
    }
    if (twinClient != null) {
      twinClient.close();
    }
    if (broker != null) {
      broker.close();
    }
  }

  private static RegisterThingRequest register(String token, String serial) {
    RegisterThingRequest r = new RegisterThingRequest();
    r.templateName = "SdkTpl";
    r.certificateOwnershipToken = token;
    r.parameters = new HashMap<>();
    if (serial != null) {
      r.parameters.put("SerialNumber", serial);
    }
    return r;
  }

  @Test
  void create_keys_and_certificate_then_register_thing() throws Exception {
    CreateKeysAndCertificateResponse keys = identity.createKeysAndCertificate(new CreateKeysAndCertificateRequest())
        .get(WAIT.toSeconds(), TimeUnit.SECONDS);
    assertThat(keys.certificateId).matches("[0-9a-f]{64}");
    assertThat(keys.privateKey).startsWith("-----BEGIN RSA PRIVATE KEY-----");
    assertThat(ProvisioningEndToEnd.keyFitsCertificate(keys.privateKey, keys.certificatePem)).isTrue();
    RegisterThingResponse r = identity.registerThing(register(keys.certificateOwnershipToken, "001"))
        .get(WAIT.toSeconds(), TimeUnit.SECONDS);
    assertThat(r.thingName).isEqualTo("sdk-001");
    assertThat(r.deviceConfiguration).containsEntry("FallbackUrl", "https://example.com/fallback");
    assertThat(provisioning.describeCertificate(keys.certificateId).status()).isEqualTo(CertificateStatus.ACTIVE);
  }

  @Test
  void create_certificate_from_csr_then_register_thing() throws Exception {
    KeyPair own = Pki.newEcP256();
    CreateCertificateFromCsrRequest csr = new CreateCertificateFromCsrRequest();
    csr.certificateSigningRequest = Pki.csrPem(Pki.newCsr(own, new X500Name("CN=sdk")));
    CreateCertificateFromCsrResponse c = identity.createCertificateFromCsr(csr).get(WAIT.toSeconds(), TimeUnit.SECONDS);
    assertThat(Pki.readCertificate(c.certificatePem).getPublicKey()).isEqualTo(own.getPublic());
    assertThat(identity.registerThing(register(c.certificateOwnershipToken, "002")).get(WAIT.toSeconds(),
        TimeUnit.SECONDS).thingName).isEqualTo("sdk-002");
  }

  @Test
  void rejections_reach_the_sdk_as_its_modeled_error() throws Exception {
    Throwable t = catchThrowable(() -> identity.registerThing(register("forged-token", "003"))
        .get(WAIT.toSeconds(), TimeUnit.SECONDS));
    assertThat(t).isInstanceOf(ExecutionException.class).cause().isInstanceOf(V2ErrorResponseException.class);
    var error = ((V2ErrorResponseException) t.getCause()).getModeledError();
    assertThat(error.statusCode).isEqualTo(400);
    assertThat(error.errorCode).isEqualTo("InvalidCertificateOwnershipToken");
    assertThat(error.errorMessage).contains("invalid");
  }
}
