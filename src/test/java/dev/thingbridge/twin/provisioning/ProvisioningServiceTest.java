package dev.thingbridge.twin.provisioning;

import static dev.thingbridge.twin.provisioning.ProvisioningTwinRig.body;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.thingbridge.internal.Pki;
import dev.thingbridge.mqtt.MessageProperties;
import dev.thingbridge.mqtt.MqttMessage;
import dev.thingbridge.mqtt.PayloadFormat;
import dev.thingbridge.mqtt.QoS;
import dev.thingbridge.mqtt.Subscription;
import dev.thingbridge.twin.http.AwsApiException;
import java.security.KeyPair;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.bouncycastle.asn1.x500.X500Name;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

class ProvisioningServiceTest {
  private ProvisioningTwinRig rig;

  @AfterEach
  void close() {
    if (rig != null) {
      rig.close();
    }
  }

  private ProvisioningTwinRig rig() throws Exception {
    rig = new ProvisioningTwinRig();
    return rig;
  }

  private static byte[] cbor(JsonNode n) {
    return PayloadFormat.CBOR.write(n);
  }

  private static String register(String token, String serial) {
    return "{\"certificateOwnershipToken\":\"" + token + "\"" + (serial == null ? "" : ",\"parameters\":{\"Serial\":\"" + serial + "\"}") + "}";
  }

  private static void assertRejected(MqttMessage m, int status, String code, String message) {
    assertThat(m.topic()).endsWith("/rejected");
    JsonNode b = body(m);
    assertThat(b.get("statusCode").asInt()).isEqualTo(status);
    assertThat(b.get("errorCode").asText()).isEqualTo(code);
    assertThat(b.get("errorMessage").asText()).contains(message);
  }

  @ParameterizedTest
  @EnumSource(PayloadFormat.class)
  void create_keys_and_certificate_issues_a_pending_certificate_signed_by_the_twin_ca(PayloadFormat f) throws Exception {
    rig();
    for (byte[] payload : new byte[][] {new byte[0], f.write(f.mapper().createObjectNode())}) {
      MqttMessage m = rig.request("$aws/certificates/create/" + f.suffix(), payload);
      assertThat(m.topic()).isEqualTo("$aws/certificates/create/" + f.suffix() + "/accepted");
      JsonNode b = f.readTree(m.payload());
      X509Certificate cert = Pki.readCertificate(b.get("certificatePem").asText());
      cert.verify(rig.ca.certificate().getPublicKey());
      assertThat(b.get("certificateId").asText()).matches("[0-9a-f]{64}").isEqualTo(Pki.certificateId(cert));
      assertThat(Pki.readPrivateKey(b.get("privateKey").asText())).isNotNull();
      assertThat(b.get("certificateOwnershipToken").asText()).hasSizeBetween(1, 512);
      assertThat(rig.provisioning.describeCertificate(b.get("certificateId").asText()).status())
          .isEqualTo(CertificateStatus.PENDING_ACTIVATION);
    }
  }

  @ParameterizedTest
  @EnumSource(PayloadFormat.class)
  void create_from_csr_certifies_the_csr_key_and_refuses_bad_requests(PayloadFormat f) throws Exception {
    rig();
    KeyPair keys = Pki.newEcP256();
    String csr = Pki.csrPem(Pki.newCsr(keys, new X500Name("CN=x")));
    String topic = "$aws/certificates/create-from-csr/" + f.suffix();
    MqttMessage m = rig.request(topic, f.write(f.mapper().createObjectNode().put("certificateSigningRequest", csr)));
    JsonNode b = f.readTree(m.payload());
    assertThat(Pki.readCertificate(b.get("certificatePem").asText()).getPublicKey()).isEqualTo(keys.getPublic());
    assertThat(b.has("privateKey")).isFalse();
    assertRejected(rig.request(topic, f.write(f.mapper().createObjectNode())), 400, "InvalidPayload", "required");
    assertRejected(rig.request(topic, f.write(f.mapper().createObjectNode().put("certificateSigningRequest", "junk"))),
        400, "InvalidPayload", "not a valid CSR");
    assertRejected(rig.request(topic, new byte[] {(byte) 0xff, 0x00, 0x7b}), 400, "InvalidPayload", "not valid");
  }

