package dev.thingbridge.twin.defender;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.Optional;

/**
 * The value ListMetricValues reports for one metric of one stored report
 * (https://docs.aws.amazon.com/iot/latest/apireference/API_MetricValue.html): {@code count} for counters,
 * {@code ports} for port lists, {@code cidrs} for addresses, {@code number}/{@code numbers}/{@code strings}
 * for custom metrics. Device-side metric names as Device Defender names them ({@code aws:all-bytes-in}, ...).
 */
final class MetricValues {
  private static final JsonNodeFactory NODES = JsonNodeFactory.instance;

  private MetricValues() {}

  /** The metric's value in the report, or empty when the report does not carry it. */
  public static Optional<ObjectNode> of(StoredReport r, String metricName) {
    JsonNode met = r.report().path("metrics");
    return switch (metricName) {
      case "aws:all-bytes-in" -> count(met.path("network_stats").get("bytes_in"));
      case "aws:all-bytes-out" -> count(met.path("network_stats").get("bytes_out"));
      case "aws:all-packets-in" -> count(met.path("network_stats").get("packets_in"));
      case "aws:all-packets-out" -> count(met.path("network_stats").get("packets_out"));
      case "aws:listening-tcp-ports" -> ports(met.path("listening_tcp_ports"));
      case "aws:listening-udp-ports" -> ports(met.path("listening_udp_ports"));
      case "aws:num-listening-tcp-ports" -> total(met.path("listening_tcp_ports"), "ports");
      case "aws:num-listening-udp-ports" -> total(met.path("listening_udp_ports"), "ports");
      case "aws:num-established-tcp-connections" -> total(met.path("tcp_connections").path("established_connections"),
          "connections");
      case "aws:destination-ip-addresses" -> destinations(met.path("tcp_connections").path("established_connections"));
      default -> custom(r.report().path("custom_metrics").path(metricName));
    };
  }

  private static Optional<ObjectNode> count(JsonNode n) {
    return n == null ? Optional.empty() : Optional.of(NODES.objectNode().put("count", n.longValue()));
  }

  private static Optional<ObjectNode> ports(JsonNode p) {
    if (p.isMissingNode() || !p.has("ports")) {
      return Optional.empty();
    }
    ObjectNode v = NODES.objectNode();
    ArrayNode ports = v.putArray("ports");
    p.get("ports").forEach(e -> ports.add(e.get("port").intValue()));
    return Optional.of(v);
  }

  private static Optional<ObjectNode> total(JsonNode p, String list) {
    if (p.isMissingNode()) {
      return Optional.empty();
    }
    long n = p.has("total") ? p.get("total").longValue() : p.path(list).size();
    return Optional.of(NODES.objectNode().put("count", n));
  }

  private static Optional<ObjectNode> destinations(JsonNode ec) {
    if (!ec.has("connections")) {
      return Optional.empty();
    }
    ObjectNode v = NODES.objectNode();
    ArrayNode cidrs = v.putArray("cidrs");
    ec.get("connections").forEach(c -> {
      String rad = c.get("remote_addr").asText();
      String host = rad.substring(0, rad.lastIndexOf(':'));
      boolean v6 = host.contains(":");
      cidrs.add(host.replace("[", "").replace("]", "") + (v6 ? "/128" : "/32"));
    });
    return Optional.of(v);
  }

  private static Optional<ObjectNode> custom(JsonNode metric) {
    if (!metric.isArray() || metric.isEmpty()) {
      return Optional.empty();
    }
    JsonNode typed = metric.get(0);
    ObjectNode v = NODES.objectNode();
    if (typed.has("number")) {
      v.set("number", typed.get("number"));
    } else if (typed.has("number_list")) {
      v.set("numbers", typed.get("number_list"));
    } else if (typed.has("string_list")) {
      v.set("strings", typed.get("string_list"));
    } else if (typed.has("ip_list")) {
      ArrayNode cidrs = v.putArray("cidrs");
      typed.get("ip_list").forEach(ip -> cidrs.add(ip.asText() + (ip.asText().contains(":") ? "/128" : "/32")));
    }
    return Optional.of(v);
  }
}
