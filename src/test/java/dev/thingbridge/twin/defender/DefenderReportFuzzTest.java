package dev.thingbridge.twin.defender;

import static org.assertj.core.api.Assertions.assertThat;

import com.code_intelligence.jazzer.api.FuzzedDataProvider;
import com.code_intelligence.jazzer.junit.FuzzTest;
import dev.thingbridge.defender.MetricsCodec;
import dev.thingbridge.mqtt.PayloadFormat;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Random;
import dev.thingbridge.testing.SeedMutations;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * Random reports into the twin's Defender report parser: it never throws, answers exactly one of a report or a
 * refusal with one of AWS's four codes, and an accepted report's canonical form is itself accepted unchanged
 * (in both formats). The device's rejection decoder never throws on the same bytes either.
 *
 * <p>{@code mvn test} runs the seeds under {@code DefenderReportFuzzTestInputs} plus a fixed-seed mutation
 * sweep; {@code JAZZER_FUZZ=1 mvn test -Dtest=DefenderReportFuzzTest} fuzzes for real.
 */
class DefenderReportFuzzTest {
  private static final Set<String> CODES = Set.of("Malformed", "InvalidPayload", "MissingHeader");
  private static final List<String> SEEDS = List.of(ReportValidatorTest.LONG, ReportValidatorTest.SHORT,
      "{\"hed\":{\"rid\":0,\"v\":\"1.0\"},\"met\":null,\"cmet\":{\"temp_c\":[{\"number\":21}]}}",
      "{\"hed\":{\"rid\":1,\"v\":\"1.0\"},\"met\":{\"tc\":{\"ec\":{\"cs\":[{\"rad\":\"[fd00::1]:80\",\"lp\":1}],\"t\":1}}}}");

  @FuzzTest(maxDuration = "30s")
  void any_payload_is_accepted_or_refused_with_a_documented_code(FuzzedDataProvider data) {
    PayloadFormat format = data.consumeBoolean() ? PayloadFormat.JSON : PayloadFormat.CBOR;
    check(data.consumeRemainingAsBytes(), format);
  }

  static void check(byte[] payload, PayloadFormat format) {
    ReportValidator.Outcome o = ReportValidator.validate(payload, format);
    assertThat(o.report() == null).isNotEqualTo(o.refusal() == null);
    if (o.refusal() != null) {
      assertThat(o.refusal().errorCode()).isIn(CODES);
      assertThat(o.refusal().message()).isNotBlank().hasSizeLessThan(400);
    } else {
      for (PayloadFormat f : PayloadFormat.values()) {
        ReportValidator.Outcome again = ReportValidator.validate(f.write(o.report().canonical()), f);
        assertThat(again.report()).as("canonical form re-validates").isNotNull();
        assertThat(again.report().canonical()).isEqualTo(o.report().canonical());
      }
    }
    assertThat(MetricsCodec.decodeRejection(payload, format)).isNotNull();
    assertThat(MetricsCodec.decodeAcceptance(payload, format)).isNotNull();
  }

  @Test
  void fixed_seed_mutations_are_accepted_or_refused_with_a_documented_code() {
    Random random = new Random(20240612L);
    String alphabet = "{}[]\":,0123456789.-eE \\untrlfas_/:hedridvmetcmptsnbioq";
    for (int i = 0; i < 1500; i++) {
      byte[] json = SeedMutations.mutate(SEEDS, random, alphabet).getBytes(StandardCharsets.UTF_8);
      check(json, PayloadFormat.JSON);
      try {
        byte[] cbor = PayloadFormat.CBOR.write(PayloadFormat.JSON.readTree(json));
        cbor[random.nextInt(cbor.length)] ^= (byte) (1 << random.nextInt(8));
        check(cbor, PayloadFormat.CBOR);
      } catch (IllegalArgumentException notJson) {
        check(json, PayloadFormat.CBOR);
      }
    }
  }
}
