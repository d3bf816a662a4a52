package dev.thingbridge.shadows.schema.internal;

import dev.thingbridge.shadows.schema.spec.Tagging;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/** A tagged union: a sealed interface whose permitted records are the variants. */
public final class UnionNode implements Node {
  private final Class<?> type;
  private final Tagging tagging;
  private final String tag;
  private final String content;
  private final List<VariantSpec> variants;
  private final Map<String, VariantSpec> byName;
  private final Map<String, VariantSpec> bySegment;
  private final Map<Class<?>, VariantSpec> byClass;
  private final VariantSpec defaultVariant;

  UnionNode(Class<?> type, Tagging tagging, String tag, String content, List<VariantSpec> variants,
      VariantSpec defaultVariant) {
    this.type = type;
    this.tagging = tagging;
    this.tag = tag;
    this.content = content;
    this.variants = List.copyOf(variants);
    Map<String, VariantSpec> names = new LinkedHashMap<>();
    Map<String, VariantSpec> segments = new LinkedHashMap<>();
    Map<Class<?>, VariantSpec> classes = new LinkedHashMap<>();
    for (VariantSpec v : variants) {
      names.put(v.name(), v);
      segments.put(v.segment(), v);
      classes.put(v.type(), v);
    }
    this.byName = Collections.unmodifiableMap(names);
    this.bySegment = Collections.unmodifiableMap(segments);
    this.byClass = Collections.unmodifiableMap(classes);
    this.defaultVariant = defaultVariant;
  }

  public Class<?> type() {
    return type;
  }

  public Tagging tagging() {
    return tagging;
  }

  public String tag() {
    return tag;
  }

  public String content() {
    return content;
  }

  public List<VariantSpec> variants() {
    return variants;
  }

  public VariantSpec variant(String name) {
    return byName.get(name);
  }

  public VariantSpec variantBySegment(String segment) {
    return bySegment.get(segment);
  }

  /** The variant of a value of this union; the default variant for null. */
  public VariantSpec variantOf(Object value) {
    if (value == null) {
      return defaultVariant;
    }
    VariantSpec v = byClass.get(value.getClass());
    if (v == null) {
      throw new IllegalArgumentException(value.getClass().getName() + " is not a variant of " + type.getName());
    }
    return v;
  }

  public VariantSpec defaultVariant() {
    return defaultVariant;
  }

  /**
   * JSON names of the fields of every other struct variant that the given variant does not have itself: what a
   * switch to {@code active} must null so no stale key of a previous variant stays behind.
   */
  public Set<String> staleFieldNames(VariantSpec active, boolean desiredOnly) {
    Set<String> own = active.fieldNames(desiredOnly);
    Set<String> stale = new LinkedHashSet<>();
    for (VariantSpec v : variants) {
      if (v != active) {
        for (String name : v.fieldNames(desiredOnly)) {
          if (!own.contains(name)) {
            stale.add(name);
          }
        }
      }
    }
    return stale;
  }

  @Override
  public Object defaultValue() {
    return defaultVariant.defaultValue();
  }

  @Override
  public String descriptor() {
    Map<String, String> sorted = new TreeMap<>();
    for (VariantSpec v : variants) {
      sorted.put(v.segment(), v.descriptor());
    }
    List<String> parts = new ArrayList<>(sorted.values());
    String shape = tagging + (tagging == Tagging.EXTERNAL ? "" : "," + tag)
        + (tagging == Tagging.ADJACENT ? "," + content : "");
    return "U(" + shape + ")[" + String.join("|", parts) + "]";
  }
}
