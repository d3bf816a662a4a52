package dev.thingbridge.shadows.store;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import dev.thingbridge.shadows.schema.internal.FieldSpec;
import dev.thingbridge.shadows.schema.internal.LeafNode;
import dev.thingbridge.shadows.schema.internal.MapNode;
import dev.thingbridge.shadows.schema.internal.Node;
import dev.thingbridge.shadows.schema.internal.Patch;
import dev.thingbridge.shadows.schema.internal.Segments;
import dev.thingbridge.shadows.schema.internal.ShadowJson;
import dev.thingbridge.shadows.schema.internal.StructNode;
import dev.thingbridge.shadows.schema.internal.UnionNode;
import dev.thingbridge.shadows.schema.internal.VariantSpec;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;

/**
 * The field-level key layout of a state in a key-value store.
 *
 * <ul>
 *   <li>leaf: {@code {path}} holds its JSON;
 *   <li>object: each persisted field under {@code {path}/{field}} (a flattened map has no segment of its own);
 *   <li>map: {@code {path}/__keys__} holds the JSON array of keys, entries under {@code {path}/{key}};
 *   <li>union: {@code {path}/_variant} holds the variant name (raw UTF-8), content under {@code {path}/{variant}}.
 * </ul>
 * Keys of inactive variants are kept, so switching back and rolling back firmware both find them.
 */
final class KvLayout {
  public static final String VARIANT = "_variant";
  public static final String KEYS = "__keys__";

  private KvLayout() {}

  /** Writes every persisted leaf of a value; returns the number of leaves written. */
  public static int writeFull(Node node, Object value, String key, WriteBatch batch) {
    if (node instanceof LeafNode leaf) {
      batch.put(key, encode(leaf.write(value)));
      return 1;
    } else if (node instanceof StructNode struct) {
      Object v = value == null ? struct.defaultValue() : value;
      int n = 0;
      for (FieldSpec f : struct.fields()) {
        if (f.persisted()) {
          n += writeFull(f.node(), struct.get(v, f), f.flatten() ? key : key + "/" + f.segment(), batch);
        }
      }
      return n;
    } else if (node instanceof MapNode map) {
      Map<String, Object> entries = castMap(value);
      batch.put(key + "/" + KEYS, encode(keysJson(entries)));
      int n = 0;
      for (Map.Entry<String, Object> e : entries.entrySet()) {
        n += writeFull(map.value(), e.getValue(), key + "/" + Segments.encode(e.getKey()), batch);
      }
      return n;
    }
    UnionNode union = (UnionNode) node;
    VariantSpec v = union.variantOf(value);
    batch.put(key + "/" + VARIANT, v.name());
    return 1 + writeContent(v, value == null ? v.defaultValue() : value, key + "/" + v.segment(), batch);
  }

  private static int writeContent(VariantSpec v, Object instance, String key, WriteBatch batch) {
    switch (v.kind()) {
      case UNIT:
        return 0;
      case OPAQUE:
        batch.put(key, encode(v.leaf().write(v.unwrap().apply(instance))));
        return 1;
      default:
        return writeFull(v.struct(), instance, key, batch);
    }
  }

