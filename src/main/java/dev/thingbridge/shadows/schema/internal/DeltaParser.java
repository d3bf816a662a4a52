package dev.thingbridge.shadows.schema.internal;

import com.fasterxml.jackson.databind.JsonNode;
import dev.thingbridge.shadows.schema.spec.ShadowDeltaException;
import dev.thingbridge.shadows.schema.spec.ShadowDeltaException.Reason;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Checks a delta's JSON against the model and turns it into a {@link Patch}. The current value is the resolver:
 * it tells which variant a union is in when the delta names none (AWS sends only the fields that differ, so the
 * tag is often missing). Nothing is applied here, so a rejected delta leaves the state untouched.
 */
public final class DeltaParser {
  /** Which fields a document may set. */
  public enum Mode {
    /** A delta or desired document from the cloud: report-only fields are rejected. */
    DESIRED,
    /** A reported patch from the device: every field may be set. */
    REPORTED
  }

  private static final String UNSET = "unset";

  private final Mode mode;
  private final boolean ignoreUnknown;

  private DeltaParser(Mode mode, boolean ignoreUnknown) {
    this.mode = mode;
    this.ignoreUnknown = ignoreUnknown;
  }

  /** Parses {@code json} for {@code node}; null when the document changes nothing at this node. */
  public static Patch parse(Node node, JsonNode json, Object current, String path, Mode mode) {
    return new DeltaParser(mode, false).node(node, json, current, path);
  }

  /** As {@link #parse}, skipping keys that are not fields instead of rejecting them. */
  public static Patch parseLenient(Node node, JsonNode json, Object current, String path, Mode mode) {
    return new DeltaParser(mode, true).node(node, json, current, path);
  }

  private Patch node(Node node, JsonNode json, Object current, String path) {
    if (json == null || json.isNull()) {
      return null;
    }
    if (node instanceof LeafNode leaf) {
      return new Patch.Leaf(leaf.read(json, path));
    } else if (node instanceof StructNode struct) {
      return struct(struct, json, current, path);
    } else if (node instanceof MapNode map) {
      requireObject(json, path);
      return map(map, json.fields(), current, path);
    }
    return union((UnionNode) node, json, current, path);
  }

  private Patch.Struct struct(StructNode struct, JsonNode json, Object current, String path) {
    requireObject(json, path);
    Map<FieldSpec, Patch> fields = new LinkedHashMap<>();
    Map<String, JsonNode> rest = null;
    for (Iterator<Map.Entry<String, JsonNode>> it = json.fields(); it.hasNext(); ) {
      Map.Entry<String, JsonNode> e = it.next();
      FieldSpec field = struct.field(e.getKey());
      String here = Segments.pointer(path, e.getKey());
      if (field == null) {
        if (struct.flatten() != null) {
          if (rest == null) {
            rest = new LinkedHashMap<>();
          }
          rest.put(e.getKey(), e.getValue());
        } else if (!ignoreUnknown) {
          throw new ShadowDeltaException(Reason.UNKNOWN_FIELD, here,
              "no field " + e.getKey() + " in " + struct.type().getSimpleName());
        }
        continue;
      }
      if (field.reportOnly() && mode == Mode.DESIRED) {
        throw new ShadowDeltaException(Reason.REPORT_ONLY_FIELD, here, "only the device reports " + field.name());
      }
      Object child = current == null ? null : struct.get(current, field);
      Patch p = node(field.node(), e.getValue(), child, here);
      if (p != null && !(p instanceof Patch.Struct s && s.isEmpty())) {
        fields.put(field, p);
      }
    }
    if (rest != null) {
      FieldSpec flat = struct.flatten();
      Object child = current == null ? null : struct.get(current, flat);
      Patch p = map((MapNode) flat.node(), rest.entrySet().iterator(), child, path);
      if (p != null) {
        fields.put(flat, p);
      }
    }
    return new Patch.Struct(fields);
  }

