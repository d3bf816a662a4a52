package dev.thingbridge.twin.provisioning;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.thingbridge.twin.provisioning.ProvisioningPlan.CertificatePlan;
import dev.thingbridge.twin.provisioning.ProvisioningPlan.Override;
import dev.thingbridge.twin.provisioning.ProvisioningPlan.PolicyPlan;
import dev.thingbridge.twin.provisioning.ProvisioningPlan.ThingPlan;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;

/**
 * Provisioning templates (https://docs.aws.amazon.com/iot/latest/developerguide/provision-template.html):
 * checked when created, and evaluated for a RegisterThing into a {@link ProvisioningPlan}.
 *
 * <p>Supported: {@code Parameters} (types {@code String}, {@code Number}, {@code CommaDelimitedList}, with
 * {@code Default}, {@code AllowedValues}, {@code AllowedPattern}), the pseudo parameter {@code
 * AWS::IoT::Certificate::Id}, {@code Mappings}, {@code Resources} of type {@code AWS::IoT::Thing} ({@code
 * ThingName}, {@code AttributePayload}, {@code ThingTypeName}, {@code ThingGroups}, {@code OverrideSettings}),
 * {@code AWS::IoT::Certificate} ({@code CertificateId}, {@code Status}) and {@code AWS::IoT::Policy} ({@code
 * PolicyName} or {@code PolicyDocument}), {@code DeviceConfiguration}, and the intrinsic functions {@code Ref},
 * {@code Fn::Join}, {@code Fn::Sub}, {@code Fn::FindInMap}, {@code Fn::Select} and {@code Fn::Split}.
 */
final class TemplateEngine {
  /** AWS's largest template body. */
  public static final int MAX_TEMPLATE_BYTES = 10 * 1024;
  /** The pseudo parameter that holds the id of the certificate being registered. */
  public static final String CERTIFICATE_ID = "AWS::IoT::Certificate::Id";

  static final String THING = "AWS::IoT::Thing";
  static final String CERTIFICATE = "AWS::IoT::Certificate";
  static final String POLICY = "AWS::IoT::Policy";
  private static final JsonNodeFactory NODES = JsonNodeFactory.instance;

  private final JsonNode body;
  private final Map<String, JsonNode> values = new LinkedHashMap<>();

  private TemplateEngine(JsonNode body) {
    this.body = body;
  }

  /**
   * Checks a template body as CreateProvisioningTemplate does.
   *
   * @throws TemplateException (400 InvalidRequestException) naming the first problem
   */
  public static JsonNode validate(String templateBody) {
    if (templateBody == null || templateBody.isBlank()) {
      throw invalidTemplate("templateBody is required");
    }
    if (templateBody.getBytes(java.nio.charset.StandardCharsets.UTF_8).length > MAX_TEMPLATE_BYTES) {
      throw invalidTemplate("templateBody is over " + MAX_TEMPLATE_BYTES + " bytes");
    }
    JsonNode body;
    try {
      body = ProvisioningJson.MAPPER.readTree(templateBody);
    } catch (java.io.IOException e) {
      throw invalidTemplate("templateBody is not valid JSON");
    }
    if (body == null || !body.isObject()) {
      throw invalidTemplate("templateBody must be a JSON object");
    }
    JsonNode resources = body.get("Resources");
    if (resources == null || !resources.isObject() || resources.isEmpty()) {
      throw invalidTemplate("Resources must be a non-empty object");
    }
    Map<String, Integer> counts = new LinkedHashMap<>();
    for (Iterator<Map.Entry<String, JsonNode>> it = resources.fields(); it.hasNext(); ) {
      Map.Entry<String, JsonNode> r = it.next();
      String type = r.getValue().path("Type").asText("");
      if (!type.equals(THING) && !type.equals(CERTIFICATE) && !type.equals(POLICY)) {
        throw invalidTemplate("resource " + r.getKey() + " has an unsupported Type '" + type + "'");
      }
      if (!r.getValue().path("Properties").isObject()) {
        throw invalidTemplate("resource " + r.getKey() + " needs Properties");
      }
      counts.merge(type, 1, Integer::sum);
    }
    if (counts.getOrDefault(THING, 0) != 1 || counts.getOrDefault(CERTIFICATE, 0) != 1) {
      throw invalidTemplate("a fleet provisioning template has one AWS::IoT::Thing and one AWS::IoT::Certificate resource");
    }
    JsonNode params = body.path("Parameters");
    if (!params.isMissingNode() && !params.isObject()) {
      throw invalidTemplate("Parameters must be an object");
    }
    params.fields().forEachRemaining(p -> {
      String type = p.getValue().path("Type").asText("String");
      if (!List.of("String", "Number", "CommaDelimitedList").contains(type)) {
        throw invalidTemplate("parameter " + p.getKey() + " has an unsupported Type '" + type + "'");
      }
      JsonNode pattern = p.getValue().get("AllowedPattern");
      if (pattern != null) {
        try {
          Pattern.compile(pattern.asText());
        } catch (PatternSyntaxException e) {
          throw invalidTemplate("parameter " + p.getKey() + " has an invalid AllowedPattern");
        }
      }
    });
    JsonNode config = body.path("DeviceConfiguration");
    if (!config.isMissingNode() && !config.isObject()) {
      throw invalidTemplate("DeviceConfiguration must be an object");
    }
    config.fields().forEachRemaining(e -> {
      if (e.getValue().isObject() && !Intrinsics.isIntrinsic(e.getValue())) {
        throw invalidTemplate("DeviceConfiguration is flat: " + e.getKey() + " holds an object");
      }
    });
    return body;
  }

