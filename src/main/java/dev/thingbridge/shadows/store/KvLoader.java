package dev.thingbridge.shadows.store;

import com.fasterxml.jackson.databind.JsonNode;
import dev.thingbridge.shadows.schema.internal.FieldSpec;
import dev.thingbridge.shadows.schema.internal.LeafNode;
import dev.thingbridge.shadows.schema.internal.MapNode;
import dev.thingbridge.shadows.schema.internal.Node;
import dev.thingbridge.shadows.schema.internal.Segments;
import dev.thingbridge.shadows.schema.internal.ShadowJson;
import dev.thingbridge.shadows.schema.internal.StructNode;
import dev.thingbridge.shadows.schema.internal.UnionNode;
import dev.thingbridge.shadows.schema.internal.VariantSpec;
import dev.thingbridge.shadows.schema.spec.ShadowDeltaException;
import java.io.IOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Optional;

/**
 * Rebuilds a state from its stored keys. Variant keys are read before content, only the active variant is loaded,
 * a missing key takes the field's default, and an unreadable value is counted and defaulted rather than failing
 * the whole load (a device that cannot load its shadow cannot do anything). With {@code migrate}, a leaf whose own
 * key is missing or unreadable is looked up in its {@code @MigrateFrom} sources first.
 */
final class KvLoader {
  private final KeyValueStore store;
  private final String scope;
  private final boolean migrate;
  private int loaded;
  private int defaulted;
  private int migrated;
  private final List<String> corrupted = new ArrayList<>();

  public KvLoader(KeyValueStore store, String scope, boolean migrate) {
    this.store = store;
    this.scope = scope;
    this.migrate = migrate;
  }

  public int loaded() {
    return loaded;
  }

  public int defaulted() {
    return defaulted;
  }

  public int migrated() {
    return migrated;
  }

  /** Keys whose stored value could not be read (they were defaulted). */
  public List<String> corrupted() {
    return List.copyOf(corrupted);
  }

  public Object readRoot(StructNode root) {
    return readStruct(root, scope);
  }

  private Object read(Node node, String key, FieldSpec field, Object fallback) {
    if (node instanceof LeafNode leaf) {
      return readLeaf(leaf, key, field, fallback);
    } else if (node instanceof StructNode struct) {
      return readStruct(struct, key);
    } else if (node instanceof MapNode map) {
      return readMap(map, key, fallback);
    }
    return readUnion((UnionNode) node, key, fallback);
  }

  private Object readStruct(StructNode struct, String key) {
    Object[] values = new Object[struct.fields().size()];
    for (FieldSpec f : struct.fields()) {
      if (!f.persisted()) {
        values[f.index()] = f.defaultValue();
      } else if (f.flatten()) {
        values[f.index()] = readMap((MapNode) f.node(), key, f.defaultValue());
      } else {
        values[f.index()] = read(f.node(), key + "/" + f.segment(), f, f.defaultValue());
      }
    }
    try {
      return struct.construct(values);
    } catch (RuntimeException e) {
      // The type's validation refuses what was stored (it got stricter, say): start this object from defaults.
      corrupted.add(key);
      return struct.defaultValue();
    }
  }

  private Object readLeaf(LeafNode leaf, String key, FieldSpec field, Object fallback) {
    Optional<byte[]> raw = store.get(key);
    if (raw.isPresent()) {
      try {
        JsonNode json = ShadowJson.MAPPER.readTree(raw.get());
        if (json.isNull() && !leaf.type().isPrimitive()) {
          loaded++;
          return null;
        }
        Object value = leaf.read(json, "");
        loaded++;
        return value;
      } catch (IOException | ShadowDeltaException | IllegalArgumentException e) {
        corrupted.add(key);
      }
    }
    if (migrate && field != null) {
      for (FieldSpec.Migration m : field.migrations()) {
        Optional<byte[]> old = store.get(scope + "/" + String.join("/", m.segments()));
        if (old.isEmpty()) {
          continue;
        }
        JsonNode converted;
        try {
          converted = m.converter().convert(ShadowJson.MAPPER.readTree(old.get()));
        } catch (Exception e) {
          throw new ShadowStoreException("migrating " + field.name() + " from " + m.path() + " failed: "
              + e.getMessage(), e);
        }
        try {
          Object value = leaf.read(converted, "");
          migrated++;
          return value;
        } catch (ShadowDeltaException e) {
          throw new ShadowStoreException("migrating " + field.name() + " from " + m.path()
              + " gave a value that does not fit: " + e.getMessage(), e);
        }
      }
    }
    defaulted++;
    return fallback;
  }

  private Object readMap(MapNode map, String key, Object fallback) {
    Optional<byte[]> rawKeys = store.get(key + "/" + KvLayout.KEYS);
    if (rawKeys.isEmpty()) {
      return fallback;
    }
    JsonNode keys;
    try {
      keys = ShadowJson.MAPPER.readTree(rawKeys.get());
    } catch (IOException e) {
      keys = null;
    }
    if (keys == null || !keys.isArray()) {
      corrupted.add(key + "/" + KvLayout.KEYS);
      return fallback;
    }
    LinkedHashMap<String, Object> entries = new LinkedHashMap<>();
    for (JsonNode k : keys) {
      if (k.isTextual()) {
        String entryKey = key + "/" + Segments.encode(k.textValue());
        entries.put(k.textValue(), read(map.value(), entryKey, null, map.value().defaultValue()));
      }
    }
    return MapNode.freeze(entries);
  }

  private Object readUnion(UnionNode union, String key, Object fallback) {
    Optional<byte[]> raw = store.get(key + "/" + KvLayout.VARIANT);
    if (raw.isEmpty()) {
      defaulted++;
      return fallback;
    }
    VariantSpec v = union.variant(KvLayout.decodeVariant(raw.get()));
    if (v == null) {
      corrupted.add(key + "/" + KvLayout.VARIANT);
      return fallback;
    }
    loaded++;
    String contentKey = key + "/" + v.segment();
    switch (v.kind()) {
      case UNIT:
        return v.defaultValue();
      case OPAQUE:
        return v.wrap().apply(readLeaf(v.leaf(), contentKey, null, v.leaf().defaultValue()));
      default:
        return readStruct(v.struct(), contentKey);
    }
  }
}
