package dev.thingbridge.twin.provisioning;

import com.fasterxml.jackson.databind.JsonNode;
import dev.thingbridge.twin.provisioning.PreProvisioningHook.Decision;
import java.io.IOException;
import java.util.LinkedHashMap;
import java.util.Map;

/** Reads a hook's JSON answer: {@code {"allowProvisioning": bool, "parameterOverrides": {name: string}}}. */
final class HookAnswers {
  private HookAnswers() {}

  static Decision read(byte[] answer) throws IOException {
    JsonNode n = ProvisioningJson.MAPPER.readTree(answer);
    if (n == null || !n.isObject() || !n.path("allowProvisioning").isBoolean()) {
      throw new IOException("the hook's answer has no boolean allowProvisioning");
    }
    Map<String, String> overrides = new LinkedHashMap<>();
    n.path("parameterOverrides").fields().forEachRemaining(e -> overrides.put(e.getKey(), e.getValue().asText()));
    return new Decision(n.get("allowProvisioning").booleanValue(), overrides);
  }
}
