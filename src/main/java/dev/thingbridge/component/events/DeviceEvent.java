package dev.thingbridge.component.events;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.Iterator;
import java.util.Map;
import java.util.Objects;

/**
 * Something that happened on the device the component runs: a job started, a delta applied, an OTA made
 * progress, an MCU flashed. Each is logged as one line and pushed to the sibling components that subscribed to
 * its stream.
 *
 * @param stream the stream it belongs to: {@code shadows}, {@code jobs}, {@code commands}, {@code ota}, {@code
 *     mcu}, {@code provisioning}, {@code defender}, {@code component}
 * @param type what happened, {@code <stream-ish>.<verb>}: {@code job.started}, {@code ota.progress}...
 * @param thing the thing it concerns, or null
 * @param fields the details (a JSON object; never keys, tokens or pre-signed URLs)
 */
public record DeviceEvent(String stream, String type, String thing, ObjectNode fields) {
  /** The streams a sibling may subscribe to. */
  public static final java.util.Set<String> STREAMS =
      java.util.Set.of("shadows", "jobs", "commands", "ota", "mcu", "provisioning", "defender", "component");

  public DeviceEvent {
    Objects.requireNonNull(stream, "stream");
    Objects.requireNonNull(type, "type");
    fields = fields == null ? JsonNodeFactory.instance.objectNode() : fields.deepCopy();
  }

  /** An event with details given as pairs: {@code of("jobs", "job.started", "gw", "jobId", "j1", ...)}. */
  public static DeviceEvent of(String stream, String type, String thing, Object... pairs) {
    if (pairs.length % 2 != 0) {
      throw new IllegalArgumentException("details come in name/value pairs");
    }
    ObjectNode f = JsonNodeFactory.instance.objectNode();
    for (int i = 0; i < pairs.length; i += 2) {
      f.set(String.valueOf(pairs[i]), toJson(pairs[i + 1]));
    }
    return new DeviceEvent(stream, type, thing, f);
  }

  /** The event as pushed to siblings: {@code {"type":..,"stream":..,"thing":..,<fields>}}. */
  public ObjectNode toJson() {
    ObjectNode out = JsonNodeFactory.instance.objectNode();
    out.put("type", type);
    out.put("stream", stream);
    if (thing != null) {
      out.put("thing", thing);
    }
    out.setAll(fields.deepCopy());
    return out;
  }

  /**
   * One log line: {@code job.started thing=gw-1 jobId=j1 operation=reboot}; nested values as compact JSON, and a
   * text that is not a bare word (empty, with a space, a line break, '=' or '"') as a JSON string.
   */
  public String toLine() {
    StringBuilder b = new StringBuilder(type);
    if (thing != null) {
      b.append(" thing=").append(thing);
    }
    Iterator<Map.Entry<String, JsonNode>> it = fields.fields();
    while (it.hasNext()) {
      Map.Entry<String, JsonNode> e = it.next();
      JsonNode v = e.getValue();
      String text = v.isTextual() ? v.asText() : v.toString();
      if (v.isTextual() && needsQuotes(text)) {
        text = v.toString(); // a JSON string: escapes line breaks and control characters, reads back exactly
      }
      b.append(' ').append(e.getKey()).append('=').append(text);
    }
    return b.toString();
  }

  /** Empty, or holding a space, a control character (a line break), '=' or '"': not readable as a bare word. */
  private static boolean needsQuotes(String text) {
    return text.isEmpty() || text.chars().anyMatch(c -> c <= ' ' || c == '=' || c == '"' || c == 0x7f);
  }

  private static JsonNode toJson(Object v) {
    JsonNodeFactory f = JsonNodeFactory.instance;
    if (v == null) {
      return f.nullNode();
    }
    if (v instanceof JsonNode n) {
      return n.deepCopy();
    }
    if (v instanceof Boolean b) {
      return f.booleanNode(b);
    }
    if (v instanceof Integer i) {
      return f.numberNode(i);
    }
    if (v instanceof Long l) {
      return f.numberNode(l);
    }
    if (v instanceof Double d) {
      return f.numberNode(d);
    }
    if (v instanceof Map<?, ?> m) {
      ObjectNode o = f.objectNode();
      m.forEach((k, val) -> o.set(String.valueOf(k), toJson(val)));
      return o;
    }
    return f.textNode(String.valueOf(v));
  }
}
