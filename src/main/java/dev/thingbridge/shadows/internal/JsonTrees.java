package dev.thingbridge.shadows.internal;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.Map;

/** JSON tree operations with AWS shadow semantics: objects merge, {@code null} removes, everything else replaces. */
public final class JsonTrees {
  private JsonTrees() {}

  /** Merges {@code patch} into {@code target} (modified in place) as AWS merges an update into a document. */
  public static ObjectNode merge(ObjectNode target, ObjectNode patch) {
    for (Map.Entry<String, JsonNode> e : patch.properties()) {
      JsonNode value = e.getValue();
      JsonNode current = target.get(e.getKey());
      if (value.isNull()) {
        target.remove(e.getKey());
      } else if (value.isObject() && current != null && current.isObject()) {
        merge((ObjectNode) current, (ObjectNode) value);
      } else {
        target.set(e.getKey(), withoutNulls(value));
      }
    }
    return target;
  }

  /** Merges {@code patch} into {@code target} (modified in place), keeping {@code null} values as values. */
  public static ObjectNode mergeKeepingNulls(ObjectNode target, ObjectNode patch) {
    for (Map.Entry<String, JsonNode> e : patch.properties()) {
      JsonNode current = target.get(e.getKey());
      if (e.getValue().isObject() && current != null && current.isObject()) {
        mergeKeepingNulls((ObjectNode) current, (ObjectNode) e.getValue());
      } else {
        target.set(e.getKey(), e.getValue().deepCopy());
      }
    }
    return target;
  }

  /** What changed from {@code before} to {@code after}: changed values, removed keys as {@code null}. */
  public static ObjectNode diff(ObjectNode before, ObjectNode after) {
    ObjectNode out = JsonNodeFactory.instance.objectNode();
    for (Map.Entry<String, JsonNode> e : after.properties()) {
      JsonNode old = before.get(e.getKey());
      JsonNode now = e.getValue();
      if (old != null && old.isObject() && now.isObject()) {
        ObjectNode sub = diff((ObjectNode) old, (ObjectNode) now);
        if (!sub.isEmpty()) {
          out.set(e.getKey(), sub);
        }
      } else if (old == null || !old.equals(now)) {
        out.set(e.getKey(), now.deepCopy());
      }
    }
    for (Map.Entry<String, JsonNode> e : before.properties()) {
      if (!after.has(e.getKey())) {
        out.putNull(e.getKey());
      }
    }
    return out;
  }

  /**
   * The part of a partial document the cloud may hold as desired: the keys of {@code partial} that {@code
   * fullDesired} has (recursively), and every {@code null} (a removal, or a field of a variant no longer active).
   */
  public static ObjectNode restrictTo(ObjectNode partial, ObjectNode fullDesired) {
    ObjectNode out = JsonNodeFactory.instance.objectNode();
    for (Map.Entry<String, JsonNode> e : partial.properties()) {
      JsonNode value = e.getValue();
      JsonNode allowed = fullDesired == null ? null : fullDesired.get(e.getKey());
      if (value.isNull()) {
        out.putNull(e.getKey());
      } else if (allowed == null) {
        continue;
      } else if (value.isObject() && allowed.isObject()) {
        ObjectNode sub = restrictTo((ObjectNode) value, (ObjectNode) allowed);
        if (!sub.isEmpty()) {
          out.set(e.getKey(), sub);
        }
      } else {
        out.set(e.getKey(), value.deepCopy());
      }
    }
    return out;
  }

  /**
   * A document that sets {@code null} at a JSON Pointer (RFC 6901), creating the objects on the way: an update
   * with it as {@code desired} removes that key.
   */
  public static ObjectNode nullAt(String pointer) {
    ObjectNode root = JsonNodeFactory.instance.objectNode();
    if (pointer.isEmpty() || !pointer.startsWith("/")) {
      return root;
    }
    String[] parts = pointer.substring(1).split("/", -1);
    ObjectNode at = root;
    for (int i = 0; i < parts.length; i++) {
      String key = parts[i].replace("~1", "/").replace("~0", "~");
      if (i == parts.length - 1) {
        at.putNull(key);
      } else {
        at = at.putObject(key);
      }
    }
    return root;
  }

  /** A copy of a delta without the value at a JSON Pointer (and without objects left empty by that). */
  public static ObjectNode without(ObjectNode delta, String pointer) {
    ObjectNode copy = delta.deepCopy();
    if (pointer.isEmpty() || !pointer.startsWith("/")) {
      return JsonNodeFactory.instance.objectNode();
    }
    removeAt(copy, pointer.substring(1).split("/", -1), 0);
    return copy;
  }

  private static void removeAt(ObjectNode node, String[] parts, int i) {
    String key = parts[i].replace("~1", "/").replace("~0", "~");
    if (i == parts.length - 1) {
      node.remove(key);
      return;
    }
    JsonNode child = node.get(key);
    if (child instanceof ObjectNode o) {
      removeAt(o, parts, i + 1);
      if (o.isEmpty()) {
        node.remove(key);
      }
    } else {
      node.remove(key);
    }
  }

  /** Whether a JSON Pointer names a value in the document, or something inside it. */
  public static boolean touches(ObjectNode document, String pointer) {
    if (pointer.isEmpty() || pointer.equals("/")) {
      return !document.isEmpty();
    }
    return !document.at(pointer).isMissingNode();
  }

  private static JsonNode withoutNulls(JsonNode value) {
    if (!value.isObject()) {
      return value.deepCopy();
    }
    ObjectNode out = JsonNodeFactory.instance.objectNode();
    for (Map.Entry<String, JsonNode> e : value.properties()) {
      if (!e.getValue().isNull()) {
        out.set(e.getKey(), withoutNulls(e.getValue()));
      }
    }
    return out;
  }
}
