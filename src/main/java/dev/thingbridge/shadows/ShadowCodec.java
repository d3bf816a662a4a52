package dev.thingbridge.shadows;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.thingbridge.shadows.model.ShadowDeleted;
import dev.thingbridge.shadows.model.ShadowDeltaMessage;
import dev.thingbridge.shadows.model.ShadowDocument;
import dev.thingbridge.shadows.model.ShadowDocuments;
import dev.thingbridge.shadows.model.ShadowError;
import dev.thingbridge.shadows.model.ShadowUpdateRequest;
import java.io.IOException;

/**
 * JSON encoding of the Device Shadow wire documents ({@link dev.thingbridge.shadows.model}). Decoding is lenient
 * where AWS may grow (unknown keys are ignored, {@code metadata} is kept as received) and strict where a message
 * would be meaningless: not JSON, a root that is not an object, a {@code state} or section that is not an object,
 * a {@code version} that is not a non-negative integer. Every such payload gives an
 * {@link IllegalArgumentException} saying why; none is half-read.
 */
public final class ShadowCodec {
  private static final ObjectMapper MAPPER = JsonMapper.builder().build();
  private static final byte[] EMPTY_OBJECT = {'{', '}'};

  private ShadowCodec() {}

  /** Encodes an update request as compact JSON. */
  public static byte[] encode(ShadowUpdateRequest request) {
    ObjectNode root = JsonNodeFactory.instance.objectNode();
    root.set("state", request.state());
    if (request.clientToken() != null) {
      root.put("clientToken", request.clientToken());
    }
    if (request.version() != null) {
      root.put("version", request.version());
    }
    return write(root);
  }

  /**
   * The payload of a GET or delete request: {@code {"clientToken":…}} for correlation, or {@code {}} without a
   * token (AWS ignores the payload of both apart from the token).
   */
  public static byte[] encodeTokenOnly(String clientToken) {
    if (clientToken == null) {
      return EMPTY_OBJECT.clone();
    }
    ObjectNode root = JsonNodeFactory.instance.objectNode();
    root.put("clientToken", clientToken);
    return write(root);
  }

  /** Decodes a {@code get/accepted} or {@code update/accepted} reply. */
  public static ShadowDocument decodeDocument(byte[] payload) {
    ObjectNode root = root(payload, "shadow document");
    ObjectNode state = object(root, "state", "shadow document");
    String what = "shadow document state";
    return new ShadowDocument(
        state == null ? null : object(state, "desired", what),
        state == null ? null : object(state, "reported", what),
        state == null ? null : object(state, "delta", what),
        object(root, "metadata", "shadow document"),
        version(root, "shadow document", true),
        timestamp(root),
        token(root));
  }

  /** Decodes an {@code update/delta} message. */
  public static ShadowDeltaMessage decodeDelta(byte[] payload) {
    ObjectNode root = root(payload, "delta message");
    ObjectNode state = object(root, "state", "delta message");
    return new ShadowDeltaMessage(state == null ? JsonNodeFactory.instance.objectNode() : state,
        object(root, "metadata", "delta message"), version(root, "delta message", true), timestamp(root),
        token(root));
  }

  /** Decodes an {@code update/documents} message. */
  public static ShadowDocuments decodeDocuments(byte[] payload) {
    ObjectNode root = root(payload, "documents message");
    ObjectNode previous = object(root, "previous", "documents message");
    ObjectNode current = object(root, "current", "documents message");
    if (current == null) {
      throw new IllegalArgumentException("not a valid documents message: no current document");
    }
    return new ShadowDocuments(previous == null ? null : snapshot(previous, "previous"),
        snapshot(current, "current"), timestamp(root), token(root));
  }

  /** Decodes a {@code delete/accepted} reply. */
  public static ShadowDeleted decodeDeleted(byte[] payload) {
    ObjectNode root = root(payload, "delete reply");
    return new ShadowDeleted(version(root, "delete reply", false), timestamp(root), token(root));
  }

  /** Decodes the error document of a {@code rejected} reply. */
  public static ShadowError decodeError(byte[] payload) {
    ObjectNode root = root(payload, "error document");
    JsonNode code = root.get("code");
    if (code == null || !code.canConvertToInt() || !code.isIntegralNumber()) {
      throw new IllegalArgumentException("not a valid error document: code must be an integer");
    }
    JsonNode message = root.get("message");
    JsonNode ts = root.get("timestamp");
    return new ShadowError(code.intValue(), message != null && message.isTextual() ? message.asText() : "",
        ts != null && ts.isIntegralNumber() ? ts.longValue() : null, token(root));
  }

  /** Parses a JSON object (a state section given by a user, for example). */
  public static ObjectNode parseObject(String json, String what) {
    try {
      JsonNode node = MAPPER.readTree(json);
      if (node == null || !node.isObject()) {
        throw new IllegalArgumentException(what + " must be a JSON object");
      }
      return (ObjectNode) node;
    } catch (JsonProcessingException e) {
      throw new IllegalArgumentException(what + " is not JSON: " + e.getOriginalMessage(), e);
    }
  }

  /** Compact JSON text of a tree. */
  public static String toJson(JsonNode node) {
    return new String(write(node), java.nio.charset.StandardCharsets.UTF_8);
  }

  private static ShadowDocuments.Snapshot snapshot(ObjectNode node, String side) {
    String what = "documents message " + side;
    ObjectNode state = object(node, "state", what);
    return new ShadowDocuments.Snapshot(state == null ? null : object(state, "desired", what),
        state == null ? null : object(state, "reported", what), object(node, "metadata", what),
        version(node, what, false));
  }

  private static ObjectNode root(byte[] payload, String what) {
    JsonNode node;
    try {
      node = MAPPER.readTree(payload);
    } catch (JsonProcessingException e) {
      throw new IllegalArgumentException("not a valid " + what + ": not JSON (" + e.getOriginalMessage() + ")", e);
    } catch (IOException e) {
      throw new IllegalArgumentException("not a valid " + what + ": " + e.getMessage(), e);
    }
    if (node == null || !node.isObject()) {
      throw new IllegalArgumentException("not a valid " + what + ": the root must be a JSON object");
    }
    return (ObjectNode) node;
  }

  /** A member that must be an object when present; JSON null counts as absent. */
  private static ObjectNode object(ObjectNode parent, String name, String what) {
    JsonNode n = parent.get(name);
    if (n == null || n.isNull()) {
      return null;
    }
    if (!n.isObject()) {
      throw new IllegalArgumentException("not a valid " + what + ": " + name + " must be an object");
    }
    return (ObjectNode) n;
  }

  private static long version(ObjectNode root, String what, boolean required) {
    JsonNode v = root.get("version");
    if (v == null) {
      if (required) {
        throw new IllegalArgumentException("not a valid " + what + ": no version");
      }
      return 0;
    }
    if (!v.isIntegralNumber() || !v.canConvertToLong() || v.longValue() < 0) {
      throw new IllegalArgumentException("not a valid " + what + ": version must be a non-negative integer");
    }
    return v.longValue();
  }

  private static long timestamp(ObjectNode root) {
    JsonNode t = root.get("timestamp");
    return t != null && t.isIntegralNumber() && t.canConvertToLong() ? t.longValue() : 0;
  }

  private static String token(ObjectNode root) {
    JsonNode t = root.get("clientToken");
    return t != null && t.isTextual() ? t.asText() : null;
  }

  private static byte[] write(JsonNode node) {
    try {
      return MAPPER.writeValueAsBytes(node);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("a JSON tree could not be written", e);
    }
  }
}
