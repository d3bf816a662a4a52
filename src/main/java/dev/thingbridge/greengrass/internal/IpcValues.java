package dev.thingbridge.greengrass.internal;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Undoes what Gson does to numbers in Greengrass IPC maps ({@code GetConfiguration}, JSON pub/sub messages):
 * every JSON number arrives as a {@code Double}. An integral value that a double represents exactly comes
 * back as a {@code Long} (8883.0 becomes 8883); anything else stays a {@code Double}.
 */
public final class IpcValues {
  /** 2^53: above it a double no longer holds every integer, so we cannot claim the value was integral. */
  private static final double EXACT_INTEGER_LIMIT = 9_007_199_254_740_992d;

  private IpcValues() {}

  /** A copy of {@code map} with its numbers restored, at every depth; null gives an empty map. */
  public static Map<String, Object> restoreNumbers(Map<String, ?> map) {
    Map<String, Object> out = new LinkedHashMap<>();
    if (map != null) {
      map.forEach((k, v) -> out.put(k, restore(v)));
    }
    return out;
  }

  /** {@code value} with its numbers restored, at every depth. */
  public static Object restore(Object value) {
    if (value instanceof Double d) {
      double x = d;
      if (!Double.isInfinite(x) && x == Math.rint(x) && Math.abs(x) <= EXACT_INTEGER_LIMIT) {
        return (long) x;
      }
      return d;
    }
    if (value instanceof Map<?, ?> m) {
      Map<String, Object> out = new LinkedHashMap<>();
      m.forEach((k, v) -> out.put(String.valueOf(k), restore(v)));
      return out;
    }
    if (value instanceof List<?> l) {
      List<Object> out = new ArrayList<>(l.size());
      l.forEach(v -> out.add(restore(v)));
      return out;
    }
    return value;
  }
}
