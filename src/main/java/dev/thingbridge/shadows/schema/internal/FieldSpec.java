package dev.thingbridge.shadows.schema.internal;

import dev.thingbridge.shadows.schema.spec.FieldConverter;
import java.util.List;

/**
 * One field of a {@link StructNode} with its options.
 *
 * @param name the JSON name
 * @param segment the store path segment ({@link Segments#encode(String)} of the name)
 * @param index position in the struct's value array
 * @param node the field's shape
 * @param reportOnly never desired, rejected in deltas
 * @param persisted stored in the key-value store
 * @param flatten a map inlined into the parent
 * @param migrations older stored locations, tried in order
 * @param defaultValue the field's default (already resolved from {@code @DefaultValue} or the node's default)
 * @param hasCustomDefault whether the default came from {@code @DefaultValue}
 */
public record FieldSpec(String name, String segment, int index, Node node, boolean reportOnly, boolean persisted,
    boolean flatten, List<Migration> migrations, Object defaultValue, boolean hasCustomDefault) {

  /** An older stored location of a leaf field. */
  public record Migration(String path, List<String> segments, FieldConverter converter) {}

  public FieldSpec {
    migrations = List.copyOf(migrations);
  }
}
