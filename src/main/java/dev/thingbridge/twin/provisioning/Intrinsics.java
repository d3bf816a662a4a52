package dev.thingbridge.twin.provisioning;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * The intrinsic functions of provisioning templates, evaluated over a template's {@code Mappings} and its bound
 * parameters: {@code Ref}, {@code Fn::Join}, {@code Fn::Sub} (a string, or {@code [string, {variables}]};
 * {@code ${!Literal}} stays literal), {@code Fn::FindInMap}, {@code Fn::Select} and {@code Fn::Split}. Any
 * other function is refused.
 */
final class Intrinsics {
  private static final Pattern VARIABLE = Pattern.compile("\\$\\{([^}]*)}");
  private static final JsonNodeFactory NODES = JsonNodeFactory.instance;

  private final JsonNode mappings;
  private final Map<String, JsonNode> values;

  /** @param values the parameters (and pseudo parameters) by name, as {@code Ref} sees them */
  Intrinsics(JsonNode mappings, Map<String, JsonNode> values) {
    this.mappings = mappings;
    this.values = values;
  }

  static boolean isIntrinsic(JsonNode n) {
    if (!n.isObject() || n.size() != 1) {
      return false;
    }
    String key = n.fieldNames().next();
    return key.equals("Ref") || key.startsWith("Fn::");
  }

  /** Evaluates every intrinsic function in {@code node}. */
  JsonNode eval(JsonNode node, String where) {
    if (isIntrinsic(node)) {
      Map.Entry<String, JsonNode> f = node.fields().next();
      return intrinsic(f.getKey(), f.getValue(), where);
    }
    if (node.isObject()) {
      ObjectNode out = NODES.objectNode();
      node.fields().forEachRemaining(e -> out.set(e.getKey(), eval(e.getValue(), where + "." + e.getKey())));
      return out;
    }
    if (node.isArray()) {
      ArrayNode out = NODES.arrayNode();
      node.forEach(e -> out.add(eval(e, where)));
      return out;
    }
    return node;
  }

  private JsonNode intrinsic(String name, JsonNode arg, String where) {
    switch (name) {
      case "Ref" -> {
        JsonNode v = values.get(arg.asText());
        if (v == null) {
          throw invalidTemplate(where + ": Ref to an undeclared parameter " + arg.asText());
        }
        return v;
      }
      case "Fn::Join" -> {
        JsonNode a = args(name, arg, 2, where);
        String delimiter = text(eval(a.get(0), where), where);
        JsonNode items = eval(a.get(1), where);
        if (!items.isArray()) {
          throw invalidTemplate(where + ": Fn::Join takes a delimiter and a list");
        }
        List<String> parts = new ArrayList<>();
        items.forEach(i -> parts.add(text(i, where)));
        return NODES.textNode(String.join(delimiter, parts));
      }
      case "Fn::Sub" -> {
        return NODES.textNode(sub(arg, where));
      }
      case "Fn::FindInMap" -> {
        JsonNode a = args(name, arg, 3, where);
        String map = text(eval(a.get(0), where), where);
        String top = text(eval(a.get(1), where), where);
        String second = text(eval(a.get(2), where), where);
        JsonNode v = mappings.path(map).path(top).get(second);
        if (v == null) {
          throw invalidParameters(where + ": Fn::FindInMap found nothing at " + map + "/" + top + "/" + second);
        }
        return v;
      }
      case "Fn::Select" -> {
        JsonNode a = args(name, arg, 2, where);
        JsonNode index = eval(a.get(0), where);
        JsonNode list = eval(a.get(1), where);
        int i;
        try {
          i = index.isNumber() ? index.intValue() : Integer.parseInt(index.asText());
        } catch (NumberFormatException e) {
          throw invalidTemplate(where + ": Fn::Select index is not a number");
        }
        if (!list.isArray() || i < 0 || i >= list.size()) {
          throw invalidParameters(where + ": Fn::Select index " + i + " is outside the list");
        }
        return list.get(i);
      }
      case "Fn::Split" -> {
        JsonNode a = args(name, arg, 2, where);
        String delimiter = text(eval(a.get(0), where), where);
        if (delimiter.isEmpty()) {
          throw invalidTemplate(where + ": Fn::Split needs a delimiter");
        }
        ArrayNode out = NODES.arrayNode();
        String source = text(eval(a.get(1), where), where);
        for (String part : source.split(Pattern.quote(delimiter), -1)) {
          out.add(part);
        }
        return out;
      }
      default -> throw invalidTemplate(where + ": unsupported function " + name);
    }
  }

  private String sub(JsonNode arg, String where) {
    String template;
    Map<String, JsonNode> local = new LinkedHashMap<>();
    if (arg.isTextual()) {
      template = arg.asText();
    } else if (arg.isArray() && arg.size() == 2 && arg.get(0).isTextual() && arg.get(1).isObject()) {
      template = arg.get(0).asText();
      arg.get(1).fields().forEachRemaining(e -> local.put(e.getKey(), eval(e.getValue(), where)));
    } else {
      throw invalidTemplate(where + ": Fn::Sub takes a string or [string, {variables}]");
    }
    java.util.regex.Matcher m = VARIABLE.matcher(template);
    StringBuilder out = new StringBuilder();
    while (m.find()) {
      String var = m.group(1);
      String replacement;
      if (var.startsWith("!")) {
        replacement = "${" + var.substring(1) + "}";
      } else {
        JsonNode v = local.containsKey(var) ? local.get(var) : values.get(var);
        if (v == null) {
          throw invalidTemplate(where + ": Fn::Sub refers to an unknown variable " + var);
        }
        replacement = text(v, where);
      }
      m.appendReplacement(out, java.util.regex.Matcher.quoteReplacement(replacement));
    }
    m.appendTail(out);
    return out.toString();
  }

  private static JsonNode args(String name, JsonNode arg, int count, String where) {
    if (!arg.isArray() || arg.size() != count) {
      throw invalidTemplate(where + ": " + name + " takes a list of " + count);
    }
    return arg;
  }

  private static String text(JsonNode v, String where) {
    if (!v.isValueNode()) {
      throw invalidTemplate(where + ": expected a string, got " + (v.isArray() ? "a list" : "an object"));
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
