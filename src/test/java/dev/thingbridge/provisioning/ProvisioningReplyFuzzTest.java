package dev.thingbridge.provisioning;

import static org.assertj.core.api.Assertions.assertThat;

import com.code_intelligence.jazzer.api.FuzzedDataProvider;
import com.code_intelligence.jazzer.junit.FuzzTest;
import com.fasterxml.jackson.databind.JsonNode;
import dev.thingbridge.mqtt.PayloadFormat;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.Random;
import dev.thingbridge.testing.SeedMutations;
import org.junit.jupiter.api.Test;

/**
 * Random replies into the device's provisioning decoders: an accepted reply either decodes or fails with an
 * {@link IllegalArgumentException} naming the problem (which the provisioner reports as a decode error), a
 * rejected reply always decodes, and a decoded device configuration either fits the caller's type or fails
 * with Jackson's checked error; nothing else escapes.
 *
 * <p>{@code mvn test} runs the seeds under {@code ProvisioningReplyFuzzTestInputs} plus a fixed-seed mutation
 * sweep; {@code JAZZER_FUZZ=1 mvn test -Dtest=ProvisioningReplyFuzzTest} fuzzes for real.
 */
class ProvisioningReplyFuzzTest {
  /** A configuration type a device might use. */
  record Config(String region, int retries, List<String> urls, Map<String, String> extra) {}

  private static final String PEM = "-----BEGIN CERTIFICATE-----\\nMIIB\\n-----END CERTIFICATE-----\\n";
  private static final List<String> SEEDS = List.of(
      "{\"certificateId\":\"c\",\"certificatePem\":\"" + PEM + "\",\"privateKey\":\"-----BEGIN RSA PRIVATE KEY-----\","
          + "\"certificateOwnershipToken\":\"t\"}",
      "{\"thingName\":\"dev-1\",\"deviceConfiguration\":{\"region\":\"eu\",\"retries\":\"3\",\"urls\":[\"a\"]}}",
      "{\"statusCode\":400,\"errorCode\":\"InvalidCertificateOwnershipToken\",\"errorMessage\":\"x\"}",
      "{\"thingName\":\"d\",\"deviceConfiguration\":{}}");

  @FuzzTest(maxDuration = "30s")
  void replies_decode_or_fail_with_the_typed_error(FuzzedDataProvider data) {
    PayloadFormat format = data.consumeBoolean() ? PayloadFormat.JSON : PayloadFormat.CBOR;
    boolean keys = data.consumeBoolean();
    byte[] payload = data.consumeRemainingAsBytes();
    if (format == PayloadFormat.CBOR && payload.length > 0 && payload[0] == '{') {
      try {
        payload = PayloadFormat.CBOR.write(PayloadFormat.JSON.readTree(payload)); // reach CBOR's structure too
      } catch (IllegalArgumentException notJson) {
        // keep the raw bytes
      }
    }
    check(payload, format, keys);
  }

  static void check(byte[] payload, PayloadFormat format, boolean keys) {
    try {
      IssuedCertificate c = ProvisioningCodec.decodeCreateAccepted(payload, format, keys);
      assertThat(c.ownershipToken()).isNotEmpty().hasSizeLessThanOrEqualTo(ProvisioningCodec.MAX_OWNERSHIP_TOKEN);
      assertThat(c.privateKeyPem() != null).isEqualTo(keys);
    } catch (IllegalArgumentException expected) {
      assertThat(expected.getMessage()).isNotBlank();
    }
    try {
      RegisterThingReply r = ProvisioningCodec.decodeRegisterAccepted(payload, format);
      assertThat(r.thingName()).isNotEmpty();
      JsonNode config = r.deviceConfiguration();
      if (config != null) {
        assertThat(config.isObject()).isTrue();
        try {
          format.mapper().treeToValue(config, Config.class);
        } catch (com.fasterxml.jackson.core.JsonProcessingException | IllegalArgumentException mismatch) {
          // a configuration of another shape: the provisioner reports it as a decode error
        }
      }
    } catch (IllegalArgumentException expected) {
      assertThat(expected.getMessage()).isNotBlank();
    }
    ProvisioningError e = ProvisioningCodec.decodeError(payload, format);
    assertThat(e).isNotNull();
  }

  @Test
  void fixed_seed_mutations_decode_or_fail_with_the_typed_error() {
    Random random = new Random(20240611L);
    String alphabet = "{}[]\":,0123456789.-eE \\untrlfas_/";
    for (int i = 0; i < 1000; i++) {
      byte[] json = SeedMutations.mutate(SEEDS, random, alphabet).getBytes(StandardCharsets.UTF_8);
      check(json, PayloadFormat.JSON, random.nextBoolean());
      byte[] cbor;
      try {
        cbor = PayloadFormat.CBOR.write(PayloadFormat.JSON.readTree(json));
      } catch (IllegalArgumentException notJson) {
        cbor = json;
      }
      if (cbor.length > 0 && random.nextBoolean()) {
        cbor[random.nextInt(cbor.length)] ^= (byte) (1 << random.nextInt(8));
      }
      check(cbor, PayloadFormat.CBOR, random.nextBoolean());
    }
  }
}
