package dev.thingbridge.provisioning;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import dev.thingbridge.mqtt.PayloadFormat;
import dev.thingbridge.provisioning.ProvisioningTopics.Kind;
import dev.thingbridge.provisioning.ProvisioningTopics.Operation;
import dev.thingbridge.provisioning.ProvisioningTopics.Parsed;
import java.nio.charset.StandardCharsets;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

class ProvisioningTopicsAndCodecTest {
  private static final String PEM = "-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----\n";

  private static byte[] utf8(String s) {
    return s.getBytes(StandardCharsets.UTF_8);
  }

  @Test
  void register_request_carries_token_and_parameters_and_leaves_out_empty_parameters() {
    // PRV-T1
    assertThat(new String(ProvisioningCodec.encodeRegisterThing(
        new RegisterThingRequest("tok-xyz", Map.of("serial", "SN-001")), PayloadFormat.JSON), StandardCharsets.UTF_8))
        .isEqualTo("{\"certificateOwnershipToken\":\"tok-xyz\",\"parameters\":{\"serial\":\"SN-001\"}}");
    assertThat(new String(ProvisioningCodec.encodeRegisterThing(
        new RegisterThingRequest("tok-xyz", Map.of()), PayloadFormat.JSON), StandardCharsets.UTF_8))
        .isEqualTo("{\"certificateOwnershipToken\":\"tok-xyz\"}");
  }

  @Test
  void register_request_in_cbor_is_a_definite_length_map_with_parameters_in_order() {
    Map<String, String> params = new LinkedHashMap<>();
    params.put("b", "2");
    params.put("a", "1");
    byte[] cbor = ProvisioningCodec.encodeRegisterThing(new RegisterThingRequest("t", params), PayloadFormat.CBOR);
    // {"certificateOwnershipToken":"t","parameters":{"b":"2","a":"1"}}
    assertThat(HexFormat.of().formatHex(cbor)).isEqualTo("a2"
        + "781963657274696669636174654f776e657273686970546f6b656e" + "6174"
        + "6a706172616d6574657273" + "a2" + "6162" + "6132" + "6161" + "6131");
  }

  @Test
  void register_reply_with_and_without_device_configuration() {
    // PRV-T2
    RegisterThingReply with = ProvisioningCodec.decodeRegisterAccepted(
        utf8("{\"thingName\":\"dev-1\",\"deviceConfiguration\":{\"region\":\"eu\"}}"), PayloadFormat.JSON);
    assertThat(with.thingName()).isEqualTo("dev-1");
    assertThat(with.deviceConfiguration().get("region").asText()).isEqualTo("eu");
    RegisterThingReply without = ProvisioningCodec.decodeRegisterAccepted(utf8("{\"thingName\":\"dev-1\"}"),
        PayloadFormat.JSON);
    assertThat(without.deviceConfiguration()).isNull();
    assertThatThrownBy(() -> ProvisioningCodec.decodeRegisterAccepted(utf8("{\"deviceConfiguration\":{}}"),
        PayloadFormat.JSON)).hasMessageContaining("thingName is missing");
    assertThatThrownBy(() -> ProvisioningCodec.decodeRegisterAccepted(
        utf8("{\"thingName\":\"x\",\"deviceConfiguration\":[1]}"), PayloadFormat.JSON))
        .hasMessageContaining("deviceConfiguration must be an object");
  }

  @Test
  void topics_of_a_template_in_cbor_format_and_parse() {
    // PRV-T3
    assertThat(ProvisioningTopics.request(Operation.REGISTER_THING, "FleetTpl", PayloadFormat.CBOR))
        .isEqualTo("$aws/provisioning-templates/FleetTpl/provision/cbor");
    assertThat(ProvisioningTopics.accepted(Operation.REGISTER_THING, "FleetTpl", PayloadFormat.CBOR))
        .isEqualTo("$aws/provisioning-templates/FleetTpl/provision/cbor/accepted");
    assertThat(ProvisioningTopics.parse("$aws/provisioning-templates/FleetTpl/provision/cbor/accepted"))
        .contains(new Parsed(Operation.REGISTER_THING, "FleetTpl", PayloadFormat.CBOR, Kind.ACCEPTED));
  }

