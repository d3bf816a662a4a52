package dev.thingbridge.component.localapi;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.thingbridge.defender.CustomMetric;
import java.util.Map;
import java.util.concurrent.CompletableFuture;

/**
 * What the {@code provisioning}, {@code defender}, {@code mcu} and {@code component} services ask of the component.
 * Each default answers NOT_ENABLED, so a component without the capability simply leaves it out.
 */
public interface DeviceServices extends HostedThings {
  /** The component's status: version, things, services, connection. */
  ObjectNode status();

  /** The attached MCUs: id, thing, port, state. */
  default JsonNode mcus() {
    throw ApiException.notEnabled("no MCUs are configured (mcus)");
  }

  /**
   * Provisions a device by claim through the gateway's connection (fleet provisioning).
   *
   * @param request the request body: templateName, parameters, format, csr
   */
  default CompletableFuture<JsonNode> provision(ApiCall request) {
    throw ApiException.notEnabled("provisioning is turned off (provisioning.enabled)");
  }

  /** Publishes a Device Defender report for {@code thing} now, with these custom metrics. */
  default CompletableFuture<JsonNode> defenderReport(String thing, Map<String, CustomMetric> custom) {
    throw ApiException.notEnabled("Device Defender is turned off (defender.enabled)");
  }

  /** Sets a custom metric of {@code thing} for its scheduled reports. */
  default void defenderSetMetric(String thing, String name, CustomMetric value) {
    throw ApiException.notEnabled("Device Defender is turned off (defender.enabled)");
  }
}