  /** Writes only what a patch changed (for a variant switch or a new map entry: all of it). */
  public static void writePatch(Node node, Object before, Object after, Patch patch, String key, WriteBatch batch) {
    if (patch == null) {
      return;
    }
    if (node instanceof LeafNode leaf) {
      batch.put(key, encode(leaf.write(after)));
    } else if (node instanceof StructNode struct) {
      Patch.Struct p = (Patch.Struct) patch;
      for (Map.Entry<FieldSpec, Patch> e : p.fields().entrySet()) {
        FieldSpec f = e.getKey();
        if (f.persisted()) {
          Object b = before == null ? null : struct.get(before, f);
          writePatch(f.node(), b, struct.get(after, f), e.getValue(), f.flatten() ? key : key + "/" + f.segment(),
              batch);
        }
      }
    } else if (node instanceof MapNode map) {
      writeMapPatch(map, castMap(before), castMap(after), (Patch.MapEntries) patch, key, batch);
    } else {
      UnionNode union = (UnionNode) node;
      Patch.Union p = (Patch.Union) patch;
      VariantSpec v = p.variant();
      if (before == null || union.variantOf(before) != v) {
        batch.put(key + "/" + VARIANT, v.name());
        writeContent(v, after, key + "/" + v.segment(), batch);
      } else if (p.content() != null) {
        if (v.kind() == VariantSpec.Kind.STRUCT) {
          writePatch(v.struct(), before, after, p.content(), key + "/" + v.segment(), batch);
        } else {
          writeContent(v, after, key + "/" + v.segment(), batch);
        }
      }
    }
  }

  private static void writeMapPatch(MapNode map, Map<String, Object> before, Map<String, Object> after,
      Patch.MapEntries patch, String key, WriteBatch batch) {
    boolean keysChanged = false;
    for (Map.Entry<String, Patch> e : patch.entries().entrySet()) {
      String entryKey = key + "/" + Segments.encode(e.getKey());
      Object b = before.get(e.getKey());
      Object a = after.get(e.getKey());
      if (a == null) {
        if (b != null) {
          batch.remove(entryKey).removePrefix(entryKey + "/");
          keysChanged = true;
        }
      } else if (b == null) {
        batch.remove(entryKey).removePrefix(entryKey + "/");
        writeFull(map.value(), a, entryKey, batch);
        keysChanged = true;
      } else {
        writePatch(map.value(), b, a, e.getValue(), entryKey, batch);
      }
    }
    if (keysChanged) {
      batch.put(key + "/" + KEYS, encode(keysJson(after)));
    }
  }

  /** Whether a key (split into segments below the shadow's scope) belongs to the schema. */
  public static boolean isValid(Node node, List<String> segments, int i) {
    if (node instanceof LeafNode) {
      return i == segments.size();
    }
    if (i >= segments.size()) {
      return false;
    }
    String seg = segments.get(i);
    if (node instanceof StructNode struct) {
      FieldSpec f = struct.fieldBySegment(seg);
      if (f != null) {
        return f.persisted() && isValid(f.node(), segments, i + 1);
      }
      return struct.flatten() != null && struct.flatten().persisted()
          && isValidMapArea((MapNode) struct.flatten().node(), segments, i);
    } else if (node instanceof MapNode map) {
      return isValidMapArea(map, segments, i);
    }
    UnionNode union = (UnionNode) node;
    if (seg.equals(VARIANT)) {
      return i + 1 == segments.size();
    }
    VariantSpec v = union.variantBySegment(seg);
    if (v == null || v.kind() == VariantSpec.Kind.UNIT) {
      return false;
    }
    return v.kind() == VariantSpec.Kind.OPAQUE ? i + 1 == segments.size() : isValid(v.struct(), segments, i + 1);
  }

  private static boolean isValidMapArea(MapNode map, List<String> segments, int i) {
    if (segments.get(i).equals(KEYS)) {
      return i + 1 == segments.size();
    }
    return !segments.get(i).startsWith("_") && isValid(map.value(), segments, i + 1);
  }

  static byte[] encode(JsonNode json) {
    try {
      return ShadowJson.MAPPER.writeValueAsBytes(json);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("a JSON tree always serializes", e);
    }
  }

  static String decodeVariant(byte[] raw) {
    return new String(raw, StandardCharsets.UTF_8);
  }

  private static ArrayNode keysJson(Map<String, Object> entries) {
    ArrayNode keys = ShadowJson.MAPPER.createArrayNode();
    entries.keySet().forEach(keys::add);
    return keys;
  }

  @SuppressWarnings("unchecked")
  private static Map<String, Object> castMap(Object value) {
    return value == null ? Map.of() : (Map<String, Object>) value;
  }
}
