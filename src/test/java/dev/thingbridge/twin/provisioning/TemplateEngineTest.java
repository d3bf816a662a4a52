package dev.thingbridge.twin.provisioning;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class TemplateEngineTest {
  static final String CERT = "c0ffee";

  /** A template with the given Parameters, extra thing properties, DeviceConfiguration and Mappings. */
  static String template(String parameters, String thingName, String extraThing, String config, String mappings) {
    return "{\"Parameters\":{" + parameters + "},"
        + (mappings == null ? "" : "\"Mappings\":" + mappings + ",")
        + "\"Resources\":{"
        + "\"thing\":{\"Type\":\"AWS::IoT::Thing\",\"Properties\":{\"ThingName\":" + thingName + extraThing + "}},"
        + "\"certificate\":{\"Type\":\"AWS::IoT::Certificate\",\"Properties\":{\"CertificateId\":"
        + "{\"Ref\":\"AWS::IoT::Certificate::Id\"},\"Status\":\"Active\"}},"
        + "\"policy\":{\"Type\":\"AWS::IoT::Policy\",\"Properties\":{\"PolicyName\":\"DevicePolicy\"}}}"
        + (config == null ? "" : ",\"DeviceConfiguration\":" + config) + "}";
  }

  private static ProvisioningPlan eval(String template, Map<String, String> params) {
    return TemplateEngine.evaluate(TemplateEngine.validate(template), params, CERT);
  }

  private static Map<String, JsonNode> config(String config, String parameters, Map<String, String> params, String mappings) {
    return eval(template(parameters, "\"t\"", "", config, mappings), params).deviceConfiguration();
  }

  @Test
  void the_documented_example_provisions_thing_certificate_and_policy() {
    ProvisioningPlan plan = eval(template("\"SerialNumber\":{\"Type\":\"String\"},\"AWS::IoT::Certificate::Id\":{\"Type\":\"String\"}",
        "{\"Fn::Join\":[\"\",[\"Device-\",{\"Ref\":\"SerialNumber\"}]]}",
        ",\"AttributePayload\":{\"serial\":{\"Ref\":\"SerialNumber\"},\"version\":\"v1\"}",
        "{\"FallbackUrl\":\"https://example.com/fallback\"}", null), Map.of("SerialNumber", "SN-0001"));
    assertThat(plan.thing().thingName()).isEqualTo("Device-SN-0001");
    assertThat(plan.thing().attributes()).containsExactly(Map.entry("serial", "SN-0001"), Map.entry("version", "v1"));
    assertThat(plan.certificate()).isEqualTo(new ProvisioningPlan.CertificatePlan(CERT, CertificateStatus.ACTIVE));
    assertThat(plan.policies()).containsExactly(new ProvisioningPlan.PolicyPlan("DevicePolicy", null));
    assertThat(plan.deviceConfiguration().get("FallbackUrl").asText()).isEqualTo("https://example.com/fallback");
  }

  @Test
  void intrinsic_functions() {
    String params = "\"Serial\":{\"Type\":\"String\"},\"Region\":{\"Default\":\"eu\"},"
        + "\"Tags\":{\"Type\":\"CommaDelimitedList\",\"Default\":\"a, b,c\"}";
    String mappings = "{\"Endpoints\":{\"eu\":{\"url\":\"https://eu.example\"},\"us\":{\"url\":\"https://us.example\"}}}";
    Map<String, JsonNode> c = config("{"
        + "\"sub\":{\"Fn::Sub\":\"dev-${Serial}-${AWS::IoT::Certificate::Id}-${!Literal}\"},"
        + "\"subVars\":{\"Fn::Sub\":[\"${x}/${Region}\",{\"x\":{\"Ref\":\"Serial\"}}]},"
        + "\"map\":{\"Fn::FindInMap\":[\"Endpoints\",{\"Ref\":\"Region\"},\"url\"]},"
        + "\"select\":{\"Fn::Select\":[\"1\",{\"Fn::Split\":[\"-\",{\"Ref\":\"Serial\"}]}]},"
        + "\"selectList\":{\"Fn::Select\":[2,{\"Ref\":\"Tags\"}]},"
        + "\"join\":{\"Fn::Join\":[\"|\",{\"Ref\":\"Tags\"}]},"
        + "\"split\":{\"Fn::Split\":[\",\",\"x,y\"]},"
        + "\"certificate\":{\"Ref\":\"AWS::IoT::Certificate::Id\"}}", params, Map.of("Serial", "SN-42"), mappings);
    assertThat(c.get("sub").asText()).isEqualTo("dev-SN-42-" + CERT + "-${Literal}");
    assertThat(c.get("subVars").asText()).isEqualTo("SN-42/eu");
    assertThat(c.get("map").asText()).isEqualTo("https://eu.example");
    assertThat(c.get("select").asText()).isEqualTo("42");
    assertThat(c.get("selectList").asText()).isEqualTo("c");
    assertThat(c.get("join").asText()).isEqualTo("a|b|c");
    assertThat(c.get("split").toString()).isEqualTo("[\"x\",\"y\"]");
    assertThat(c.get("certificate").asText()).isEqualTo(CERT);
    assertThat(config("{\"map\":{\"Fn::FindInMap\":[\"Endpoints\",{\"Ref\":\"Region\"},\"url\"]}}", params,
        Map.of("Serial", "1", "Region", "us"), mappings).get("map").asText()).isEqualTo("https://us.example");
  }

  @Test
  void parameters_are_checked() {
    String params = "\"Serial\":{\"Type\":\"String\",\"AllowedPattern\":\"SN-[0-9]+\"},"
        + "\"Count\":{\"Type\":\"Number\"},\"Color\":{\"AllowedValues\":[\"red\",\"blue\"],\"Default\":\"red\"}";
    String t = template(params, "{\"Ref\":\"Serial\"}", "", null, null);
    assertThat(eval(t, Map.of("Serial", "SN-1", "Count", "2.5")).thing().thingName()).isEqualTo("SN-1");
    assertRejected(() -> eval(t, Map.of("Count", "1")), "InvalidParameters", "Parameter Serial is required");
    assertRejected(() -> eval(t, Map.of("Serial", "X", "Count", "1")), "InvalidParameters", "AllowedPattern");
    assertRejected(() -> eval(t, Map.of("Serial", "SN-1", "Count", "many")), "InvalidParameters", "must be a number");
    assertRejected(() -> eval(t, Map.of("Serial", "SN-1", "Count", "1", "Color", "green")), "InvalidParameters",
        "AllowedValues");
  }

  @Test
  void evaluation_errors_name_the_place() {
    String p = "\"A\":{\"Default\":\"x\"}";
    assertRejected(() -> config("{\"k\":{\"Ref\":\"Nope\"}}", p, Map.of(), null), "InvalidRequestException",
        "undeclared parameter Nope");
    assertRejected(() -> config("{\"k\":{\"Fn::GetAtt\":[\"a\",\"b\"]}}", p, Map.of(), null), "InvalidRequestException",
        "unsupported function Fn::GetAtt");
    assertRejected(() -> config("{\"k\":{\"Fn::Select\":[5,[\"a\"]]}}", p, Map.of(), null), "InvalidParameters",
        "outside the list");
    assertRejected(() -> config("{\"k\":{\"Fn::FindInMap\":[\"M\",\"a\",\"b\"]}}", p, Map.of(), "{}"),
        "InvalidParameters", "found nothing");
    assertRejected(() -> config("{\"k\":{\"Fn::Join\":[\",\",\"notalist\"]}}", p, Map.of(), null),
        "InvalidRequestException", "Fn::Join");
    assertRejected(() -> config("{\"k\":{\"Fn::Sub\":\"${Missing}\"}}", p, Map.of(), null), "InvalidRequestException",
        "unknown variable Missing");
    assertRejected(() -> config("{\"k\":{\"Fn::Split\":[\"\",\"x\"]}}", p, Map.of(), null), "InvalidRequestException",
        "needs a delimiter");
    assertRejected(() -> eval(template(p, "{\"Ref\":\"A\"}", ",\"ThingGroups\":\"g\"", null, null), Map.of()),
        "InvalidParameters", "ThingGroups must be a list");
  }

  @Test
  void templates_are_validated_when_created() {
    String ok = template("", "\"t\"", "", null, null);
    TemplateEngine.validate(ok);
    for (String[] bad : new String[][] {
        {"", "required"}, {"[1]", "JSON object"}, {"{x", "not valid JSON"}, {"{}", "Resources"},
        {ok.replace("AWS::IoT::Policy", "AWS::S3::Bucket"), "unsupported Type"},
        {ok.replace("\"certificate\":{\"Type\":\"AWS::IoT::Certificate\"", "\"c\":{\"Type\":\"AWS::IoT::Thing\""),
            "one AWS::IoT::Thing"},
        {template("", "\"t\"", "", "{\"nested\":{\"a\":1}}", null), "flat"},
        {template("\"P\":{\"Type\":\"List<Banana>\"}", "\"t\"", "", null, null), "unsupported Type"},
        {template("\"P\":{\"AllowedPattern\":\"[\"}", "\"t\"", "", null, null), "invalid AllowedPattern"},
        {template("", "\"t\"", ",\"AttributePayload\":{\"a\":\"" + "x".repeat(11_000) + "\"}", null, null), "10240 bytes"}}) {
      assertRejected(() -> TemplateEngine.validate(bad[0]), "InvalidRequestException", bad[1]);
    }
  }

  @Test
  void certificate_status_and_policy_forms() {
    String inactive = template("", "\"t\"", "", null, null).replace("\"Status\":\"Active\"", "\"Status\":\"INACTIVE\"");
    assertThat(eval(inactive, Map.of()).certificate().status()).isEqualTo(CertificateStatus.INACTIVE);
    String revoked = inactive.replace("INACTIVE", "REVOKED");
    assertRejected(() -> eval(revoked, Map.of()), "InvalidParameters", "ACTIVE or INACTIVE");
    String document = template("", "\"t\"", "", null, null).replace("\"PolicyName\":\"DevicePolicy\"",
        "\"PolicyDocument\":{\"Version\":\"2012-10-17\"}");
    assertThat(eval(document, Map.of()).policies().get(0).policyDocument()).contains("2012-10-17");
    String both = template("", "\"t\"", "", null, null).replace("\"PolicyName\":\"DevicePolicy\"",
        "\"PolicyName\":\"p\",\"PolicyDocument\":\"{}\"");
    assertRejected(() -> eval(both, Map.of()), "InvalidRequestException", "PolicyName or PolicyDocument");
    String otherCert = template("", "\"t\"", "", null, null).replace("{\"Ref\":\"AWS::IoT::Certificate::Id\"}", "\"abc\"");
    assertRejected(() -> eval(otherCert, Map.of()), "InvalidRequestException", "CertificateId must be");
    String overrides = template("", "\"t\"", "", null, null).replace("\"Properties\":{\"ThingName\":\"t\"}",
        "\"Properties\":{\"ThingName\":\"t\"},\"OverrideSettings\":{\"AttributePayload\":\"MERGE\"}");
    assertThat(eval(overrides, Map.of()).thing().override("AttributePayload"))
        .isEqualTo(ProvisioningPlan.Override.MERGE);
    assertThat(eval(overrides, Map.of()).thing().thingGroups()).isEqualTo(List.of());
  }

  private static void assertRejected(Runnable r, String code, String message) {
    assertThatThrownBy(r::run).isInstanceOfSatisfying(TemplateException.class, e -> {
      assertThat(e.errorCode()).isEqualTo(code);
      assertThat(e.statusCode()).isEqualTo(400);
      assertThat(e.getMessage()).contains(message);
    });
  }
}