  @ParameterizedTest
  @EnumSource(PayloadFormat.class)
  void register_thing_creates_the_thing_activates_the_certificate_and_returns_the_configuration(PayloadFormat f)
      throws Exception {
    rig().createTemplate("FleetTpl");
    JsonNode created = rig.createKeys();
    String token = created.get("certificateOwnershipToken").asText();
    String id = created.get("certificateId").asText();
    var req = f.mapper().createObjectNode().put("certificateOwnershipToken", token);
    req.putObject("parameters").put("Serial", "SN-7");
    String topic = "$aws/provisioning-templates/FleetTpl/provision/" + f.suffix();
    MqttMessage m = rig.request(topic, f.write(req));
    assertThat(m.topic()).isEqualTo(topic + "/accepted");
    JsonNode b = f.readTree(m.payload());
    assertThat(b.get("thingName").asText()).isEqualTo("Device-SN-7");
    assertThat(b.get("deviceConfiguration")).isEqualTo(f.mapper().createObjectNode().put("region", "eu")
        .put("fallbackUrl", "https://example.com/fallback"));
    TwinCertificate cert = rig.provisioning.describeCertificate(id);
    assertThat(cert.status()).isEqualTo(CertificateStatus.ACTIVE);
    assertThat(cert.thingName()).isEqualTo("Device-SN-7");
    assertThat(cert.policyNames()).containsExactly("DevicePolicy");
    assertThat(rig.things.describeThing("Device-SN-7").attributes()).containsEntry("serial", "SN-7");
    assertThat(rig.provisioning.listThingPrincipals("Device-SN-7")).containsExactly(cert.certificateArn());
    // The same request again (a device that lost the reply) gets the same answer.
    assertThat(f.readTree(rig.request(topic, f.write(req)).payload())).isEqualTo(b);
  }

  @Test
  void register_thing_refuses_bad_tokens_missing_and_disabled_templates_and_bad_parameters() throws Exception {
    rig().createTemplate("FleetTpl");
    rig.createTemplate("Off", false, null);
    String token = rig.createKeys().get("certificateOwnershipToken").asText();
    String topic = "$aws/provisioning-templates/FleetTpl/provision/json";
    assertRejected(rig.request(topic, "{}"), 400, "InvalidCertificateOwnershipToken", "cannot be empty");
    assertRejected(rig.request(topic, register("forged", "1")), 400, "InvalidCertificateOwnershipToken", "invalid");
    assertRejected(rig.request("$aws/provisioning-templates/Nope/provision/json", register(token, "1")), 404,
        "ResourceNotFoundException", "Nope");
    assertRejected(rig.request("$aws/provisioning-templates/Off/provision/json", register(token, "1")), 400,
        "InvalidRequestException", "disabled");
    assertRejected(rig.request(topic, register(token, null)), 400, "InvalidParameters", "Serial is required");
    assertRejected(rig.request(topic, register(token, "bad name!")), 400, "InvalidParameters", "Thing name");
    assertRejected(rig.request(topic, "{\"certificateOwnershipToken\":\"" + token + "\",\"parameters\":[1]}"), 400,
        "InvalidPayload", "parameters");
    assertRejected(rig.request(topic, "not json"), 400, "InvalidPayload", "not valid json");
    // None of these left a trace; the token still works.
    assertThat(rig.request(topic, register(token, "ok")).topic()).endsWith("/accepted");
  }

  @Test
  void tokens_expire_after_an_hour_and_unregistered_certificates_are_then_deleted() throws Exception {
    rig().createTemplate("FleetTpl");
    JsonNode created = rig.createKeys();
    String token = created.get("certificateOwnershipToken").asText();
    rig.clock.advance(Duration.ofMinutes(59));
    rig.twin.tickNow();
    assertThat(rig.provisioning.listCertificates()).hasSize(1);
    rig.clock.advance(Duration.ofMinutes(1));
    assertRejected(rig.request("$aws/provisioning-templates/FleetTpl/provision/json", register(token, "1")), 400,
        "InvalidCertificateOwnershipToken", "expired");
    rig.twin.tickNow();
    assertThat(rig.provisioning.listCertificates()).isEmpty();
    assertRejected(rig.request("$aws/provisioning-templates/FleetTpl/provision/json", register(token, "1")), 400,
        "InvalidCertificateOwnershipToken", "invalid");
  }

