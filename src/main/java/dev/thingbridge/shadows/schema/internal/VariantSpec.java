package dev.thingbridge.shadows.schema.internal;

import java.util.Set;
import java.util.function.Function;

/**
 * One variant of a {@link UnionNode}.
 *
 * @param name the variant's JSON name
 * @param segment its store path segment
 * @param type the variant class
 * @param kind unit, struct or opaque
 * @param content the struct node (STRUCT) or leaf node (OPAQUE); null for UNIT
 * @param unit the single instance of a unit variant
 * @param wrap builds the variant instance from an opaque content value
 * @param unwrap gets the opaque content value from a variant instance
 */
public record VariantSpec(String name, String segment, Class<?> type, Kind kind, Node content, Object unit,
    Function<Object, Object> wrap, Function<Object, Object> unwrap) {

  /** What a variant carries. */
  public enum Kind { UNIT, STRUCT, OPAQUE }

  public StructNode struct() {
    return (StructNode) content;
  }

  public LeafNode leaf() {
    return (LeafNode) content;
  }

  /** The variant with its default content. */
  public Object defaultValue() {
    switch (kind) {
      case UNIT:
        return unit;
      case STRUCT:
        return content.defaultValue();
      default:
        return wrap.apply(content.defaultValue());
    }
  }

  /** JSON names of this variant's own fields (empty unless STRUCT). */
  public Set<String> fieldNames(boolean desiredOnly) {
    if (kind != Kind.STRUCT) {
      return Set.of();
    }
    java.util.LinkedHashSet<String> names = new java.util.LinkedHashSet<>();
    for (FieldSpec f : struct().fields()) {
      if (!f.flatten() && (!desiredOnly || !f.reportOnly())) {
        names.add(f.name());
      }
    }
    return names;
  }

  String descriptor() {
    switch (kind) {
      case UNIT:
        return segment + "=unit";
      default:
        return segment + "=" + content.descriptor();
    }
  }
}
