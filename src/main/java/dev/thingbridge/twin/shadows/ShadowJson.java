package dev.thingbridge.twin.shadows;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.core.exc.StreamConstraintsException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.Iterator;
import java.util.Map;

/**
 * The JSON rules of shadow documents: strict parsing (UTF-8 only, no duplicate keys, nothing after the
 * document, numbers kept as written), deep merge with per-leaf metadata, delta computation and the size and
 * depth measures AWS limits.
 */
final class ShadowJson {
  /** Parse failures the service maps to its documented rejections. */
  public enum ParseFailure {
    NOT_UTF8,
    INVALID_JSON,
    TOO_DEEP
  }

  /** Thrown by {@link #parse}. */
  public static final class ParseException extends Exception {
    private final ParseFailure failure;

    ParseException(ParseFailure failure, String detail) {
      super(detail, null, false, false);
      this.failure = failure;
    }

    public ParseFailure failure() {
      return failure;
    }
  }

  private static final int PARSER_MAX_NESTING = 1000;

  static final JsonNodeFactory NODES = JsonNodeFactory.withExactBigDecimals(true);

  /** The mapper for shadow documents (numbers as written, strict about what it reads). */
  public static final ObjectMapper MAPPER = JsonMapper.builder()
      .nodeFactory(NODES)
      .enable(DeserializationFeature.USE_BIG_DECIMAL_FOR_FLOATS)
      .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
      .enable(JsonParser.Feature.STRICT_DUPLICATE_DETECTION)
      .build();

  static {
    MAPPER.getFactory().setStreamReadConstraints(
        StreamReadConstraints.builder().maxNestingDepth(PARSER_MAX_NESTING).build());
  }

  private ShadowJson() {}

  /** A new empty object node. */
  public static ObjectNode object() {
    return NODES.objectNode();
  }

  /**
   * Parses a payload as one JSON value.
   *
   * @throws ParseException NOT_UTF8 for bytes that are not UTF-8 (or carry a UTF-16/32 byte order mark),
   *     TOO_DEEP past the parser's nesting ceiling, INVALID_JSON for everything else (including empty input)
   */
  public static JsonNode parse(byte[] payload) throws ParseException {
    if (!isUtf8(payload)) {
      throw new ParseException(ParseFailure.NOT_UTF8, "payload is not UTF-8");
    }
    if (payload.length == 0) {
      throw new ParseException(ParseFailure.INVALID_JSON, "empty payload");
    }
    try {
      JsonNode node = MAPPER.readTree(payload);
      if (node == null || node.isMissingNode()) {
        throw new ParseException(ParseFailure.INVALID_JSON, "no JSON value");
      }
      return node;
    } catch (StreamConstraintsException e) {
      throw new ParseException(ParseFailure.TOO_DEEP, e.getOriginalMessage());
    } catch (IOException e) {
      throw new ParseException(ParseFailure.INVALID_JSON, e.getMessage());
    }
  }

  private static boolean isUtf8(byte[] payload) {
    if (payload.length >= 2 && ((payload[0] == (byte) 0xFE && payload[1] == (byte) 0xFF)
        || (payload[0] == (byte) 0xFF && payload[1] == (byte) 0xFE))) {
      return false;
    }
    if (isAscii(payload)) {
      return true; // the common case, without a decoder and its buffer per request
    }
    try {
      StandardCharsets.UTF_8.newDecoder()
          .onMalformedInput(CodingErrorAction.REPORT)
          .onUnmappableCharacter(CodingErrorAction.REPORT)
          .decode(ByteBuffer.wrap(payload));
      return true;
    } catch (CharacterCodingException e) {
      return false;
    }
  }

  private static boolean isAscii(byte[] payload) {
    for (byte b : payload) {
      if (b < 0) {
        return false;
      }
    }
    return true;
  }