  /**
   * Evaluates a (valid) template for a RegisterThing.
   *
   * @param parameters the device's parameters, with the hook's overrides applied
   * @param certificateId the id of the certificate the ownership token stands for
   * @throws TemplateException (400 InvalidParameters) for a missing or unacceptable parameter or an intrinsic
   *     that cannot be evaluated
   */
  public static ProvisioningPlan evaluate(JsonNode body, Map<String, String> parameters, String certificateId) {
    TemplateEngine e = new TemplateEngine(body);
    e.bindParameters(parameters, certificateId);
    return e.plan(certificateId);
  }

  private void bindParameters(Map<String, String> given, String certificateId) {
    body.path("Parameters").fields().forEachRemaining(p -> {
      String name = p.getKey();
      JsonNode spec = p.getValue();
      if (name.equals(CERTIFICATE_ID)) {
        return;
      }
      String value = given.get(name);
      if (value == null && spec.hasNonNull("Default")) {
        value = spec.get("Default").asText();
      }
      if (value == null) {
        throw invalidParameters("Parameter " + name + " is required but was not given");
      }
      checkParameter(name, spec, value);
      String type = spec.path("Type").asText("String");
      if (type.equals("CommaDelimitedList")) {
        ArrayNode list = NODES.arrayNode();
        for (String item : value.split(",", -1)) {
          list.add(item.trim());
        }
        values.put(name, list);
      } else {
        values.put(name, NODES.textNode(value));
      }
    });
    values.put(CERTIFICATE_ID, NODES.textNode(certificateId));
  }

  private static void checkParameter(String name, JsonNode spec, String value) {
    if (spec.path("Type").asText("String").equals("Number")) {
      try {
        new java.math.BigDecimal(value);
      } catch (NumberFormatException e) {
        throw invalidParameters("Parameter " + name + " must be a number");
      }
    }
    JsonNode allowed = spec.get("AllowedValues");
    if (allowed != null && allowed.isArray()) {
      boolean ok = false;
      for (JsonNode a : allowed) {
        ok |= a.asText().equals(value);
      }
      if (!ok) {
        throw invalidParameters("Parameter " + name + " is not one of its AllowedValues");
      }
    }
    JsonNode pattern = spec.get("AllowedPattern");
    if (pattern != null && !Pattern.compile(pattern.asText()).matcher(value).matches()) {
      throw invalidParameters("Parameter " + name + " does not match its AllowedPattern");
    }
  }

  private JsonNode eval(JsonNode node, String where) {
    return new Intrinsics(body.path("Mappings"), values).eval(node, where);
  }

