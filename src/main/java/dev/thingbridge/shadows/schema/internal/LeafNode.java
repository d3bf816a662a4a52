package dev.thingbridge.shadows.schema.internal;

import com.fasterxml.jackson.databind.JavaType;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectReader;
import com.fasterxml.jackson.databind.node.BooleanNode;
import com.fasterxml.jackson.databind.node.DoubleNode;
import com.fasterxml.jackson.databind.node.FloatNode;
import com.fasterxml.jackson.databind.node.IntNode;
import com.fasterxml.jackson.databind.node.LongNode;
import com.fasterxml.jackson.databind.node.NullNode;
import com.fasterxml.jackson.databind.node.ShortNode;
import com.fasterxml.jackson.databind.node.TextNode;
import dev.thingbridge.shadows.schema.spec.ShadowDeltaException;
import dev.thingbridge.shadows.schema.spec.ShadowDeltaException.Reason;
import java.io.IOException;
import java.util.Collection;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * An atomic value: a scalar, a string, a list or array (atomic in AWS shadows), or anything marked opaque. Common
 * scalars are read straight from the JSON tree; everything else goes through Jackson.
 */
public final class LeafNode implements Node {
  private enum Kind { BOOLEAN, INT, LONG, SHORT, BYTE, DOUBLE, FLOAT, STRING, GENERIC }

  private final JavaType type;
  private final Kind kind;
  private final ObjectReader reader;
  private final String defaultJson;
  private final Object scalarDefault;

  public LeafNode(JavaType type) {
    this.type = type;
    this.kind = kindOf(type.getRawClass());
    this.reader = ShadowJson.MAPPER.readerFor(type);
    this.defaultJson = kind == Kind.GENERIC ? readableOrNull(reader, genericDefaultJson(type)) : null;
    this.scalarDefault = scalarDefault(kind);
  }

  private static String readableOrNull(ObjectReader reader, String json) {
    if (json == null) {
      return null;
    }
    try {
      reader.readValue(json);
      return json;
    } catch (IOException | RuntimeException e) {
      return null;
    }
  }

  public JavaType type() {
    return type;
  }

  @Override
  public Object defaultValue() {
    if (kind != Kind.GENERIC) {
      return scalarDefault;
    }
    if (defaultJson == null) {
      return null;
    }
    try {
      return reader.readValue(defaultJson);
    } catch (IOException e) {
      return null;
    }
  }

  @Override
  public String descriptor() {
    return "L(" + type.toCanonical() + ")";
  }

  /** Reads a non-null JSON value, rejecting a wrong type with the given path. */
  public Object read(JsonNode json, String path) {
    switch (kind) {
      case BOOLEAN:
        if (json.isBoolean()) {
          return json.booleanValue();
        }
        throw wrongType(path, "a boolean", json);
      case INT:
        if (json.isIntegralNumber() && json.canConvertToInt()) {
          return json.intValue();
        }
        throw wrongType(path, "an int", json);
      case LONG:
        if (json.isIntegralNumber() && json.canConvertToLong()) {
          return json.longValue();
        }
        throw wrongType(path, "a long", json);
      case SHORT:
        if (json.isIntegralNumber() && json.canConvertToInt()
            && json.intValue() >= Short.MIN_VALUE && json.intValue() <= Short.MAX_VALUE) {
          return (short) json.intValue();
        }
        throw wrongType(path, "a short", json);
      case BYTE:
        if (json.isIntegralNumber() && json.canConvertToInt()
            && json.intValue() >= Byte.MIN_VALUE && json.intValue() <= Byte.MAX_VALUE) {
          return (byte) json.intValue();
        }
        throw wrongType(path, "a byte", json);
      case DOUBLE:
        // Infinity would not survive a JSON round trip (it is not a JSON number), so it is out of range here.
        if (json.isNumber() && Double.isFinite(json.doubleValue())) {
          return json.doubleValue();
        }
        throw wrongType(path, "a finite number", json);
      case FLOAT:
        if (json.isNumber() && Float.isFinite(json.floatValue())) {
          return json.floatValue();
        }
        throw wrongType(path, "a finite float", json);
      case STRING:
        if (json.isTextual()) {
          return json.textValue();
        }
        throw wrongType(path, "a string", json);
      default:
        return readGeneric(json, path);
    }
  }

