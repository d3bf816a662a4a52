package dev.thingbridge.twin.shadows;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.charset.StandardCharsets;
import java.util.Iterator;

/**
 * A validated {@code /update} request. Validation follows AWS's documented 400 rejections, in the order a
 * request is read: JSON, clientToken, version, state, then the desired and reported nodes and their depth.
 *
 * @param clientToken the token to echo, or null
 * @param version the expected current version, or null for no check
 * @param state the request's {@code state} (an object or JSON null)
 */
record UpdateRequest(String clientToken, Long version, JsonNode state) {
  static final int MAX_CLIENT_TOKEN_BYTES = 64;

  /** A rejection that knows the clientToken it must echo. */
  static final class Invalid extends Exception {
    final int code;
    final String clientToken;

    Invalid(int code, String message, String clientToken) {
      super(message, null, false, false);
      this.code = code;
      this.clientToken = clientToken;
    }
  }

  /** Parses and validates; {@code maxDepth} bounds the nesting of desired and reported (the node itself = 1). */
  static UpdateRequest parse(byte[] payload, int maxDepth) throws Invalid {
    JsonNode root = parseObject(payload, maxDepth);
    String token = clientToken(root);
    JsonNode versionNode = root.get("version");
    Long version = null;
    if (versionNode != null) {
      if (!versionNode.isIntegralNumber() || !versionNode.canConvertToLong() || versionNode.asLong() < 0) {
        throw new Invalid(400, "Invalid version", token);
      }
      version = versionNode.asLong();
    }
    JsonNode state = root.get("state");
    if (state == null) {
      throw new Invalid(400, "Missing required node: state", token);
    }
    if (state.isNull()) {
      return new UpdateRequest(token, version, state);
    }
    if (!state.isObject()) {
      throw new Invalid(400, "State node must be an object", token);
    }
    Iterator<String> names = state.fieldNames();
    while (names.hasNext()) {
      String name = names.next();
      if (!name.equals("desired") && !name.equals("reported")) {
        throw new Invalid(400, "State contains an invalid node: '" + name + "'", token);
      }
    }
    checkSection(state.get("desired"), "Desired", maxDepth, token);
    checkSection(state.get("reported"), "Reported", maxDepth, token);
    return new UpdateRequest(token, version, state);
  }

  private static void checkSection(JsonNode section, String label, int maxDepth, String token) throws Invalid {
    if (section == null || section.isNull()) {
      return;
    }
    if (!section.isObject()) {
      throw new Invalid(400, label + " node must be an object", token);
    }
    if (ShadowJson.depth(section) > maxDepth) {
      throw new Invalid(400, tooDeep(maxDepth), token);
    }
    if (ShadowJson.hasNullInArray(section)) {
      throw new Invalid(400, "State contains an invalid node: arrays must not contain null", token);
    }
  }

  static String tooDeep(int maxDepth) {
    return "JSON contains too many levels of nesting; maximum is " + maxDepth;
  }

  /** The payload as a JSON object; 415 for non-UTF-8, 400 otherwise. */
  static ObjectNode parseObject(byte[] payload, int maxDepth) throws Invalid {
    JsonNode root;
    try {
      root = ShadowJson.parse(payload);
    } catch (ShadowJson.ParseException e) {
      switch (e.failure()) {
        case NOT_UTF8 -> throw new Invalid(415, "Unsupported documented encoding; supported encoding is UTF-8", null);
        case TOO_DEEP -> throw new Invalid(400, tooDeep(maxDepth), null);
        default -> throw new Invalid(400, "Invalid JSON", null);
      }
    }
    if (!(root instanceof ObjectNode object)) {
      throw new Invalid(400, "Invalid JSON", null);
    }
    return object;
  }

  /** The request's clientToken: null when absent; 400 "Invalid clientToken" when not a string of at most 64 bytes. */
  static String clientToken(JsonNode root) throws Invalid {
    JsonNode token = root.get("clientToken");
    if (token == null) {
      return null;
    }
    if (!token.isTextual() || token.asText().getBytes(StandardCharsets.UTF_8).length > MAX_CLIENT_TOKEN_BYTES) {
      throw new Invalid(400, "Invalid clientToken", null);
    }
    return token.asText();
  }
}
