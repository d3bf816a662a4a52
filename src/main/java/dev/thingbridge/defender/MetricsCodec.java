package dev.thingbridge.defender;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.thingbridge.defender.KeyStyle.Member;
import dev.thingbridge.mqtt.PayloadFormat;
import java.nio.charset.StandardCharsets;

/**
 * Encodes metrics reports and decodes the service's replies, in JSON or CBOR (definite-length maps, text
 * keys), with short or long member names. Absent members are left out, never sent as {@code null}; {@link
 * #encodeWithNulls} sends absent {@code metrics}/{@code custom_metrics} as {@code null}, byte for byte what
 * rustot emits.
 */
public final class MetricsCodec {
  private MetricsCodec() {}

  /** Encodes a report; absent members are left out. */
  public static byte[] encode(MetricsReport report, PayloadFormat format, KeyStyle keys) {
    return format.write(tree(report, format, keys, false));
  }

  /** Encodes a report with {@code null} for absent standard or custom metrics (rustot's form). */
  public static byte[] encodeWithNulls(MetricsReport report, PayloadFormat format, KeyStyle keys) {
    return format.write(tree(report, format, keys, true));
  }

  /** The report as a tree (for printing, say). */
  public static ObjectNode tree(MetricsReport report, PayloadFormat format, KeyStyle keys, boolean explicitNulls) {
    ObjectNode root = format.mapper().createObjectNode();
    ObjectNode hed = root.putObject(keys.name(Member.HEADER));
    hed.put(keys.name(Member.REPORT_ID), report.header().reportId());
    hed.put(keys.name(Member.VERSION), report.header().version().text());
    if (report.metrics() != null) {
      standard(root.putObject(keys.name(Member.METRICS)), report.metrics(), keys);
    } else if (explicitNulls) {
      root.putNull(keys.name(Member.METRICS));
    }
    if (!report.customMetrics().isEmpty()) {
      ObjectNode cmet = root.putObject(keys.name(Member.CUSTOM_METRICS));
      report.customMetrics().forEach((name, value) -> custom(cmet.putArray(name).addObject(), value));
    } else if (explicitNulls) {
      root.putNull(keys.name(Member.CUSTOM_METRICS));
    }
    return root;
  }

  private static void standard(ObjectNode met, StandardMetrics m, KeyStyle keys) {
    ports(met, Member.LISTENING_TCP_PORTS, m.listeningTcpPorts(), keys);
    ports(met, Member.LISTENING_UDP_PORTS, m.listeningUdpPorts(), keys);
    if (m.networkStats() != null) {
      ObjectNode ns = met.putObject(keys.name(Member.NETWORK_STATS));
      putIfSet(ns, keys.name(Member.BYTES_IN), m.networkStats().bytesIn());
      putIfSet(ns, keys.name(Member.BYTES_OUT), m.networkStats().bytesOut());
      putIfSet(ns, keys.name(Member.PACKETS_IN), m.networkStats().packetsIn());
      putIfSet(ns, keys.name(Member.PACKETS_OUT), m.networkStats().packetsOut());
    }
    if (m.tcpConnections() != null) {
      ObjectNode ec = met.putObject(keys.name(Member.TCP_CONNECTIONS)).putObject(keys.name(Member.ESTABLISHED_CONNECTIONS));
      if (m.tcpConnections().connections() != null) {
        ArrayNode cs = ec.putArray(keys.name(Member.CONNECTIONS));
        for (TcpConnection c : m.tcpConnections().connections()) {
          ObjectNode n = cs.addObject();
          n.put(keys.name(Member.REMOTE_ADDR), c.remoteAddress());
          if (c.localPort() != null) {
            n.put(keys.name(Member.LOCAL_PORT), c.localPort().intValue());
          }
          if (c.localInterface() != null) {
            n.put(keys.name(Member.LOCAL_INTERFACE), c.localInterface());
          }
        }
      }
      putIfSet(ec, keys.name(Member.TOTAL), m.tcpConnections().total());
    }
  }

  private static void ports(ObjectNode met, Member member, ListeningPorts ports, KeyStyle keys) {
    if (ports == null) {
      return;
    }
    ObjectNode n = met.putObject(keys.name(member));
    if (ports.ports() != null) {
      ArrayNode pts = n.putArray(keys.name(Member.PORTS));
      for (ListeningPort p : ports.ports()) {
        ObjectNode e = pts.addObject();
        e.put(keys.name(Member.PORT), p.port());
        if (p.interfaceName() != null) {
          e.put(keys.name(Member.INTERFACE), p.interfaceName());
        }
      }
    }
    putIfSet(n, keys.name(Member.TOTAL), ports.total());
  }

  private static void custom(ObjectNode n, CustomMetric value) {
    if (value instanceof CustomMetric.Number num) {
      number(n, "number", num.value());
    } else if (value instanceof CustomMetric.NumberList list) {
      ArrayNode a = n.putArray("number_list");
      list.values().forEach(v -> {
        if (v instanceof Double d) {
          a.add(d);
        } else {
          a.add(v.longValue());
        }
      });
    } else if (value instanceof CustomMetric.StringList list) {
      list.values().forEach(n.putArray("string_list")::add);
    } else if (value instanceof CustomMetric.IpList list) {
      list.values().forEach(n.putArray("ip_list")::add);
    }
  }

  private static void number(ObjectNode n, String name, Number v) {
    if (v instanceof Double d) {
      n.put(name, d);
    } else {
      n.put(name, v.longValue());
    }
  }

  private static void putIfSet(ObjectNode n, String name, Long value) {
    if (value != null) {
      n.put(name, value.longValue());
    }
  }

  /**
   * Decodes a rejected reply ({@code {"thingName","status","statusDetails":{"ErrorCode","ErrorMessage"},
   * "timestamp"}}). Never fails: an undecodable reply gives {@link DefenderErrorCode#UNKNOWN} with its text.
   */
  public static DefenderRejection decodeRejection(byte[] payload, PayloadFormat format) {
    JsonNode root;
    try {
      root = format.readTree(payload);
    } catch (IllegalArgumentException e) {
      root = null;
    }
    if (root == null || !root.isObject()) {
      String text = new String(payload, StandardCharsets.UTF_8);
      return new DefenderRejection(null, DefenderErrorCode.UNKNOWN, null,
          text.length() > 300 ? text.substring(0, 300) + "..." : text, null, null);
    }
    JsonNode details = root.path("statusDetails");
    String raw = text(details, "ErrorCode");
    return new DefenderRejection(text(root, "thingName"), DefenderErrorCode.fromWire(raw), raw,
        text(details, "ErrorMessage"), longValue(root, "reportId"), longValue(root, "timestamp"));
  }

  /** Decodes an accepted reply leniently (AWS's example of it is garbled; every member is optional). */
  public static ReportAcceptance decodeAcceptance(byte[] payload, PayloadFormat format) {
    JsonNode root;
    try {
      root = format.readTree(payload);
    } catch (IllegalArgumentException e) {
      return new ReportAcceptance(null, null, null);
    }
    return new ReportAcceptance(text(root, "thingName"), longValue(root, "reportId"), longValue(root, "timestamp"));
  }

  private static String text(JsonNode n, String name) {
    JsonNode v = n.get(name);
    return v == null || v.isNull() || v.isContainerNode() ? null : v.asText();
  }

  private static Long longValue(JsonNode n, String name) {
    JsonNode v = n.get(name);
    return v != null && v.canConvertToLong() && v.isIntegralNumber() ? v.longValue() : null;
  }
}