  private Object readGeneric(JsonNode json, String path) {
    try {
      return reader.readValue(json);
    } catch (IOException | RuntimeException e) {
      String detail = e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
      int cut = detail.indexOf('\n');
      throw new ShadowDeltaException(Reason.WRONG_TYPE, path,
          "not a valid " + type.getRawClass().getSimpleName() + ": " + (cut < 0 ? detail : detail.substring(0, cut)));
    }
  }

  private ShadowDeltaException wrongType(String path, String expected, JsonNode got) {
    return new ShadowDeltaException(Reason.WRONG_TYPE, path, "expected " + expected + ", got " + got.getNodeType());
  }

  /** The JSON of a value; {@code null} becomes JSON null. */
  public JsonNode write(Object value) {
    if (value == null) {
      return NullNode.instance;
    }
    switch (kind) {
      case BOOLEAN:
        return BooleanNode.valueOf((Boolean) value);
      case INT:
        return IntNode.valueOf((Integer) value);
      case LONG: {
        long l = (Long) value;
        // The smallest node type, so trees compare equal to parsed JSON of the same text.
        return l == (int) l ? IntNode.valueOf((int) l) : LongNode.valueOf(l);
      }
      case SHORT:
        return ShortNode.valueOf((Short) value);
      case BYTE:
        return IntNode.valueOf((Byte) value);
      case DOUBLE:
        return DoubleNode.valueOf((Double) value);
      case FLOAT:
        return FloatNode.valueOf((Float) value);
      case STRING:
        return TextNode.valueOf((String) value);
      default:
        return ShadowJson.MAPPER.valueToTree(value);
    }
  }

  /** Value equality that also compares arrays by content. */
  public boolean same(Object a, Object b) {
    return Objects.deepEquals(a, b);
  }

  private static Kind kindOf(Class<?> raw) {
    if (raw == boolean.class || raw == Boolean.class) {
      return Kind.BOOLEAN;
    } else if (raw == int.class || raw == Integer.class) {
      return Kind.INT;
    } else if (raw == long.class || raw == Long.class) {
      return Kind.LONG;
    } else if (raw == short.class || raw == Short.class) {
      return Kind.SHORT;
    } else if (raw == byte.class || raw == Byte.class) {
      return Kind.BYTE;
    } else if (raw == double.class || raw == Double.class) {
      return Kind.DOUBLE;
    } else if (raw == float.class || raw == Float.class) {
      return Kind.FLOAT;
    } else if (raw == String.class) {
      return Kind.STRING;
    }
    return Kind.GENERIC;
  }

  private static Object scalarDefault(Kind kind) {
    switch (kind) {
      case BOOLEAN:
        return Boolean.FALSE;
      case INT:
        return 0;
      case LONG:
        return 0L;
      case SHORT:
        return (short) 0;
      case BYTE:
        return (byte) 0;
      case DOUBLE:
        return 0.0d;
      case FLOAT:
        return 0.0f;
      case STRING:
        return "";
      default:
        return null;
    }
  }

  private static String genericDefaultJson(JavaType type) {
    Class<?> raw = type.getRawClass();
    if (raw.isArray() || Collection.class.isAssignableFrom(raw)) {
      return "[]";
    }
    if (Map.class.isAssignableFrom(raw)) {
      return "{}";
    }
    if (raw == Optional.class || JsonNode.class.isAssignableFrom(raw) || raw == Character.class
        || raw == char.class || Number.class.isAssignableFrom(raw)) {
      return raw == char.class ? "\" \"" : Number.class.isAssignableFrom(raw) ? "0" : "null";
    }
    if (raw.isEnum()) {
      Object[] constants = raw.getEnumConstants();
      return constants.length == 0 ? null : ShadowJson.MAPPER.valueToTree(constants[0]).toString();
    }
    return "{}";
  }
}
