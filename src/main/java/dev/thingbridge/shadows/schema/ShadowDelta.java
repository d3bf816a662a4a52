package dev.thingbridge.shadows.schema;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.thingbridge.shadows.schema.internal.FieldSpec;
import dev.thingbridge.shadows.schema.internal.Patch;
import dev.thingbridge.shadows.schema.internal.Segments;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * A delta checked against a shadow's state type: the {@code state} of an {@code /update/delta} message, the
 * {@code delta} of a GET reply, or a desired or reported change made by the device. Obtained from
 * {@link ShadowSchema#parseDelta}; immutable and not tied to the state it was parsed against.
 */
public final class ShadowDelta {
  private final ShadowSchema<?> schema;
  private final Patch.Struct patch;
  private final ObjectNode json;

  ShadowDelta(ShadowSchema<?> schema, Patch.Struct patch, ObjectNode json) {
    this.schema = schema;
    this.patch = patch;
    this.json = json;
  }

  /** Whether the delta changes nothing (AWS sends empty deltas, which a device should skip). */
  public boolean isEmpty() {
    return patch.isEmpty();
  }

  /** The delta as received (a copy). */
  public ObjectNode json() {
    return json.deepCopy();
  }

  /**
   * JSON Pointers of everything the delta changes: each leaf, each map entry added or removed, each union whose
   * variant it names. For example {@code ["/config/timeout", "/ports/p1"]}. Fields of a union's variant are listed
   * directly under the union's path, whatever its tagging ({@code /ip/address}).
   */
  public List<String> paths() {
    List<String> out = new ArrayList<>();
    collect(patch, "", out);
    return out;
  }

  /** Whether the delta changes the value at a JSON Pointer or anything inside it. */
  public boolean touches(String pointer) {
    for (String p : paths()) {
      if (p.equals(pointer) || p.startsWith(pointer + "/") || pointer.startsWith(p + "/")) {
        return true;
      }
    }
    return false;
  }

  ShadowSchema<?> schema() {
    return schema;
  }

  Patch.Struct patch() {
    return patch;
  }

  private static void collect(Patch p, String path, List<String> out) {
    if (p instanceof Patch.Struct s) {
      if (s.isEmpty()) {
        out.add(path);
      }
      for (Map.Entry<FieldSpec, Patch> e : s.fields().entrySet()) {
        collect(e.getValue(), e.getKey().flatten() ? path : Segments.pointer(path, e.getKey().name()), out);
      }
    } else if (p instanceof Patch.MapEntries m) {
      if (m.entries().isEmpty()) {
        out.add(path);
      }
      for (Map.Entry<String, Patch> e : m.entries().entrySet()) {
        String here = Segments.pointer(path, e.getKey());
        if (e.getValue() instanceof Patch.Remove) {
          out.add(here);
        } else {
          collect(e.getValue(), here, out);
        }
      }
    } else if (p instanceof Patch.Union u) {
      if (u.tagGiven() || !(u.content() instanceof Patch.Struct)) {
        out.add(path);
      }
      if (u.content() instanceof Patch.Struct s) {
        collect(s, path, out);
      }
    } else {
      out.add(path);
    }
  }

  @Override
  public String toString() {
    return "ShadowDelta" + json;
  }
}