  @SuppressWarnings("unchecked")
  private Patch map(MapNode map, Iterator<Map.Entry<String, JsonNode>> entries, Object current, String path) {
    Map<String, Object> existing = current == null ? Map.of() : (Map<String, Object>) current;
    Map<String, Patch> out = new LinkedHashMap<>();
    while (entries.hasNext()) {
      Map.Entry<String, JsonNode> e = entries.next();
      JsonNode v = e.getValue();
      if (v.isNull() || (v.isTextual() && UNSET.equals(v.textValue()))) {
        out.put(e.getKey(), Patch.Remove.INSTANCE);
        continue;
      }
      String here = Segments.pointer(path, e.getKey());
      Object before = existing.get(e.getKey());
      Patch p = node(map.value(), v, before, here);
      out.put(e.getKey(), p == null ? DeltaApplier.empty(map.value(), before) : p);
    }
    return out.isEmpty() ? null : new Patch.MapEntries(out);
  }

  private Patch union(UnionNode union, JsonNode json, Object current, String path) {
    VariantSpec active = union.variantOf(current);
    switch (union.tagging()) {
      case EXTERNAL:
        return external(union, json, current, active, path);
      case INTERNAL:
        return internal(union, json, current, active, path);
      default:
        return adjacent(union, json, current, active, path);
    }
  }

  private Patch external(UnionNode union, JsonNode json, Object current, VariantSpec active, String path) {
    if (json.isTextual()) {
      String name = json.textValue().strip();
      VariantSpec v = union.variant(name);
      if (v == null) {
        throw new ShadowDeltaException(Reason.UNKNOWN_VARIANT, path, "no variant " + quote(name));
      }
      return new Patch.Union(v, true, false, false, null);
    }
    requireObject(json, path);
    VariantSpec chosen = null;
    JsonNode content = null;
    boolean stale = false;
    for (Iterator<Map.Entry<String, JsonNode>> it = json.fields(); it.hasNext(); ) {
      Map.Entry<String, JsonNode> e = it.next();
      VariantSpec v = union.variant(e.getKey());
      if (v == null) {
        throw new ShadowDeltaException(Reason.UNKNOWN_VARIANT, Segments.pointer(path, e.getKey()),
            "no variant " + quote(e.getKey()));
      }
      if (e.getValue().isNull()) {
        stale = true;
        continue;
      }
      if (chosen != null) {
        throw new ShadowDeltaException(Reason.AMBIGUOUS_VARIANT, path,
            "names both " + chosen.name() + " and " + v.name());
      }
      chosen = v;
      content = e.getValue();
    }
    if (chosen == null) {
      if (json.size() == 0 || stale) {
        return null;
      }
      throw new ShadowDeltaException(Reason.MISSING_VARIANT, path, "no variant named");
    }
    Patch inner = content(chosen, content, chosen == active ? current : null, Segments.pointer(path, chosen.name()));
    return new Patch.Union(chosen, true, false, stale, inner);
  }

