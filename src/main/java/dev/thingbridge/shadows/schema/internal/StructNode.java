package dev.thingbridge.shadows.schema.internal;

import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/** An object with named fields: a record, or a Jackson-annotated class. */
public final class StructNode implements Node {
  private final Class<?> type;
  private final StructAccess access;
  private List<FieldSpec> fields = List.of();
  private Map<String, FieldSpec> byName = Map.of();
  private Map<String, FieldSpec> bySegment = Map.of();
  private FieldSpec flatten;
  private Object defaultValue;

  StructNode(Class<?> type, StructAccess access) {
    this.type = type;
    this.access = access;
  }

  /** Completes the node once its fields are built (fields may refer to other nodes built later). */
  void init(List<FieldSpec> fieldSpecs) {
    this.fields = List.copyOf(fieldSpecs);
    Map<String, FieldSpec> names = new LinkedHashMap<>();
    Map<String, FieldSpec> segments = new LinkedHashMap<>();
    for (FieldSpec f : fields) {
      if (f.flatten()) {
        flatten = f;
      } else {
        names.put(f.name(), f);
        segments.put(f.segment(), f);
      }
    }
    this.byName = Collections.unmodifiableMap(names);
    this.bySegment = Collections.unmodifiableMap(segments);
    Object[] values = new Object[fields.size()];
    for (FieldSpec f : fields) {
      values[f.index()] = f.defaultValue();
    }
    this.defaultValue = access.construct(values);
  }

  public Class<?> type() {
    return type;
  }

  public List<FieldSpec> fields() {
    return fields;
  }

  /** The non-flattened field with this JSON name, or null. */
  public FieldSpec field(String name) {
    return byName.get(name);
  }

  /** The non-flattened field with this store segment, or null. */
  public FieldSpec fieldBySegment(String segment) {
    return bySegment.get(segment);
  }

  /** The flattened map field, or null. */
  public FieldSpec flatten() {
    return flatten;
  }

  public Object get(Object instance, FieldSpec field) {
    return access.get(instance, field.index());
  }

  public Object[] values(Object instance) {
    Object[] values = new Object[fields.size()];
    for (int i = 0; i < values.length; i++) {
      values[i] = access.get(instance, i);
    }
    return values;
  }

  public Object construct(Object[] values) {
    return access.construct(values);
  }

  @Override
  public Object defaultValue() {
    return defaultValue;
  }

  @Override
  public String descriptor() {
    Map<String, String> sorted = new TreeMap<>();
    for (FieldSpec f : fields) {
      if (f.persisted()) {
        sorted.put(f.segment(), (f.flatten() ? "~" : "") + f.node().descriptor());
      }
    }
    List<String> parts = new ArrayList<>();
    sorted.forEach((k, v) -> parts.add(k + ":" + v));
    return "S{" + String.join(";", parts) + "}";
  }
}