  @Test
  void replies_echo_the_correlation_data_and_unknown_formats_get_no_answer() throws Exception {
    rig();
    byte[] correlation = {9, 8, 7};
    MqttMessage m = rig.request("$aws/certificates/create/json", new byte[0],
        MessageProperties.builder().correlationData(correlation).build());
    assertThat(m.properties().correlationData()).hasValueSatisfying(c -> assertThat(c).containsExactly(9, 8, 7));
    try (Subscription s = rig.device.subscribe("$aws/certificates/create/xml/+", QoS.AT_LEAST_ONCE).get(5, TimeUnit.SECONDS)) {
      rig.device.publish("$aws/certificates/create/xml", new byte[0], QoS.AT_LEAST_ONCE, false).get(5, TimeUnit.SECONDS);
      assertThat(catchTimeout(s)).isTrue();
    }
  }

  private static boolean catchTimeout(Subscription s) throws InterruptedException {
    try {
      s.next(Duration.ofMillis(300));
      return false;
    } catch (dev.thingbridge.mqtt.MqttTimeoutException e) {
      return true;
    }
  }

  @Test
  void requests_over_the_rate_limit_are_throttled() throws Exception {
    rig = new ProvisioningTwinRig(ProvisioningSettings.DEFAULTS.withRsaKeys(false).withMaxRequestsPerSecond(1),
        PreProvisioningHook::forTarget);
    assertThat(rig.request("$aws/certificates/create/json", new byte[0]).topic()).endsWith("/accepted");
    assertRejected(rig.request("$aws/certificates/create/cbor", new byte[0]), 429, "ThrottlingException", "Rate");
    rig.clock.advance(Duration.ofSeconds(1));
    assertThat(rig.request("$aws/certificates/create/json", new byte[0]).topic()).endsWith("/accepted");
  }

  @Test
  void rsa_keys_are_what_aws_hands_out_by_default() throws Exception {
    rig = new ProvisioningTwinRig(ProvisioningSettings.DEFAULTS, PreProvisioningHook::forTarget);
    JsonNode b = rig.createKeys();
    assertThat(b.get("privateKey").asText()).startsWith("-----BEGIN RSA PRIVATE KEY-----");
    assertThat(ProvisioningSettings.DEFAULTS.tokenLifetime()).isEqualTo(Duration.ofHours(1));
    assertThat(ProvisioningSettings.DEFAULTS.hookTimeout()).isEqualTo(Duration.ofSeconds(5));
  }

  @Test
  void control_plane_templates_and_certificates() throws Exception {
    rig().createTemplate("FleetTpl");
    assertThat(rig.provisioning.describeProvisioningTemplate("FleetTpl").templateArn())
        .isEqualTo("arn:aws:iot:us-east-1:123456789012:provisioningtemplate/FleetTpl");
    assertThat(org.assertj.core.api.Assertions.catchThrowable(() -> rig.createTemplate("FleetTpl")))
        .isInstanceOfSatisfying(AwsApiException.class, e -> assertThat(e.status()).isEqualTo(409));
    assertThat(org.assertj.core.api.Assertions.catchThrowable(() -> rig.provisioning.createProvisioningTemplate(
        new ProvisioningService.TemplateRequest("x".repeat(37), ProvisioningTwinRig.template(), true, null, null, null))))
        .isInstanceOfSatisfying(AwsApiException.class, e -> assertThat(e.type()).isEqualTo("InvalidRequestException"));
    assertThat(org.assertj.core.api.Assertions.catchThrowable(() -> rig.createTemplate("Lambda", true,
        new ProvisioningTemplate.Hook("arn:aws:lambda:us-east-1:123456789012:function:hook", "2020-04-01"))))
        .hasMessageContaining("not a Lambda ARN");
    ProvisioningService.Issued claim = rig.provisioning.createKeysAndCertificate(true);
    assertThat(claim.certificate().status()).isEqualTo(CertificateStatus.ACTIVE);
    assertThat(rig.provisioning.updateCertificate(claim.certificate().certificateId(), CertificateStatus.REVOKED)
        .status()).isEqualTo(CertificateStatus.REVOKED);
    rig.provisioning.deleteProvisioningTemplate("FleetTpl");
    assertThat(rig.provisioning.listProvisioningTemplates()).isEmpty();
  }

}
