package dev.thingbridge.shadows.schema.internal;

import java.util.Map;

/** A parsed, schema-checked change to one node: what a delta or a reported patch does to the state. */
public sealed interface Patch {
  /** Replaces a leaf with a value. */
  record Leaf(Object value) implements Patch {}

  /** Changes some fields of an object; the map is in the order the fields appeared. */
  record Struct(Map<FieldSpec, Patch> fields) implements Patch {
    public boolean isEmpty() {
      return fields.isEmpty();
    }
  }

  /** Adds, changes or removes map entries ({@link Remove} for a removal). */
  record MapEntries(Map<String, Patch> entries) implements Patch {}

  /** Removes a map entry: the cloud sent {@code null} or {@code "unset"}. */
  record Remove() implements Patch {
    public static final Remove INSTANCE = new Remove();
  }

  /**
   * Selects a variant of a union and changes its content.
   *
   * @param variant the variant the union has after this patch
   * @param tagGiven the delta named the variant (a switch, or a confirmation of the current one)
   * @param fallback the delta named an unknown variant and the current one was kept (adjacent tagging only)
   * @param staleKeys the delta carried fields of another variant, which were ignored
   * @param content the change to the variant's content, or null
   */
  record Union(VariantSpec variant, boolean tagGiven, boolean fallback, boolean staleKeys, Patch content)
      implements Patch {}
}
