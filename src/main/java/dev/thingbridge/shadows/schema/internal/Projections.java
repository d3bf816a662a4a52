package dev.thingbridge.shadows.schema.internal;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.NullNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.databind.node.TextNode;
import java.util.Map;

/**
 * The JSON views of a state: full desired (what the cloud may set), full reported (with null padding for unions,
 * so a variant switch removes the previous variant's keys from the merged document), the partial reported that
 * acknowledges a delta, and the desired cleanup that removes stale keys after it.
 */
public final class Projections {
  private static final JsonNodeFactory NODES = JsonNodeFactory.instance;

  private Projections() {}

  /** The desired view: report-only fields left out, no null padding. Null leaves are omitted. */
  public static JsonNode desired(Node node, Object value) {
    return view(node, value, true);
  }

  /** The reported view: every field, unions padded with nulls for the other variants' fields. */
  public static JsonNode reported(Node node, Object value) {
    return view(node, value, false);
  }

  @SuppressWarnings("unchecked")
  private static JsonNode view(Node node, Object value, boolean desired) {
    if (node instanceof LeafNode leaf) {
      return value == null ? null : leaf.write(value);
    } else if (node instanceof StructNode struct) {
      ObjectNode out = NODES.objectNode();
      structInto(struct, value, desired, out);
      return out;
    } else if (node instanceof MapNode map) {
      ObjectNode out = NODES.objectNode();
      mapInto(map, (Map<String, Object>) value, desired, out);
      return out;
    }
    return union((UnionNode) node, value, desired);
  }

  private static void structInto(StructNode struct, Object value, boolean desired, ObjectNode out) {
    Object v = value == null ? struct.defaultValue() : value;
    for (FieldSpec f : struct.fields()) {
      if (desired && f.reportOnly()) {
        continue;
      }
      Object child = struct.get(v, f);
      if (f.flatten()) {
        mapInto((MapNode) f.node(), castMap(child), desired, out);
        continue;
      }
      JsonNode json = view(f.node(), child, desired);
      if (json != null) {
        out.set(f.name(), json);
      }
    }
  }

  private static void mapInto(MapNode map, Map<String, Object> entries, boolean desired, ObjectNode out) {
    if (entries == null) {
      return;
    }
    for (Map.Entry<String, Object> e : entries.entrySet()) {
      JsonNode json = view(map.value(), e.getValue(), desired);
      if (json != null) {
        out.set(e.getKey(), json);
      }
    }
  }

  private static JsonNode union(UnionNode union, Object value, boolean desired) {
    VariantSpec v = union.variantOf(value);
    Object instance = value == null ? v.defaultValue() : value;
    JsonNode content = content(v, instance, desired);
    boolean pad = !desired;
    switch (union.tagging()) {
      case EXTERNAL: {
        if (v.kind() == VariantSpec.Kind.UNIT) {
          return TextNode.valueOf(v.name());
        }
        ObjectNode out = NODES.objectNode();
        out.set(v.name(), content == null ? NullNode.instance : content);
        if (pad) {
          for (VariantSpec other : union.variants()) {
            if (other != v && other.kind() != VariantSpec.Kind.UNIT) {
              out.putNull(other.name());
            }
          }
        }
        return out;
      }
      case INTERNAL: {
        ObjectNode out = NODES.objectNode();
        out.put(union.tag(), v.name());
        if (content instanceof ObjectNode fields) {
          out.setAll(fields);
        }
        if (pad) {
          for (String stale : union.staleFieldNames(v, false)) {
            out.putNull(stale);
          }
        }
        return out;
      }
      default: {
        ObjectNode out = NODES.objectNode();
        out.put(union.tag(), v.name());
        if (v.kind() == VariantSpec.Kind.OPAQUE) {
          out.set(union.content(), content == null ? NullNode.instance : content);
          return out;
        }
        ObjectNode fields = content instanceof ObjectNode o ? o : NODES.objectNode();
        if (pad) {
          for (String stale : union.staleFieldNames(v, false)) {
            fields.putNull(stale);
          }
        }
        if (v.kind() == VariantSpec.Kind.STRUCT || fields.size() > 0) {
          out.set(union.content(), fields);
        }
        return out;
      }
    }
  }

  private static JsonNode content(VariantSpec v, Object instance, boolean desired) {
    switch (v.kind()) {
      case UNIT:
        return null;
      case OPAQUE:
        return view(v.leaf(), v.unwrap().apply(instance), desired);
      default:
        return view(v.struct(), instance, desired);
    }
  }

  /**
   * The reported document that acknowledges a patch: only the fields the patch touched, with their values after
   * it; a union always whole (tag and content, padded); a new map entry whole; a removed entry as null.
   */
  public static JsonNode partialReported(Node node, Object before, Object after, Patch patch) {
    if (node instanceof LeafNode leaf) {
      return leaf.write(after);
    } else if (node instanceof StructNode struct) {
      ObjectNode out = NODES.objectNode();
      partialStructInto(struct, before, after, (Patch.Struct) patch, out);
      return out;
    } else if (node instanceof MapNode map) {
      ObjectNode out = NODES.objectNode();
      partialMapInto(map, castMap(before), castMap(after), (Patch.MapEntries) patch, out);
      return out;
    }
    return view(node, after, false);
  }

