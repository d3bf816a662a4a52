package dev.thingbridge.shadows.schema.internal;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Applies a {@link Patch} to a value, building new instances (state values are immutable), and computes the
 * patch between two values (what a report changed).
 */
public final class DeltaApplier {
  private DeltaApplier() {}

  /**
   * A state type's constructor refused a value the patch produced. The path is built while unwinding, so the
   * common case (no refusal) costs nothing.
   */
  public static final class Refused extends RuntimeException {
    private static final long serialVersionUID = 1L;
    private String path = "";

    Refused(Throwable cause) {
      super(cause.getMessage() == null ? cause.getClass().getSimpleName() : cause.getMessage(), cause, false, false);
    }

    Refused under(String token) {
      path = Segments.pointer("", token) + path;
      return this;
    }

    public String path() {
      return path;
    }
  }

  static Object construct(StructNode struct, Object[] values) {
    try {
      return struct.construct(values);
    } catch (RuntimeException e) {
      throw new Refused(e);
    }
  }

  /**
   * The patch that changes nothing at a node but still creates it: a map entry sent as {@code {}} is added with
   * its defaults.
   */
  public static Patch empty(Node node, Object current) {
    if (node instanceof MapNode) {
      return new Patch.MapEntries(Map.of());
    } else if (node instanceof UnionNode union) {
      return new Patch.Union(union.variantOf(current), false, false, false, null);
    } else if (node instanceof LeafNode leaf) {
      return new Patch.Leaf(current == null ? leaf.defaultValue() : current);
    }
    return new Patch.Struct(Map.of());
  }

  /** The value after the patch; {@code current} is not modified. */
  public static Object apply(Node node, Object current, Patch patch) {
    if (patch == null) {
      return current;
    }
    if (node instanceof LeafNode) {
      return ((Patch.Leaf) patch).value();
    } else if (node instanceof StructNode struct) {
      return applyStruct(struct, current, (Patch.Struct) patch);
    } else if (node instanceof MapNode map) {
      return applyMap(map, current, (Patch.MapEntries) patch);
    }
    return applyUnion((UnionNode) node, current, (Patch.Union) patch);
  }

  private static Object applyStruct(StructNode struct, Object current, Patch.Struct patch) {
    Object base = current == null ? struct.defaultValue() : current;
    if (patch.isEmpty()) {
      return base;
    }
    Object[] values = struct.values(base);
    for (Map.Entry<FieldSpec, Patch> e : patch.fields().entrySet()) {
      FieldSpec f = e.getKey();
      try {
        values[f.index()] = apply(f.node(), values[f.index()], e.getValue());
      } catch (Refused r) {
        throw f.flatten() ? r : r.under(f.name());
      }
    }
    return construct(struct, values);
  }

  @SuppressWarnings("unchecked")
  private static Object applyMap(MapNode map, Object current, Patch.MapEntries patch) {
    LinkedHashMap<String, Object> entries = current == null
        ? new LinkedHashMap<>() : new LinkedHashMap<>((Map<String, Object>) current);
    for (Map.Entry<String, Patch> e : patch.entries().entrySet()) {
      if (e.getValue() instanceof Patch.Remove) {
        entries.remove(e.getKey());
      } else {
        Object before = entries.get(e.getKey());
        Object base = before == null ? map.value().defaultValue() : before;
        try {
          entries.put(e.getKey(), apply(map.value(), base, e.getValue()));
        } catch (Refused r) {
          throw r.under(e.getKey());
        }
      }
    }
    return MapNode.freeze(entries);
  }

  private static Object applyUnion(UnionNode union, Object current, Patch.Union patch) {
    VariantSpec target = patch.variant();
    Object base = union.variantOf(current) == target && current != null ? current : target.defaultValue();
    if (patch.content() == null) {
      return base;
    }
    switch (target.kind()) {
      case UNIT:
        return base;
      case OPAQUE:
        try {
          return target.wrap().apply(((Patch.Leaf) patch.content()).value());
        } catch (RuntimeException e) {
          throw new Refused(e);
        }
      default:
        return applyStruct(target.struct(), base, (Patch.Struct) patch.content());
    }
  }

  /** The patch that turns {@code before} into {@code after}; null when they are equal. */
  public static Patch diff(Node node, Object before, Object after) {
    if (node instanceof LeafNode leaf) {
      return leaf.same(before, after) ? null : new Patch.Leaf(after);
    } else if (node instanceof StructNode struct) {
      return diffStruct(struct, before, after);
    } else if (node instanceof MapNode map) {
      return diffMap(map, before, after);
    }
    return diffUnion((UnionNode) node, before, after);
  }

  private static Patch diffStruct(StructNode struct, Object before, Object after) {
    Map<FieldSpec, Patch> fields = new LinkedHashMap<>();
    for (FieldSpec f : struct.fields()) {
      Object a = before == null ? f.defaultValue() : struct.get(before, f);
      Object b = struct.get(after, f);
      Patch p = diff(f.node(), a, b);
      if (p != null) {
        fields.put(f, p);
      }
    }
    return fields.isEmpty() ? null : new Patch.Struct(fields);
  }

  @SuppressWarnings("unchecked")
  private static Patch diffMap(MapNode map, Object before, Object after) {
    Map<String, Object> a = before == null ? Map.of() : (Map<String, Object>) before;
    Map<String, Object> b = after == null ? Map.of() : (Map<String, Object>) after;
    Map<String, Patch> entries = new LinkedHashMap<>();
    for (String key : a.keySet()) {
      if (!b.containsKey(key)) {
        entries.put(key, Patch.Remove.INSTANCE);
      }
    }
    for (Map.Entry<String, Object> e : b.entrySet()) {
      Object old = a.get(e.getKey());
      if (old == null) {
        Patch full = diff(map.value(), null, e.getValue());
        entries.put(e.getKey(), full == null ? empty(map.value(), e.getValue()) : full);
      } else {
        Patch p = diff(map.value(), old, e.getValue());
        if (p != null) {
          entries.put(e.getKey(), p);
        }
      }
    }
    return entries.isEmpty() ? null : new Patch.MapEntries(entries);
  }

  private static Patch diffUnion(UnionNode union, Object before, Object after) {
    VariantSpec va = before == null ? null : union.variantOf(before);
    VariantSpec vb = union.variantOf(after);
    if (va == vb) {
      Patch inner = diffContent(vb, before, after);
      return inner == null ? null : new Patch.Union(vb, false, false, false, inner);
    }
    return new Patch.Union(vb, true, false, false, diffContent(vb, null, after));
  }

  private static Patch diffContent(VariantSpec v, Object before, Object after) {
    switch (v.kind()) {
      case UNIT:
        return null;
      case OPAQUE:
        Object a = before == null ? null : v.unwrap().apply(before);
        Object b = v.unwrap().apply(after);
        return before != null && v.leaf().same(a, b) ? null : new Patch.Leaf(b);
      default:
        return diffStruct(v.struct(), before, after);
    }
  }
}