  @Test
  void template_names_up_to_the_aws_limit_of_36_work_and_longer_ones_are_refused() {
    String longest = "T".repeat(35) + "9";
    String topic = ProvisioningTopics.rejected(Operation.REGISTER_THING, longest, PayloadFormat.JSON);
    assertThat(topic).isEqualTo("$aws/provisioning-templates/" + longest + "/provision/json/rejected");
    assertThat(ProvisioningTopics.parse(topic).orElseThrow().templateName()).isEqualTo(longest);
    assertThatThrownBy(() -> ProvisioningTopics.checkTemplateName("T".repeat(37))).hasMessageContaining("1-36");
    assertThatThrownBy(() -> ProvisioningTopics.checkTemplateName("bad/name")).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> ProvisioningTopics.checkTemplateName("")).isInstanceOf(IllegalArgumentException.class);
    assertThat(ProvisioningTopics.parse("$aws/provisioning-templates/" + "T".repeat(37) + "/provision/json")).isEmpty();
  }

  @ParameterizedTest
  @EnumSource(PayloadFormat.class)
  void every_topic_formats_and_parses_back(PayloadFormat format) {
    for (Operation op : Operation.values()) {
      String tpl = op == Operation.REGISTER_THING ? "tpl_1-x" : null;
      assertThat(ProvisioningTopics.parse(ProvisioningTopics.request(op, tpl, format)))
          .contains(new Parsed(op, tpl, format, Kind.REQUEST));
      assertThat(ProvisioningTopics.parse(ProvisioningTopics.accepted(op, tpl, format)))
          .contains(new Parsed(op, tpl, format, Kind.ACCEPTED));
      assertThat(ProvisioningTopics.parse(ProvisioningTopics.rejected(op, tpl, format)))
          .contains(new Parsed(op, tpl, format, Kind.REJECTED));
    }
    assertThat(ProvisioningTopics.request(Operation.CREATE_KEYS_AND_CERTIFICATE, null, format))
        .isEqualTo("$aws/certificates/create/" + format.suffix());
    assertThat(ProvisioningTopics.request(Operation.CREATE_CERTIFICATE_FROM_CSR, null, format))
        .isEqualTo("$aws/certificates/create-from-csr/" + format.suffix());
  }

  @Test
  void other_topics_do_not_parse() {
    for (String t : new String[] {"$aws/certificates/create", "$aws/certificates/create/xml",
        "$aws/certificates/create/json/other", "$aws/certificates/delete/json", "$aws/certificates/create/json/accepted/x",
        "$aws/provisioning-templates/T/provision", "$aws/provisioning-templates/T/register/json",
        "$aws/provisioning-templates//provision/json", "$aws/things/T/shadow/get", ""}) {
      assertThat(ProvisioningTopics.parse(t)).as(t).isEmpty();
    }
  }

  @ParameterizedTest
  @EnumSource(PayloadFormat.class)
  void create_replies_decode_in_both_formats(PayloadFormat format) throws Exception {
    var m = format.mapper();
    var node = m.createObjectNode().put("certificateId", "abc").put("certificatePem", PEM)
        .put("privateKey", "-----BEGIN RSA PRIVATE KEY-----\nx\n-----END RSA PRIVATE KEY-----\n")
        .put("certificateOwnershipToken", "tok");
    IssuedCertificate keys = ProvisioningCodec.decodeCreateAccepted(m.writeValueAsBytes(node), format, true);
    assertThat(keys.certificateId()).isEqualTo("abc");
    assertThat(keys.privateKeyPem()).contains("RSA PRIVATE KEY");
    assertThat(keys.toString()).doesNotContain("tok").doesNotContain("RSA PRIVATE");
    node.remove("privateKey");
    IssuedCertificate csr = ProvisioningCodec.decodeCreateAccepted(m.writeValueAsBytes(node), format, false);
    assertThat(csr.privateKeyPem()).isNull();
    assertThatThrownBy(() -> ProvisioningCodec.decodeCreateAccepted(m.writeValueAsBytes(node), format, true))
        .hasMessageContaining("privateKey is missing");
  }

  @Test
  void ownership_tokens_up_to_512_characters_are_taken_and_longer_ones_refused() {
    String t512 = "x".repeat(512);
    String ok = "{\"certificateId\":\"c\",\"certificatePem\":\"" + PEM.replace("\n", "\\n")
        + "\",\"certificateOwnershipToken\":\"" + t512 + "\"}";
    assertThat(ProvisioningCodec.decodeCreateAccepted(utf8(ok), PayloadFormat.JSON, false).ownershipToken())
        .hasSize(512);
    assertThat(new String(ProvisioningCodec.encodeRegisterThing(new RegisterThingRequest(t512, Map.of()),
        PayloadFormat.JSON), StandardCharsets.UTF_8)).contains(t512);
    assertThatThrownBy(() -> ProvisioningCodec.decodeCreateAccepted(utf8(ok.replace(t512, t512 + "y")),
        PayloadFormat.JSON, false)).hasMessageContaining("513 characters");
  }

  @Test
  void malformed_create_replies_say_which_member_is_wrong() {
    assertThatThrownBy(() -> ProvisioningCodec.decodeCreateAccepted(utf8("[]"), PayloadFormat.JSON, false))
        .hasMessageContaining("not a json map");
    assertThatThrownBy(() -> ProvisioningCodec.decodeCreateAccepted(utf8("{\"certificateId\":1}"), PayloadFormat.JSON,
        false)).hasMessageContaining("certificateOwnershipToken is missing");
    assertThatThrownBy(() -> ProvisioningCodec.decodeCreateAccepted(utf8(
        "{\"certificateId\":\"c\",\"certificatePem\":\"nope\",\"certificateOwnershipToken\":\"t\"}"), PayloadFormat.JSON,
        false)).hasMessageContaining("certificatePem is not a PEM certificate");
    assertThatThrownBy(() -> ProvisioningCodec.decodeCreateAccepted(new byte[0], PayloadFormat.CBOR, false))
        .hasMessageContaining("empty");
    assertThatThrownBy(() -> ProvisioningCodec.decodeCreateAccepted(utf8("{}x"), PayloadFormat.JSON, false))
        .isInstanceOf(IllegalArgumentException.class);
  }

  @ParameterizedTest
  @EnumSource(PayloadFormat.class)
  void error_replies_decode_and_garbage_never_throws(PayloadFormat format) throws Exception {
    var m = format.mapper();
    ProvisioningError e = ProvisioningCodec.decodeError(m.writeValueAsBytes(m.createObjectNode()
        .put("statusCode", 400).put("errorCode", "InvalidCertificateOwnershipToken")
        .put("errorMessage", "Certificate ownership token cannot be empty.")), format);
    assertThat(e).isEqualTo(new ProvisioningError(400, "InvalidCertificateOwnershipToken",
        "Certificate ownership token cannot be empty."));
    assertThat(e.isThrottling()).isFalse();
    assertThat(ProvisioningCodec.decodeError(utf8("\u0000\u00ff{"), format).statusCode()).isZero();
    assertThat(new ProvisioningError(429, null, null).isThrottling()).isTrue();
    assertThat(new ProvisioningError(400, "ThrottlingException", null).isThrottling()).isTrue();
    assertThat(new ProvisioningError(503, "ServiceUnavailable", null).isServerError()).isTrue();
  }

  @Test
  void csr_request_names_the_pem() {
    JsonNode n = PayloadFormat.CBOR.readTree(ProvisioningCodec.encodeCsrRequest("PEM", PayloadFormat.CBOR));
    assertThat(n.get("certificateSigningRequest").asText()).isEqualTo("PEM");
  }
}
