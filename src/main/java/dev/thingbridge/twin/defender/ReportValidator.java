package dev.thingbridge.twin.defender;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.thingbridge.internal.IpLiterals;
import dev.thingbridge.mqtt.PayloadFormat;
import java.util.Iterator;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * Checks a Device Defender metrics report against the documented schema
 * (https://docs.aws.amazon.com/iot-device-defender/latest/devguide/detect-device-side-metrics.html) and turns it
 * into one canonical form with the long member names, whichever names (long or short, even mixed by level)
 * the device used.
 *
 * <p>The codes: {@code Malformed} for a payload that is not a map in its format; {@code MissingHeader} when the
 * header, its report id or its version is absent; {@code InvalidPayload} for everything else the schema
 * forbids (wrong types, ports outside 1-65535, negative counters, a remote address that is not {@code ip:port},
 * custom metric names against the rule or values not wrapped as {@code [{"number": 1}]}, a member written both
 * long and short, members the schema does not know). Never throws for bad input.
 */
public final class ReportValidator {
  private static final JsonNodeFactory NODES = JsonNodeFactory.instance;
  private static final Pattern VERSION = Pattern.compile("[0-9]{1,3}\\.[0-9]{1,3}");
  private static final Pattern METRIC_NAME = Pattern.compile("[a-zA-Z0-9:_-]{1,128}");
  private static final Set<String> CUSTOM_TYPES = Set.of("number", "number_list", "string_list", "ip_list");

  private ReportValidator() {}

  /** A report that passed: its id and its canonical (long-name) tree. */
  public record Report(long reportId, String version, ObjectNode canonical) {}

  /** Why a report was refused. */
  public record Refusal(String errorCode, String message) {}

  /** The outcome: exactly one of {@code report} and {@code refusal} is set. */
  public record Outcome(Report report, Refusal refusal) {
    static Outcome refused(String code, String message) {
      return new Outcome(null, new Refusal(code, message));
    }
  }

  private static final class Invalid extends RuntimeException {
    final String code;

    Invalid(String code, String message) {
      super(message, null, false, false);
      this.code = code;
    }
  }

  /** Validates a payload. */
  public static Outcome validate(byte[] payload, PayloadFormat format) {
    JsonNode root;
    try {
      root = format.readTree(payload);
    } catch (IllegalArgumentException | StackOverflowError e) {
      return Outcome.refused("Malformed", "Malformed metrics report: " + shorten(e.getMessage()));
    }
    if (!root.isObject()) {
      return Outcome.refused("Malformed", "Malformed metrics report: not a " + format.suffix() + " map");
    }
    try {
      return new Outcome(canonical(root), null);
    } catch (Invalid e) {
      return Outcome.refused(e.code, e.getMessage());
    }
  }

  private static Report canonical(JsonNode root) {
    known(root, "", "header", "hed", "metrics", "met", "custom_metrics", "cmet");
    JsonNode header = member(root, "header", "hed", "");
    if (header == null) {
      throw new Invalid("MissingHeader", "Missing header");
    }
    object(header, "header");
    known(header, "header.", "report_id", "rid", "version", "v");
    JsonNode rid = member(header, "report_id", "rid", "header.");
    JsonNode version = member(header, "version", "v", "header.");
    if (rid == null) {
      throw new Invalid("MissingHeader", "Missing header.report_id");
    }
    if (version == null) {
      throw new Invalid("MissingHeader", "Missing header.version");
    }
    if (!rid.isIntegralNumber() || !rid.canConvertToLong() || rid.longValue() < 0) {
      throw invalid("header.report_id must be a non-negative integer");
    }
    if (!version.isTextual() || !VERSION.matcher(version.asText()).matches()) {
      throw invalid("header.version must be a string \"major.minor\"");
    }
    ObjectNode out = NODES.objectNode();
    out.putObject("header").put("report_id", rid.longValue()).put("version", version.asText());
    JsonNode metrics = member(root, "metrics", "met", "");
    JsonNode custom = member(root, "custom_metrics", "cmet", "");
    if (metrics == null && custom == null) {
      throw invalid("A report needs metrics or custom_metrics");
    }
    if (metrics != null) {
      out.set("metrics", metrics(object(metrics, "metrics")));
    }
    if (custom != null) {
      out.set("custom_metrics", custom(object(custom, "custom_metrics")));
    }
    return new Report(rid.longValue(), version.asText(), out);
  }

  private static ObjectNode metrics(JsonNode m) {
    known(m, "metrics.", "listening_tcp_ports", "tp", "listening_udp_ports", "up", "network_stats", "ns",
        "tcp_connections", "tc");
    ObjectNode out = NODES.objectNode();
    ports(out, "listening_tcp_ports", member(m, "listening_tcp_ports", "tp", "metrics."));
    ports(out, "listening_udp_ports", member(m, "listening_udp_ports", "up", "metrics."));
    JsonNode ns = member(m, "network_stats", "ns", "metrics.");
    if (ns != null) {
      String where = "metrics.network_stats.";
      object(ns, "metrics.network_stats");
      known(ns, where, "bytes_in", "bi", "bytes_out", "bo", "packets_in", "pi", "packets_out", "po");
      ObjectNode n = out.putObject("network_stats");
      for (String[] name : new String[][] {{"bytes_in", "bi"}, {"bytes_out", "bo"}, {"packets_in", "pi"},
          {"packets_out", "po"}}) {
        JsonNode v = member(ns, name[0], name[1], where);
        if (v != null) {
          n.put(name[0], count(v, where + name[0]));
        }
      }
    }
    JsonNode tc = member(m, "tcp_connections", "tc", "metrics.");
    if (tc != null) {
      object(tc, "metrics.tcp_connections");
      known(tc, "metrics.tcp_connections.", "established_connections", "ec");
      JsonNode ec = member(tc, "established_connections", "ec", "metrics.tcp_connections.");
      ObjectNode established = out.putObject("tcp_connections").putObject("established_connections");
      if (ec != null) {
        connections(established, object(ec, "metrics.tcp_connections.established_connections"));
      }
    }
    return out;
  }

  private static void ports(ObjectNode out, String name, JsonNode p) {
    if (p == null) {
      return;
    }
    String where = "metrics." + name;
    object(p, where);
    known(p, where + ".", "ports", "pts", "total", "t");
    ObjectNode n = out.putObject(name);
    JsonNode list = member(p, "ports", "pts", where + ".");
    if (list != null) {
      ArrayNode ports = n.putArray("ports");
      for (JsonNode e : array(list, where + ".ports")) {
        object(e, where + ".ports[]");
        known(e, where + ".ports[].", "port", "pt", "interface", "if");
        JsonNode port = member(e, "port", "pt", where + ".ports[].");
        if (port == null || !port.isIntegralNumber() || port.asLong() < 1 || port.asLong() > 65_535) {
          throw invalid(where + ".ports[].port must be 1-65535");
        }
        ObjectNode o = ports.addObject().put("port", port.intValue());
        JsonNode iface = member(e, "interface", "if", where + ".ports[].");
        if (iface != null) {
          o.put("interface", text(iface, where + ".ports[].interface"));
        }
      }
    }
    JsonNode total = member(p, "total", "t", where + ".");
    if (total != null) {
      n.put("total", count(total, where + ".total"));
    }
  }

  private static void connections(ObjectNode out, JsonNode ec) {
    String where = "metrics.tcp_connections.established_connections";
    known(ec, where + ".", "connections", "cs", "total", "t");
    JsonNode list = member(ec, "connections", "cs", where + ".");
    if (list != null) {
      ArrayNode cs = out.putArray("connections");
      for (JsonNode c : array(list, where + ".connections")) {
        object(c, where + ".connections[]");
        known(c, where + ".connections[].", "remote_addr", "rad", "local_port", "lp", "local_interface", "li");
        JsonNode rad = member(c, "remote_addr", "rad", where + ".connections[].");
        if (rad == null || !rad.isTextual() || !IpLiterals.isAddressAndPort(rad.asText(), true)) {
          throw invalid(where + ".connections[].remote_addr must be \"ip:port\"");
        }
        ObjectNode o = cs.addObject().put("remote_addr", rad.asText());
        JsonNode lp = member(c, "local_port", "lp", where + ".connections[].");
        if (lp != null) {
          if (!lp.isIntegralNumber() || lp.asLong() < 0 || lp.asLong() > 65_535) {
            throw invalid(where + ".connections[].local_port must be 0-65535");
          }
          o.put("local_port", lp.intValue());
        }
        JsonNode li = member(c, "local_interface", "li", where + ".connections[].");
        if (li != null) {
          o.put("local_interface", text(li, where + ".connections[].local_interface"));
        }
      }
    }
    JsonNode total = member(ec, "total", "t", where + ".");
    if (total != null) {
      out.put("total", count(total, where + ".total"));
    }
  }

  private static ObjectNode custom(JsonNode c) {
    ObjectNode out = NODES.objectNode();
    for (Iterator<Map.Entry<String, JsonNode>> it = c.fields(); it.hasNext(); ) {
      Map.Entry<String, JsonNode> e = it.next();
      String name = e.getKey();
      if (!METRIC_NAME.matcher(name).matches() || name.startsWith("aws:")) {
        throw invalid("custom metric name '" + shorten(name) + "' breaks the rule [a-zA-Z0-9:_-]{1,128}, not aws:");
      }
      JsonNode v = e.getValue();
      if (!v.isArray() || v.size() != 1 || !v.get(0).isObject() || v.get(0).size() != 1) {
        throw invalid("Malformed metrics report: custom metric " + name + " must be an array of one object, "
            + "like [{\"number\": 1}]");
      }
      Map.Entry<String, JsonNode> typed = v.get(0).fields().next();
      String type = typed.getKey();
      if (!CUSTOM_TYPES.contains(type)) {
        throw invalid("custom metric " + name + " has an unknown type " + shorten(type));
      }
      out.putArray(name).addObject().set(type, customValue(name, type, typed.getValue()));
    }
    return out;
  }

  private static JsonNode customValue(String name, String type, JsonNode v) {
    String where = "custom metric " + name;
    if (type.equals("number")) {
      if (!v.isNumber() || (v.isFloatingPointNumber() && !Double.isFinite(v.doubleValue()))) {
        throw invalid(where + ": number must be a number");
      }
      return v;
    }
    for (JsonNode e : array(v, where + "." + type)) {
      boolean ok = switch (type) {
        case "number_list" -> e.isNumber() && !(e.isFloatingPointNumber() && !Double.isFinite(e.doubleValue()));
        case "string_list" -> e.isTextual();
        default -> e.isTextual() && IpLiterals.isIp(e.asText());
      };
      if (!ok) {
        throw invalid(where + ": " + type + " holds a value of the wrong kind");
      }
    }
    return v;
  }

  /** A member by its long or short name; both at once is an error. */
  private static JsonNode member(JsonNode n, String longName, String shortName, String where) {
    JsonNode a = n.get(longName);
    JsonNode b = n.get(shortName);
    if (a != null && b != null) {
      throw invalid(where + longName + " is given twice, as " + longName + " and " + shortName);
    }
    JsonNode v = a != null ? a : b;
    return v == null || v.isNull() ? null : v;
  }

  private static void known(JsonNode n, String where, String... names) {
    Set<String> allowed = Set.of(names);
    for (Iterator<String> it = n.fieldNames(); it.hasNext(); ) {
      String f = it.next();
      if (!allowed.contains(f)) {
        throw invalid("unknown member " + where + shorten(f));
      }
    }
  }

  private static JsonNode object(JsonNode n, String where) {
    if (!n.isObject()) {
      throw invalid(where + " must be an object");
    }
    return n;
  }

  private static JsonNode array(JsonNode n, String where) {
    if (!n.isArray()) {
      throw invalid(where + " must be a list");
    }
    return n;
  }

  private static String text(JsonNode n, String where) {
    if (!n.isTextual()) {
      throw invalid(where + " must be a string");
    }
    return n.asText();
  }

  private static long count(JsonNode n, String where) {
    if (!n.isIntegralNumber() || !n.canConvertToLong() || n.longValue() < 0) {
      throw invalid(where + " must be a non-negative integer");
    }
    return n.longValue();
  }

  private static Invalid invalid(String message) {
    return new Invalid("InvalidPayload", message);
  }

  private static String shorten(String s) {
    return s == null ? "" : s.length() > 80 ? s.substring(0, 80) + "..." : s;
  }
}