  private static void partialStructInto(StructNode struct, Object before, Object after, Patch.Struct patch,
      ObjectNode out) {
    for (Map.Entry<FieldSpec, Patch> e : patch.fields().entrySet()) {
      FieldSpec f = e.getKey();
      Object b = before == null ? null : struct.get(before, f);
      Object a = struct.get(after, f);
      if (f.flatten()) {
        partialMapInto((MapNode) f.node(), castMap(b), castMap(a), (Patch.MapEntries) e.getValue(), out);
      } else {
        out.set(f.name(), partialReported(f.node(), b, a, e.getValue()));
      }
    }
  }

  private static void partialMapInto(MapNode map, Map<String, Object> before, Map<String, Object> after,
      Patch.MapEntries patch, ObjectNode out) {
    for (Map.Entry<String, Patch> e : patch.entries().entrySet()) {
      String key = e.getKey();
      Object a = after == null ? null : after.get(key);
      Object b = before == null ? null : before.get(key);
      if (e.getValue() instanceof Patch.Remove || a == null) {
        out.putNull(key);
      } else if (b == null) {
        out.set(key, view(map.value(), a, false));
      } else {
        out.set(key, partialReported(map.value(), b, a, e.getValue()));
      }
    }
  }

  /**
   * What to write to desired after applying a patch so that no stale key keeps a delta pending: removed map
   * entries as null (AWS would otherwise keep the {@code "unset"} tombstone), the previous variant's fields as
   * null after a switch, and a rewritten tag after an unknown one. Null when nothing needs cleaning.
   */
  public static JsonNode cleanup(Node node, Object after, Patch patch) {
    if (patch == null || node instanceof LeafNode) {
      return null;
    } else if (node instanceof StructNode struct) {
      ObjectNode out = NODES.objectNode();
      cleanupStructInto(struct, after, (Patch.Struct) patch, out);
      return out.isEmpty() ? null : out;
    } else if (node instanceof MapNode map) {
      ObjectNode out = NODES.objectNode();
      cleanupMapInto(map, castMap(after), (Patch.MapEntries) patch, out);
      return out.isEmpty() ? null : out;
    }
    return cleanupUnion((UnionNode) node, after, (Patch.Union) patch);
  }

  private static void cleanupStructInto(StructNode struct, Object after, Patch.Struct patch, ObjectNode out) {
    for (Map.Entry<FieldSpec, Patch> e : patch.fields().entrySet()) {
      FieldSpec f = e.getKey();
      if (f.reportOnly()) {
        continue;
      }
      Object a = struct.get(after, f);
      if (f.flatten()) {
        cleanupMapInto((MapNode) f.node(), castMap(a), (Patch.MapEntries) e.getValue(), out);
      } else {
        JsonNode c = cleanup(f.node(), a, e.getValue());
        if (c != null) {
          out.set(f.name(), c);
        }
      }
    }
  }

  private static void cleanupMapInto(MapNode map, Map<String, Object> after, Patch.MapEntries patch,
      ObjectNode out) {
    for (Map.Entry<String, Patch> e : patch.entries().entrySet()) {
      if (e.getValue() instanceof Patch.Remove) {
        out.putNull(e.getKey());
      } else {
        JsonNode c = cleanup(map.value(), after == null ? null : after.get(e.getKey()), e.getValue());
        if (c != null) {
          out.set(e.getKey(), c);
        }
      }
    }
  }

  private static JsonNode cleanupUnion(UnionNode union, Object after, Patch.Union patch) {
    VariantSpec v = patch.variant();
    boolean pad = patch.tagGiven() || patch.staleKeys();
    JsonNode inner = v.kind() == VariantSpec.Kind.STRUCT && patch.content() != null
        ? cleanup(v.struct(), after, patch.content()) : null;
    ObjectNode out = NODES.objectNode();
    switch (union.tagging()) {
      case EXTERNAL:
        if (pad) {
          for (VariantSpec other : union.variants()) {
            if (other != v && other.kind() != VariantSpec.Kind.UNIT) {
              out.putNull(other.name());
            }
          }
        }
        if (inner != null) {
          out.set(v.name(), inner);
        }
        break;
      case INTERNAL:
        if (patch.fallback()) {
          out.put(union.tag(), v.name());
        }
        if (pad) {
          union.staleFieldNames(v, true).forEach(out::putNull);
        }
        if (inner instanceof ObjectNode o) {
          out.setAll(o);
        }
        break;
      default:
        if (patch.fallback()) {
          out.put(union.tag(), v.name());
        }
        ObjectNode content = NODES.objectNode();
        if (pad && v.kind() != VariantSpec.Kind.OPAQUE) {
          union.staleFieldNames(v, true).forEach(content::putNull);
        }
        if (inner instanceof ObjectNode o) {
          content.setAll(o);
        }
        if (!content.isEmpty()) {
          out.set(union.content(), content);
        }
        break;
    }
    return out.isEmpty() ? null : out;
  }

  @SuppressWarnings("unchecked")
  private static Map<String, Object> castMap(Object value) {
    return (Map<String, Object>) value;
  }
}
