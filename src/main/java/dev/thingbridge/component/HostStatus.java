package dev.thingbridge.component;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.Collection;

/** The component's status as JSON: for the health shadow and the local API's {@code component/status}. */
final class HostStatus {
  private HostStatus() {}

  static ObjectNode component(String name, String version, long startedAt, String connection, ComponentConfig c) {
    JsonNodeFactory f = JsonNodeFactory.instance;
    ObjectNode out = f.objectNode();
    out.putObject("component").put("name", name).put("version", version).put("startedAt", startedAt)
        .put("connection", connection);
    ObjectNode services = out.putObject("services");
    services.put("shadows", c.shadows().enabled() ? backend(c) : "off");
    services.put("jobs", c.jobs().enabled() ? "on" : "off");
    services.put("commands", c.commands().enabled() ? "on" : "off");
    services.put("ota", c.ota().enabled() ? "on" : "off");
    services.put("defender", c.defender().enabled() ? "on" : "off");
    services.put("provisioning", c.provisioning().enabled() ? "on" : "off");
    services.put("localApi", c.localApi().enabled() ? c.localApi().topicPrefix() : "off");
    return out;
  }

  private static String backend(ComponentConfig c) {
    return c.shadows().backend() == ComponentConfig.ShadowBackend.CLOUD ? "cloud" : "shadowManager";
  }

  static ArrayNode array(Collection<String> values) {
    ArrayNode a = JsonNodeFactory.instance.arrayNode();
    values.forEach(a::add);
    return a;
  }

  /** A list of objects with an {@code mcu} id, as a map by id. */
  static ObjectNode byId(ArrayNode list) {
    ObjectNode out = JsonNodeFactory.instance.objectNode();
    for (JsonNode e : list) {
      ObjectNode copy = ((ObjectNode) e).deepCopy();
      String id = copy.remove("mcu").asText();
      out.set(id, copy);
    }
    return out;
  }
}
