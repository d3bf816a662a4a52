package dev.thingbridge.commands;

import com.fasterxml.jackson.databind.JavaType;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.util.Base64;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;

/** Encodes status updates and decodes requests and replies, in JSON or CBOR. */
public final class CommandCodec {
  private CommandCodec() {}

  /** Encodes an update; in CBOR the map is definite-length and {@code bin} values are byte strings. */
  public static byte[] encode(CommandUpdate update, CommandFormat format) {
    ObjectMapper m = format.mapper();
    ObjectNode root = m.createObjectNode();
    if (update.executionId() != null) {
      root.put("executionId", update.executionId());
    }
    root.put("status", update.status().name());
    if (update.statusReason() != null) {
      ObjectNode r = root.putObject("statusReason");
      r.put("reasonCode", update.statusReason().reasonCode());
      if (update.statusReason().reasonDescription() != null) {
        r.put("reasonDescription", update.statusReason().reasonDescription());
      }
    }
    if (!update.result().isEmpty()) {
      ObjectNode result = root.putObject("result");
      update.result().forEach((name, value) -> {
        ObjectNode v = result.putObject(name);
        if (value instanceof CommandResultValue.Str s) {
          v.put("s", s.value());
        } else if (value instanceof CommandResultValue.Bool b) {
          v.put("b", b.value());
        } else if (value instanceof CommandResultValue.Bin b) {
          v.put("bin", b.value());
        }
      });
    }
    try {
      return m.writeValueAsBytes(root);
    } catch (IOException e) {
      throw new IllegalArgumentException("cannot encode command update: " + e.getMessage(), e);
    }
  }

  /** Decodes an update (what the cloud reads). */
  public static CommandUpdate decodeUpdate(byte[] payload, CommandFormat format) {
    JsonNode root = tree(payload, format, "command update");
    String id = root.hasNonNull("executionId") ? root.get("executionId").asText() : null;
    CommandStatus status = CommandStatus.fromWire(root.path("status").asText(null));
    CommandStatusReason reason = null;
    if (root.has("statusReason")) {
      JsonNode r = root.get("statusReason");
      reason = new CommandStatusReason(r.path("reasonCode").asText(null),
          r.hasNonNull("reasonDescription") ? r.get("reasonDescription").asText() : null);
    }
    Map<String, CommandResultValue> result = new LinkedHashMap<>();
    for (Iterator<Map.Entry<String, JsonNode>> it = root.path("result").fields(); it.hasNext(); ) {
      Map.Entry<String, JsonNode> e = it.next();
      result.put(e.getKey(), resultValue(e.getKey(), e.getValue()));
    }
    return new CommandUpdate(id, status, reason, result);
  }

  /** One result value from its wire form ({@code s}, {@code b} or {@code bin}; bin as bytes or base64). */
  public static CommandResultValue resultValue(String name, JsonNode v) {
    try {
      if (v.has("s")) {
        return CommandResultValue.of(v.get("s").asText());
      }
      if (v.has("b") && v.get("b").isBoolean()) {
        return CommandResultValue.of(v.get("b").booleanValue());
      }
      if (v.has("bin")) {
        JsonNode bin = v.get("bin");
        return CommandResultValue.of(bin.isBinary() ? bin.binaryValue() : Base64.getDecoder().decode(bin.asText()));
      }
    } catch (IOException | IllegalArgumentException e) {
      throw new IllegalArgumentException("result '" + name + "' has a bad bin value: " + e.getMessage(), e);
    }
    throw new IllegalArgumentException("result '" + name + "' must be {\"s\":...}, {\"b\":...} or {\"bin\":...}");
  }

  /** Decodes a rejected reply; never fails (an undecodable one gives an UNKNOWN code and the raw text). */
  public static CommandRejection decodeRejection(byte[] payload, CommandFormat format) {
    JsonNode root;
    try {
      root = tree(payload, format, "rejection");
    } catch (IllegalArgumentException e) {
      return new CommandRejection(null, CommandErrorCode.UNKNOWN, null,
          new String(payload, java.nio.charset.StandardCharsets.UTF_8), null);
    }
    String raw = text(root, "error", "errorCode");
    return new CommandRejection(text(root, "executionId"), CommandErrorCode.fromWire(raw), raw,
        text(root, "errorMessage", "message"),
        root.has("status") ? CommandStatus.fromWire(root.get("status").asText()) : null);
  }

  /**
   * Decodes a request payload into the caller's type.
   *
   * @throws IllegalArgumentException with the reason when it is not valid for the type
   */
  public static <T> T decodePayload(byte[] payload, CommandFormat format, JavaType type) {
    try {
      T value = format.mapper().readValue(payload, type);
      if (value == null) {
        throw new IllegalArgumentException("the payload is null");
      }
      return value;
    } catch (IOException e) {
      String reason = e instanceof com.fasterxml.jackson.core.JsonProcessingException j ? j.getOriginalMessage()
          : e.getMessage();
      throw new IllegalArgumentException("not a valid " + format.suffix() + " "
          + type.getRawClass().getSimpleName() + ": " + reason, e);
    }
  }

  private static JsonNode tree(byte[] payload, CommandFormat format, String what) {
    try {
      JsonNode n = format.mapper().readTree(payload);
      if (n == null || !n.isObject()) {
        throw new IllegalArgumentException(what + " must be a " + format.suffix() + " map");
      }
      return n;
    } catch (IOException e) {
      throw new IllegalArgumentException("not a valid " + format.suffix() + " " + what + ": " + e.getMessage(), e);
    }
  }

  private static String text(JsonNode root, String... names) {
    for (String n : names) {
      if (root.hasNonNull(n)) {
        return root.get(n).asText();
      }
    }
    return null;
  }
}
