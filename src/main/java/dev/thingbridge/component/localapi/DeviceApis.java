package dev.thingbridge.component.localapi;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.thingbridge.defender.CustomMetric;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.CompletableFuture;

/**
 * The small services over {@link DeviceServices}: {@code component/status}, {@code ota/status}, {@code mcu/list}
 * and {@code mcu/status}, {@code provisioning/provision}, {@code defender/report} and {@code defender/setMetric}.
 */
public final class DeviceApis {
  private DeviceApis() {}

  /** Every one of them, over {@code device} and the latest events kept by {@code events}. */
  public static List<ApiService> all(DeviceServices device, EventsApi events) {
    return List.of(
        simple("component", Set.of("status"), call -> done(device.status())),
        simple("ota", Set.of("status"), call -> {
          String thing = device.resolve(call);
          return done(JsonNodeFactory.instance.objectNode().put("thing", thing)
              .set("latest", events.latest(List.of("ota"), thing)));
        }),
        simple("mcu", Set.of("list", "status"), call -> {
          if (call.operation().equals("list")) {
            return done(JsonNodeFactory.instance.objectNode().set("mcus", device.mcus()));
          }
          String mcu = call.text("mcu");
          return done(JsonNodeFactory.instance.objectNode().put("mcu", mcu)
              .set("latest", events.latest(List.of("mcu"), mcu)));
        }),
        simple("provisioning", Set.of("provision"), device::provision),
        simple("defender", Set.of("report", "setMetric"), call -> {
          String thing = device.resolve(call);
          if (call.operation().equals("report")) {
            return device.defenderReport(thing, metrics(call));
          }
          device.defenderSetMetric(thing, call.text("name"), metric(call.body().get("value"), "value"));
          return done(JsonNodeFactory.instance.objectNode().put("thing", thing).put("name", call.text("name")));
        }));
  }

  /** {@code metrics}: name to a number, a list of numbers, or {@code {"string_list"|"ip_list": [...]}}. */
  static Map<String, CustomMetric> metrics(ApiCall call) {
    Map<String, CustomMetric> out = new LinkedHashMap<>();
    call.optionalObject("metrics").ifPresent(m -> m.fields().forEachRemaining(e -> {
      try {
        CustomMetric.checkName(e.getKey());
      } catch (IllegalArgumentException ex) {
        throw ApiException.badRequest(ex.getMessage());
      }
      out.put(e.getKey(), metric(e.getValue(), "metrics." + e.getKey()));
    }));
    return out;
  }

  static CustomMetric metric(JsonNode v, String where) {
    try {
      if (v != null && v.isIntegralNumber() && v.canConvertToLong()) {
        return CustomMetric.number(v.asLong());
      }
      if (v != null && v.isNumber()) {
        return CustomMetric.number(v.asDouble());
      }
      if (v != null && v.isArray()) {
        List<Number> numbers = new ArrayList<>();
        for (JsonNode n : v) {
          if (!n.isNumber()) {
            throw ApiException.badRequest(where + " must be a list of numbers");
          }
          numbers.add(n.isIntegralNumber() ? (Number) n.asLong() : (Number) n.asDouble());
        }
        return CustomMetric.numberList(numbers);
      }
      if (v != null && v.isObject() && v.size() == 1 && (v.has("string_list") || v.has("ip_list"))) {
        boolean ip = v.has("ip_list");
        JsonNode list = v.get(ip ? "ip_list" : "string_list");
        List<String> values = new ArrayList<>();
        if (!list.isArray()) {
          throw ApiException.badRequest(where + " must hold a list of strings");
        }
        list.forEach(s -> values.add(s.asText()));
        return ip ? CustomMetric.ipList(values) : CustomMetric.stringList(values);
      }
    } catch (IllegalArgumentException e) {
      throw ApiException.badRequest(where + ": " + e.getMessage());
    }
    throw ApiException.badRequest(where + " must be a number, a list of numbers, {\"string_list\":[..]} or "
        + "{\"ip_list\":[..]}");
  }

  private interface Handler {
    CompletableFuture<JsonNode> handle(ApiCall call);
  }

  private static ApiService simple(String name, Set<String> operations, Handler handler) {
    Objects.requireNonNull(handler);
    return new ApiService() {
      @Override
      public String name() {
        return name;
      }

      @Override
      public Set<String> operations() {
        return operations;
      }

      @Override
      public CompletableFuture<JsonNode> handle(ApiCall call) {
        return handler.handle(call);
      }
    };
  }

  private static CompletableFuture<JsonNode> done(JsonNode value) {
    return CompletableFuture.completedFuture(value);
  }

  static ObjectNode object() {
    return JsonNodeFactory.instance.objectNode();
  }
}