  private Patch internal(UnionNode union, JsonNode json, Object current, VariantSpec active, String path) {
    requireObject(json, path);
    JsonNode tag = json.get(union.tag());
    VariantSpec chosen = active;
    if (tag != null && !tag.isNull()) {
      if (!tag.isTextual()) {
        throw new ShadowDeltaException(Reason.WRONG_TYPE, Segments.pointer(path, union.tag()), "tag must be a string");
      }
      chosen = union.variant(tag.textValue());
      if (chosen == null) {
        throw new ShadowDeltaException(Reason.UNKNOWN_VARIANT, Segments.pointer(path, union.tag()),
            "no variant " + quote(tag.textValue()));
      }
    }
    boolean tagGiven = tag != null && !tag.isNull();
    Map<FieldSpec, Patch> fields = new LinkedHashMap<>();
    boolean stale = false;
    Object base = chosen == active ? current : null;
    for (Iterator<Map.Entry<String, JsonNode>> it = json.fields(); it.hasNext(); ) {
      Map.Entry<String, JsonNode> e = it.next();
      if (e.getKey().equals(union.tag())) {
        continue;
      }
      String here = Segments.pointer(path, e.getKey());
      FieldSpec field = chosen.kind() == VariantSpec.Kind.STRUCT ? chosen.struct().field(e.getKey()) : null;
      if (field == null) {
        if (union.staleFieldNames(chosen, false).contains(e.getKey())) {
          stale = true;
          continue;
        }
        if (ignoreUnknown) {
          continue;
        }
        throw new ShadowDeltaException(Reason.UNKNOWN_FIELD, here, "no field " + e.getKey() + " in " + chosen.name());
      }
      if (field.reportOnly() && mode == Mode.DESIRED) {
        throw new ShadowDeltaException(Reason.REPORT_ONLY_FIELD, here, "only the device reports " + field.name());
      }
      Patch p = node(field.node(), e.getValue(), base == null ? null : chosen.struct().get(base, field), here);
      if (p != null && !(p instanceof Patch.Struct s && s.isEmpty())) {
        fields.put(field, p);
      }
    }
    if (!tagGiven && fields.isEmpty() && !stale) {
      return null;
    }
    Patch inner = fields.isEmpty() ? null : new Patch.Struct(fields);
    return new Patch.Union(chosen, tagGiven, false, stale, inner);
  }

  private Patch adjacent(UnionNode union, JsonNode json, Object current, VariantSpec active, String path) {
    requireObject(json, path);
    JsonNode tag = null;
    JsonNode content = null;
    for (Iterator<Map.Entry<String, JsonNode>> it = json.fields(); it.hasNext(); ) {
      Map.Entry<String, JsonNode> e = it.next();
      if (e.getKey().equals(union.tag())) {
        tag = e.getValue();
      } else if (e.getKey().equals(union.content())) {
        content = e.getValue();
      } else if (!ignoreUnknown) {
        throw new ShadowDeltaException(Reason.UNKNOWN_FIELD, Segments.pointer(path, e.getKey()),
            "expected only " + union.tag() + " and " + union.content());
      }
    }
    VariantSpec chosen = active;
    boolean tagGiven = tag != null && !tag.isNull();
    boolean fallback = false;
    if (tagGiven) {
      if (!tag.isTextual()) {
        throw new ShadowDeltaException(Reason.WRONG_TYPE, Segments.pointer(path, union.tag()), "tag must be a string");
      }
      VariantSpec named = union.variant(tag.textValue());
      if (named == null) {
        // SHD-T36: an unknown tag keeps the current variant, and the acknowledgement rewrites the tag in desired.
        fallback = true;
      } else {
        chosen = named;
      }
    }
    if (!tagGiven && (content == null || content.isNull())) {
      return null;
    }
    Patch inner = fallback ? null
        : content(chosen, content, chosen == active ? current : null, Segments.pointer(path, union.content()));
    return new Patch.Union(chosen, tagGiven, fallback, false, inner);
  }

  private Patch content(VariantSpec v, JsonNode content, Object current, String path) {
    if (content == null || content.isNull()) {
      return null;
    }
    switch (v.kind()) {
      case UNIT:
        return null;
      case OPAQUE:
        return new Patch.Leaf(v.leaf().read(content, path));
      default:
        Patch.Struct s = struct(v.struct(), content, current, path);
        return s.isEmpty() ? null : s;
    }
  }

  private static void requireObject(JsonNode json, String path) {
    if (!json.isObject()) {
      throw new ShadowDeltaException(Reason.WRONG_TYPE, path, "expected an object, got " + json.getNodeType());
    }
  }

  private static String quote(String s) {
    String shown = s.length() > 64 ? s.substring(0, 64) + "..." : s;
    return "\"" + shown + "\"";
  }
}
