package dev.thingbridge.twin.provisioning;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/** The provisioning state's records as JSON, for the state directory. */
final class ProvisioningJson {
  public static final ObjectMapper MAPPER = new ObjectMapper();

  private ProvisioningJson() {}

  public static ObjectNode template(ProvisioningTemplate t) {
    ObjectNode n = MAPPER.createObjectNode().put("templateName", t.templateName()).put("templateArn", t.templateArn())
        .put("description", t.description()).put("templateBody", t.templateBody()).put("enabled", t.enabled())
        .put("provisioningRoleArn", t.provisioningRoleArn())
        .put("creationDate", t.creationDate().toEpochMilli()).put("lastModifiedDate", t.lastModifiedDate().toEpochMilli());
    if (t.hook() != null) {
      n.putObject("hook").put("targetArn", t.hook().targetArn()).put("payloadVersion", t.hook().payloadVersion());
    }
    return n;
  }

  public static ProvisioningTemplate template(JsonNode n) {
    JsonNode h = n.get("hook");
    return new ProvisioningTemplate(text(n, "templateName"), text(n, "templateArn"), text(n, "description"),
        text(n, "templateBody"), n.path("enabled").asBoolean(), text(n, "provisioningRoleArn"),
        h == null || h.isNull() ? null : new ProvisioningTemplate.Hook(text(h, "targetArn"), text(h, "payloadVersion")),
        instant(n, "creationDate"), instant(n, "lastModifiedDate"));
  }

  public static ObjectNode certificate(TwinCertificate c) {
    ObjectNode n = MAPPER.createObjectNode().put("certificateId", c.certificateId())
        .put("certificateArn", c.certificateArn()).put("certificatePem", c.certificatePem())
        .put("status", c.status().name()).put("creationDate", c.creationDate().toEpochMilli())
        .put("lastModifiedDate", c.lastModifiedDate().toEpochMilli()).put("thingName", c.thingName());
    c.policyNames().forEach(n.putArray("policyNames")::add);
    return n;
  }

  public static TwinCertificate certificate(JsonNode n) {
    List<String> policies = new ArrayList<>();
    n.path("policyNames").forEach(p -> policies.add(p.asText()));
    CertificateStatus status = CertificateStatus.parse(text(n, "status"));
    if (status == null) {
      throw new IllegalArgumentException("unknown certificate status");
    }
    return new TwinCertificate(text(n, "certificateId"), text(n, "certificateArn"), text(n, "certificatePem"),
        status, instant(n, "creationDate"), instant(n, "lastModifiedDate"), text(n, "thingName"), policies);
  }

  public static ObjectNode token(OwnershipToken t) {
    ObjectNode n = MAPPER.createObjectNode().put("tokenHash", t.tokenHash()).put("certificateId", t.certificateId())
        .put("issuedAt", t.issuedAt().toEpochMilli()).put("expiresAt", t.expiresAt().toEpochMilli())
        .put("thingName", t.thingName());
    n.set("deviceConfiguration", t.deviceConfiguration());
    return n;
  }

  public static OwnershipToken token(JsonNode n) {
    JsonNode config = n.get("deviceConfiguration");
    return new OwnershipToken(text(n, "tokenHash"), text(n, "certificateId"), instant(n, "issuedAt"),
        instant(n, "expiresAt"), text(n, "thingName"), config == null || config.isNull() ? null : config);
  }

  private static String text(JsonNode n, String name) {
    JsonNode v = n.get(name);
    return v == null || v.isNull() ? null : v.asText();
  }

  private static Instant instant(JsonNode n, String name) {
    JsonNode v = n.get(name);
    if (v == null || !v.canConvertToLong()) {
      throw new IllegalArgumentException(name + " is missing");
    }
    return Instant.ofEpochMilli(v.longValue());
  }
}