  private ProvisioningPlan plan(String certificateId) {
    ThingPlan thing = null;
    CertificatePlan certificate = null;
    List<PolicyPlan> policies = new ArrayList<>();
    for (Iterator<Map.Entry<String, JsonNode>> it = body.path("Resources").fields(); it.hasNext(); ) {
      Map.Entry<String, JsonNode> r = it.next();
      String type = r.getValue().path("Type").asText();
      JsonNode props = eval(r.getValue().path("Properties"), r.getKey());
      switch (type) {
        case THING -> thing = thing(r.getKey(), props, r.getValue().path("OverrideSettings"));
        case CERTIFICATE -> certificate = certificate(r.getKey(), props, certificateId);
        case POLICY -> policies.add(policy(r.getKey(), props));
        default -> throw invalidTemplate("resource " + r.getKey() + " has an unsupported Type");
      }
    }
    Map<String, JsonNode> config = new LinkedHashMap<>();
    body.path("DeviceConfiguration").fields().forEachRemaining(e -> {
      JsonNode v = eval(e.getValue(), "DeviceConfiguration." + e.getKey());
      if (v.isObject()) {
        throw invalidTemplate("DeviceConfiguration." + e.getKey() + " evaluates to an object");
      }
      config.put(e.getKey(), v);
    });
    return new ProvisioningPlan(thing, certificate, policies, config);
  }

  private static ThingPlan thing(String id, JsonNode props, JsonNode overrides) {
    String name = stringProperty(id, props, "ThingName", true);
    Map<String, String> attributes = new LinkedHashMap<>();
    JsonNode attrs = props.path("AttributePayload");
    if (!attrs.isMissingNode() && !attrs.isObject()) {
      throw invalidParameters(id + ".AttributePayload must be an object");
    }
    attrs.fields().forEachRemaining(a -> attributes.put(a.getKey(), scalar(id + ".AttributePayload." + a.getKey(), a.getValue())));
    List<String> groups = new ArrayList<>();
    JsonNode g = props.path("ThingGroups");
    if (!g.isMissingNode() && !g.isArray()) {
      throw invalidParameters(id + ".ThingGroups must be a list");
    }
    g.forEach(x -> groups.add(scalar(id + ".ThingGroups", x)));
    Map<String, Override> settings = new LinkedHashMap<>();
    overrides.fields().forEachRemaining(o -> {
      try {
        settings.put(o.getKey(), Override.valueOf(o.getValue().asText()));
      } catch (IllegalArgumentException e) {
        throw invalidTemplate(id + ".OverrideSettings." + o.getKey() + " must be DO_NOTHING, REPLACE, FAIL or MERGE");
      }
    });
    return new ThingPlan(name, stringProperty(id, props, "ThingTypeName", false), attributes, groups, settings);
  }

  private static CertificatePlan certificate(String id, JsonNode props, String certificateId) {
    String referenced = stringProperty(id, props, "CertificateId", true);
    if (!referenced.equals(certificateId)) {
      throw invalidTemplate(id + ".CertificateId must be {\"Ref\":\"" + CERTIFICATE_ID + "\"}");
    }
    String statusText = stringProperty(id, props, "Status", false);
    CertificateStatus status = statusText == null ? CertificateStatus.ACTIVE : CertificateStatus.parse(statusText);
    if (status != CertificateStatus.ACTIVE && status != CertificateStatus.INACTIVE) {
      throw invalidParameters(id + ".Status must be ACTIVE or INACTIVE, got " + statusText);
    }
    return new CertificatePlan(referenced, status);
  }

  private static PolicyPlan policy(String id, JsonNode props) {
    String name = stringProperty(id, props, "PolicyName", false);
    JsonNode doc = props.get("PolicyDocument");
    if ((name == null) == (doc == null || doc.isNull())) {
      throw invalidTemplate(id + " needs PolicyName or PolicyDocument (one of them)");
    }
    return new PolicyPlan(name, doc == null ? null : doc.isTextual() ? doc.asText() : doc.toString());
  }

  private static String stringProperty(String id, JsonNode props, String name, boolean required) {
    JsonNode v = props.get(name);
    if (v == null || v.isNull()) {
      if (required) {
        throw invalidParameters(id + "." + name + " is required");
      }
      return null;
    }
    return scalar(id + "." + name, v);
  }

  private static String scalar(String where, JsonNode v) {
    if (!v.isValueNode()) {
      throw invalidParameters(where + " must be a string");
    }
    return v.asText();
  }

  private static TemplateException invalidTemplate(String message) {
    return new TemplateException(400, "InvalidRequestException", message);
  }

  private static TemplateException invalidParameters(String message) {
    return new TemplateException(400, "InvalidParameters", message);
  }
}
