package dev.thingbridge.shadows.schema.internal;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;

/** A map with string keys whose entries are added, changed and removed by deltas. */
public final class MapNode implements Node {
  private final Node value;

  MapNode(Node value) {
    this.value = value;
  }

  public Node value() {
    return value;
  }

  @Override
  public Object defaultValue() {
    return Map.of();
  }

  /** Freezes a working copy into the map held by the state. */
  public static Map<String, Object> freeze(LinkedHashMap<String, Object> entries) {
    return Collections.unmodifiableMap(entries);
  }

  @Override
  public String descriptor() {
    return "M<" + value.descriptor() + ">";
  }
}
