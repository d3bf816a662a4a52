package dev.thingbridge.shadows.internal;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.thingbridge.shadows.ShadowCodec;
import dev.thingbridge.shadows.schema.internal.ShadowJson;
import java.io.IOException;
import java.util.Objects;

/**
 * The shadow documents the manager reads and writes: the envelope of a delta, a GET reply, a delete reply and an
 * error reply ({@code state}, {@code version}, {@code clientToken}, {@code code}, {@code message}), and update
 * requests. Input from the broker is never trusted: anything that is not the expected shape is a
 * {@link MalformedDocumentException}.
 *
 * <p>Token-only requests are {@link ShadowCodec}'s. The rest stays here because the manager reads more leniently
 * than {@link ShadowCodec}: one envelope for every message kind, whose {@code state} is not checked section by
 * section (a delta's state is the delta itself, whose keys are the device's fields), a missing version (-1), and
 * an error reply without a numeric code (code 0) instead of a refusal; and it writes update requests with
 * {@code state} exactly as the engine built it (no {@code desired}/{@code reported} restriction or copying).
 */
public final class ManagedShadowCodec {
  private ManagedShadowCodec() {}

  /** A document that is not JSON or not shaped as AWS documents it. */
  public static final class MalformedDocumentException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    public MalformedDocumentException(String message) {
      super(message);
    }
  }

  /**
   * The parts of a shadow message the manager uses.
   *
   * @param state the {@code state} object (the delta itself for {@code /update/delta}, with {@code desired},
   *     {@code reported} and {@code delta} for a GET reply), or null when absent or null
   * @param version the document version, or -1 when absent
   * @param clientToken the client token, or null
   */
  public record Envelope(ObjectNode state, long version, String clientToken) {
    /** For a GET reply: the cloud-computed delta, or null when desired and reported agree. */
    public ObjectNode delta() {
      return section("delta");
    }

    /** For a GET reply: the desired state, or null. */
    public ObjectNode desired() {
      return section("desired");
    }

    private ObjectNode section(String name) {
      JsonNode d = state == null ? null : state.get(name);
      return d instanceof ObjectNode o ? o : null;
    }
  }

  /** An error reply: the HTTP-like code and AWS's message. */
  public record ErrorReply(int code, String message) {}

  public static Envelope envelope(byte[] payload) {
    ObjectNode root = object(payload);
    JsonNode state = root.get("state");
    if (state != null && !state.isNull() && !state.isObject()) {
      throw new MalformedDocumentException("state must be an object, got " + state.getNodeType());
    }
    JsonNode version = root.get("version");
    if (version != null && !version.isIntegralNumber()) {
      throw new MalformedDocumentException("version must be an integer");
    }
    JsonNode token = root.get("clientToken");
    return new Envelope(state instanceof ObjectNode o ? o : null, version == null ? -1 : version.asLong(),
        token != null && token.isTextual() ? token.asText() : null);
  }

  /** Reads an error reply; a reply without a numeric code becomes code 0 with the raw text as message. */
  public static ErrorReply error(byte[] payload) {
    try {
      ObjectNode root = object(payload);
      JsonNode code = root.get("code");
      JsonNode message = root.get("message");
      return new ErrorReply(code != null && code.canConvertToInt() ? code.asInt() : 0,
          message != null && message.isTextual() ? message.asText() : "");
    } catch (MalformedDocumentException e) {
      return new ErrorReply(0, e.getMessage());
    }
  }

  /**
   * An update request: {@code {"state": state, "clientToken": token}}. The state holds {@code desired} and/or
   * {@code reported}; no {@code version}, so concurrent cloud changes never make a device report fail.
   */
  public static byte[] update(ObjectNode state, String clientToken) {
    ObjectNode root = JsonNodeFactory.instance.objectNode();
    root.set("state", state);
    root.put("clientToken", clientToken);
    return bytes(root);
  }

  /** A GET or DELETE request carrying only the client token (AWS echoes it in the reply). */
  public static byte[] tokenOnly(String clientToken) {
    return ShadowCodec.encodeTokenOnly(Objects.requireNonNull(clientToken, "clientToken"));
  }

  /**
   * The desired document that removes one JSON Pointer path: {@code /a/b} gives {@code {"a":{"b":null}}}.
   * Null for the root pointer, which names no key.
   */
  public static ObjectNode nullAt(String pointer) {
    if (pointer == null || pointer.isEmpty() || !pointer.startsWith("/")) {
      return null;
    }
    String[] tokens = pointer.substring(1).split("/", -1);
    ObjectNode root = JsonNodeFactory.instance.objectNode();
    ObjectNode at = root;
    for (int i = 0; i < tokens.length; i++) {
      String key = tokens[i].replace("~1", "/").replace("~0", "~");
      if (i == tokens.length - 1) {
        at.putNull(key);
      } else {
        at = at.putObject(key);
      }
    }
    return root;
  }

  /**
   * The part of {@code changed} (a partial reported document) the cloud may hold as desired: keys that the full
   * desired projection has, and removals ({@code null}) of any key. Report-only fields are left out.
   */
  public static ObjectNode desiredPart(ObjectNode changed, ObjectNode fullDesired) {
    ObjectNode out = JsonNodeFactory.instance.objectNode();
    for (var e : changed.properties()) {
      JsonNode value = e.getValue();
      JsonNode desired = fullDesired == null ? null : fullDesired.get(e.getKey());
      if (value.isNull()) {
        out.set(e.getKey(), value);
      } else if (desired == null) {
        continue;
      } else if (value instanceof ObjectNode vo && desired instanceof ObjectNode dob) {
        ObjectNode inner = desiredPart(vo, dob);
        if (!inner.isEmpty() || vo.isEmpty()) {
          out.set(e.getKey(), inner);
        }
      } else {
        out.set(e.getKey(), value);
      }
    }
    return out;
  }

  private static ObjectNode object(byte[] payload) {
    JsonNode root;
    try {
      root = ShadowJson.MAPPER.readTree(payload);
    } catch (JsonProcessingException e) {
      throw new MalformedDocumentException("not JSON: " + e.getOriginalMessage());
    } catch (IOException e) {
      throw new MalformedDocumentException("not JSON: " + e.getMessage());
    }
    if (!(root instanceof ObjectNode o)) {
      throw new MalformedDocumentException("a shadow document must be a JSON object");
    }
    return o;
  }

  private static byte[] bytes(ObjectNode node) {
    try {
      return ShadowJson.MAPPER.writeValueAsBytes(node);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("a JSON tree always serialises", e);
    }
  }
}