  /** Compact UTF-8 bytes of a node. */
  public static byte[] bytes(JsonNode node) {
    try {
      return MAPPER.writeValueAsBytes(node);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** Container nesting of a value: 0 for a scalar, 1 for an object or array of scalars, and so on. */
  public static int depth(JsonNode node) {
    if (!node.isContainerNode()) {
      return 0;
    }
    int deepest = 0;
    for (JsonNode child : node) {
      deepest = Math.max(deepest, depth(child));
    }
    return 1 + deepest;
  }

  /** Whether any array below {@code node} has a null element (AWS rejects those). */
  public static boolean hasNullInArray(JsonNode node) {
    if (node.isArray()) {
      for (JsonNode element : node) {
        if (element.isNull() || hasNullInArray(element)) {
          return true;
        }
      }
    } else if (node.isObject()) {
      for (JsonNode child : node) {
        if (hasNullInArray(child)) {
          return true;
        }
      }
    }
    return false;
  }

  /**
   * The metadata of a value: {@code {"timestamp": t}} for a scalar (or null), an array of per-element
   * metadata for an array, and an object of the children's metadata for an object.
   */
  public static JsonNode metadataOf(JsonNode value, long timestamp) {
    if (value.isObject()) {
      ObjectNode meta = object();
      value.fields().forEachRemaining(e -> meta.set(e.getKey(), metadataOf(e.getValue(), timestamp)));
      return meta;
    }
    if (value.isArray()) {
      ArrayNode meta = NODES.arrayNode(value.size());
      value.forEach(element -> meta.add(metadataOf(element, timestamp)));
      return meta;
    }
    return object().put("timestamp", timestamp);
  }

  /**
   * Deep-merges {@code patch} into {@code target} and keeps {@code targetMeta} parallel to it: objects merge
   * key by key, {@code null} removes a key, anything else (scalars, arrays) replaces the old value whole.
   */
  public static void merge(ObjectNode target, ObjectNode targetMeta, JsonNode patch, long timestamp) {
    Iterator<Map.Entry<String, JsonNode>> fields = patch.fields();
    while (fields.hasNext()) {
      Map.Entry<String, JsonNode> e = fields.next();
      String key = e.getKey();
      JsonNode value = e.getValue();
      if (value.isNull()) {
        target.remove(key);
        targetMeta.remove(key);
      } else if (value.isObject()) {
        JsonNode existing = target.get(key);
        ObjectNode child;
        ObjectNode childMeta;
        if (existing instanceof ObjectNode o && targetMeta.get(key) instanceof ObjectNode m) {
          child = o;
          childMeta = m;
        } else {
          child = object();
          childMeta = object();
          target.set(key, child);
          targetMeta.set(key, childMeta);
        }
        merge(child, childMeta, value, timestamp);
      } else {
        target.set(key, value.deepCopy());
        targetMeta.set(key, metadataOf(value, timestamp));
      }
    }
  }

  /**
   * The delta between desired and reported: every desired key absent from reported or different from it;
   * objects on both sides are compared key by key (keeping the path to each differing leaf), anything else
   * (scalars, arrays, type changes) is compared whole and copied whole.
   */
  public static ObjectNode delta(ObjectNode desired, ObjectNode reported, boolean numbersByValue) {
    ObjectNode out = object();
    desired.fields().forEachRemaining(e -> {
      JsonNode want = e.getValue();
      JsonNode have = reported.get(e.getKey());
      if (have == null) {
        out.set(e.getKey(), want.deepCopy());
      } else if (want instanceof ObjectNode w && have instanceof ObjectNode h) {
        ObjectNode sub = delta(w, h, numbersByValue);
        if (!sub.isEmpty()) {
          out.set(e.getKey(), sub);
        }
      } else if (!same(want, have, numbersByValue)) {
        out.set(e.getKey(), want.deepCopy());
      }
    });
    return out;
  }

  /** The desired-side metadata of exactly the keys of a delta. */
  public static ObjectNode deltaMetadata(ObjectNode delta, ObjectNode desiredMeta) {
    ObjectNode out = object();
    delta.fields().forEachRemaining(e -> {
      JsonNode meta = desiredMeta.get(e.getKey());
      if (meta == null) {
        return;
      }
      if (e.getValue() instanceof ObjectNode d && meta instanceof ObjectNode m) {
        out.set(e.getKey(), deltaMetadata(d, m));
      } else {
        out.set(e.getKey(), meta.deepCopy());
      }
    });
    return out;
  }

  /**
   * Deep equality of JSON values. Integers of any width compare by value; with {@code numbersByValue} an
   * integer and a decimal of the same value (1 and 1.0) are equal too.
   */
  public static boolean same(JsonNode a, JsonNode b, boolean numbersByValue) {
    if (a.isNumber() && b.isNumber()) {
      if (a.isIntegralNumber() && b.isIntegralNumber()) {
        return a.bigIntegerValue().equals(b.bigIntegerValue());
      }
      if (a.isIntegralNumber() != b.isIntegralNumber() && !numbersByValue) {
        return false;
      }
      return a.decimalValue().compareTo(b.decimalValue()) == 0;
    }
    if (a.getNodeType() != b.getNodeType()) {
      return false;
    }
    if (a.isArray()) {
      if (a.size() != b.size()) {
        return false;
      }
      for (int i = 0; i < a.size(); i++) {
        if (!same(a.get(i), b.get(i), numbersByValue)) {
          return false;
        }
      }
      return true;
    }
    if (a.isObject()) {
      if (a.size() != b.size()) {
        return false;
      }
      Iterator<Map.Entry<String, JsonNode>> fields = a.fields();
      while (fields.hasNext()) {
        Map.Entry<String, JsonNode> e = fields.next();
        JsonNode other = b.get(e.getKey());
        if (other == null || !same(e.getValue(), other, numbersByValue)) {
          return false;
        }
      }
      return true;
    }
    return a.equals(b);
  }
}
