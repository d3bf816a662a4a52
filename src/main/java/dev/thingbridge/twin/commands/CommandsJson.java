package dev.thingbridge.twin.commands;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.math.BigDecimal;
import java.time.Instant;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The JSON shapes of the AWS API (restJson: timestamps as epoch seconds with milliseconds, blobs as base64,
 * result values as {@code S}/{@code B}/{@code BIN}) and of the status events (timestamps in milliseconds).
 */
final class CommandsJson {
  private final ObjectMapper mapper = new ObjectMapper();
  private final CommandsSettings settings;

  public CommandsJson(CommandsSettings settings) {
    this.settings = settings;
  }

  public ObjectMapper mapper() {
    return mapper;
  }

  /** The event on {@code $aws/events/commandExecution/<commandId>/<status>}. */
  public byte[] event(CommandExecution e, Instant now) {
    ObjectNode doc = mapper.createObjectNode();
    doc.put("executionId", e.executionId());
    doc.put("status", e.status().name());
    if (e.statusReason() != null) {
      doc.set("statusReason", reason(e.statusReason()));
    }
    doc.put("eventType", "COMMAND_EXECUTION");
    doc.put("commandArn", e.commandArn());
    doc.put("targetArn", e.targetArn());
    doc.put("timestamp", now.toEpochMilli());
    return bytes(doc);
  }

  /** GetCommand's response. */
  public ObjectNode command(Command c) {
    ObjectNode doc = mapper.createObjectNode();
    doc.put("commandId", c.commandId());
    doc.put("commandArn", c.commandArn());
    doc.put("namespace", c.spec().namespace());
    putIfSet(doc, "displayName", c.spec().displayName());
    putIfSet(doc, "description", c.spec().description());
    if (!c.spec().mandatoryParameters().isEmpty()) {
      ArrayNode params = doc.putArray("mandatoryParameters");
      for (CommandParameter p : c.spec().mandatoryParameters()) {
        params.add(parameter(p));
      }
    }
    ObjectNode payload = doc.putObject("payload");
    payload.put("content", Base64.getEncoder().encodeToString(c.spec().payload()));
    putIfSet(payload, "contentType", c.spec().contentType());
    putIfSet(doc, "roleArn", c.spec().roleArn());
    doc.put("createdAt", seconds(c.createdAt()));
    doc.put("lastUpdatedAt", seconds(c.lastUpdatedAt()));
    doc.put("deprecated", false);
    doc.put("pendingDeletion", false);
    return doc;
  }

  /** A mandatory parameter as CreateCommand and GetCommand spell it. */
  public ObjectNode parameter(CommandParameter p) {
    ObjectNode node = mapper.createObjectNode();
    node.put("name", p.name());
    if (p.value() != null) {
      node.set("value", parameterValue(p.value()));
    }
    if (p.defaultValue() != null) {
      node.set("defaultValue", parameterValue(p.defaultValue()));
    }
    putIfSet(node, "description", p.description());
    return node;
  }

  /** GetCommandExecution's response. */
  public ObjectNode execution(CommandExecution e, boolean includeResult) {
    ObjectNode doc = mapper.createObjectNode();
    doc.put("executionId", e.executionId());
    doc.put("commandArn", e.commandArn());
    doc.put("targetArn", e.targetArn());
    doc.put("status", e.status().name());
    if (e.statusReason() != null) {
      doc.set("statusReason", reason(e.statusReason()));
    }
    if (includeResult && !e.result().isEmpty()) {
      ObjectNode result = doc.putObject("result");
      e.result().forEach((k, v) -> result.set(k, apiResult(v)));
    }
    if (!e.parameters().isEmpty()) {
      ObjectNode params = doc.putObject("parameters");
      e.parameters().forEach((k, v) -> params.set(k, parameterValue(v)));
    }
    doc.put("executionTimeoutSeconds", e.executionTimeoutSeconds());
    doc.put("createdAt", seconds(e.createdAt()));
    doc.put("lastUpdatedAt", seconds(e.lastUpdatedAt()));
    if (e.startedAt() != null) {
      doc.put("startedAt", seconds(e.startedAt()));
    }
    if (e.completedAt() != null) {
      doc.put("completedAt", seconds(e.completedAt()));
    }
    doc.put("timeToLive", seconds(e.timeToLive()));
    return doc;
  }

  /** One entry of ListCommandExecutions. */
  public ObjectNode summary(CommandExecution e) {
    ObjectNode doc = mapper.createObjectNode();
    doc.put("commandArn", e.commandArn());
    doc.put("executionId", e.executionId());
    doc.put("targetArn", e.targetArn());
    doc.put("status", e.status().name());
    doc.put("createdAt", seconds(e.createdAt()));
    if (e.startedAt() != null) {
      doc.put("startedAt", seconds(e.startedAt()));
    }
    if (e.completedAt() != null) {
      doc.put("completedAt", seconds(e.completedAt()));
    }
    return doc;
  }

  public ObjectNode reason(StatusReason r) {
    ObjectNode node = mapper.createObjectNode();
    node.put("reasonCode", r.reasonCode());
    if (r.reasonDescription() != null) {
      node.put("reasonDescription", r.reasonDescription());
    }
    return node;
  }

  /** A result value as the control plane spells it: {@code S}, {@code B} or {@code BIN} (base64). */
  public ObjectNode apiResult(ResultValue v) {
    ObjectNode node = mapper.createObjectNode();
    if (v.s() != null) {
      node.put("S", v.s());
    } else if (v.b() != null) {
      node.put("B", v.b());
    } else {
      node.put("BIN", Base64.getEncoder().encodeToString(v.bin()));
    }
    return node;
  }

  /** A parameter value: {@code {"S": ...}} and so on, BIN as base64. */
  public ObjectNode parameterValue(ParameterValue v) {
    ObjectNode node = mapper.createObjectNode();
    Object value = v.value();
    switch (v.type()) {
      case S, UL -> node.put(v.type().name(), (String) value);
      case B -> node.put("B", (Boolean) value);
      case I -> node.put("I", (Integer) value);
      case L -> node.put("L", (Long) value);
      case D -> node.put("D", (Double) value);
      case BIN -> node.put("BIN", Base64.getEncoder().encodeToString((byte[]) value));
      default -> throw new IllegalStateException();
    }
    return node;
  }

  /**
   * Reads a parameter value.
   *
   * @throws IllegalArgumentException if it is not exactly one well-typed member
   */
  public ParameterValue readParameterValue(String where, JsonNode node) {
    if (node == null || !node.isObject() || node.size() != 1) {
      throw new IllegalArgumentException(where + " must have exactly one of S, B, I, L, D, BIN, UL");
    }
    Map.Entry<String, JsonNode> only = node.properties().iterator().next();
    JsonNode v = only.getValue();
    ParameterValue.Type type;
    try {
      type = ParameterValue.Type.valueOf(only.getKey());
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException(where + " has an unknown member " + only.getKey());
    }
    Object value = switch (type) {
      case S, UL -> v.isTextual() ? v.textValue() : null;
      case B -> v.isBoolean() ? v.booleanValue() : null;
      case I -> v.canConvertToInt() && v.isIntegralNumber() ? v.intValue() : null;
      case L -> v.canConvertToLong() && v.isIntegralNumber() ? v.longValue() : null;
      case D -> v.isNumber() ? v.doubleValue() : null;
      case BIN -> v.isTextual() ? decodeBase64(where, v.textValue()) : null;
    };
    if (value == null) {
      throw new IllegalArgumentException(where + "." + type + " has the wrong type");
    }
    return new ParameterValue(type, value);
  }

  /** Reads a map of parameter values. */
  public Map<String, ParameterValue> readParameters(JsonNode node) {
    Map<String, ParameterValue> out = new LinkedHashMap<>();
    if (node == null || node.isNull()) {
      return out;
    }
    if (!node.isObject()) {
      throw new IllegalArgumentException("parameters must be a map");
    }
    for (Map.Entry<String, JsonNode> e : node.properties()) {
      out.put(e.getKey(), readParameterValue("parameters." + e.getKey(), e.getValue()));
    }
    return out;
  }

  /** Reads a mandatory parameter. */
  public CommandParameter readParameter(JsonNode node) {
    if (node == null || !node.isObject()) {
      throw new IllegalArgumentException("each mandatory parameter must be an object");
    }
    String name = text(node, "name");
    if (name == null || !CommandParameter.isValidName(name)) {
      throw new IllegalArgumentException("mandatory parameter names must be 1 to 192 characters of [.$a-zA-Z0-9_-]");
    }
    JsonNode value = node.get("value");
    JsonNode defaultValue = node.get("defaultValue");
    return new CommandParameter(name,
        value == null || value.isNull() ? null : readParameterValue(name + ".value", value),
        defaultValue == null || defaultValue.isNull() ? null : readParameterValue(name + ".defaultValue", defaultValue),
        text(node, "description"));
  }

  /** A text member, or null when absent or null; IllegalArgumentException when not text. */
  public static String text(JsonNode node, String field) {
    JsonNode v = node.get(field);
    if (v == null || v.isNull()) {
      return null;
    }
    if (!v.isTextual()) {
      throw new IllegalArgumentException(field + " must be a string");
    }
    return v.textValue();
  }

  public static byte[] decodeBase64(String where, String text) {
    try {
      return Base64.getDecoder().decode(text);
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException(where + " is not valid base64");
    }
  }

  /** Epoch seconds with millisecond fraction, as restJson sends timestamps. */
  public static BigDecimal seconds(Instant t) {
    return BigDecimal.valueOf(t.toEpochMilli(), 3);
  }

  public byte[] bytes(JsonNode doc) {
    try {
      return mapper.writeValueAsBytes(doc);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("cannot encode JSON", e);
    }
  }

  public CommandsSettings settings() {
    return settings;
  }

  private static void putIfSet(ObjectNode node, String field, String value) {
    if (value != null) {
      node.put(field, value);
    }
  }
}
