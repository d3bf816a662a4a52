package dev.thingbridge.component;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * A typed view of one level of the configuration map, as Greengrass hands it over: numbers and booleans may come
 * as strings (the recipe quotes them) or as values (Gson's doubles included: 10.0 is 10). Every failure names the
 * full key.
 */
final class ConfigValues {
  private final Map<String, Object> map;
  private final String prefix;

  ConfigValues(Map<String, Object> map, String prefix) {
    this.map = map;
    this.prefix = prefix;
  }

  boolean has(String key) {
    return map.get(key) != null;
  }

  void rejectUnknown(Set<String> known) {
    for (String key : map.keySet()) {
      if (!known.contains(key)) {
        throw new ConfigurationException("configuration: unknown key " + prefix + key + " (known here: "
            + String.join(", ", new java.util.TreeSet<>(known)) + ")");
      }
    }
  }

  @SuppressWarnings("unchecked")
  ConfigValues section(String key) {
    Object v = map.get(key);
    if (v == null) {
      return new ConfigValues(Map.of(), prefix + key + ".");
    }
    if (!(v instanceof Map<?, ?>)) {
      throw ComponentConfig.bad(prefix + key, "must be a map", v);
    }
    return new ConfigValues((Map<String, Object>) v, prefix + key + ".");
  }

  String string(String key, String fallback) {
    Object v = map.get(key);
    if (v == null) {
      return fallback;
    }
    if (v instanceof Map<?, ?> || v instanceof List<?>) {
      throw ComponentConfig.bad(prefix + key, "must be a single value", v);
    }
    return String.valueOf(v).trim();
  }

  String oneOf(String key, String fallback, Set<String> allowed) {
    String v = string(key, fallback);
    if (!allowed.contains(v)) {
      throw ComponentConfig.bad(prefix + key, "must be one of " + String.join(", ", new java.util.TreeSet<>(allowed)), v);
    }
    return v;
  }

  boolean bool(String key, boolean fallback) {
    Object v = map.get(key);
    if (v == null) {
      return fallback;
    }
    if (v instanceof Boolean b) {
      return b;
    }
    String s = String.valueOf(v).trim().toLowerCase(Locale.ROOT);
    if (s.equals("true")) {
      return true;
    }
    if (s.equals("false")) {
      return false;
    }
    throw ComponentConfig.bad(prefix + key, "must be true or false", v);
  }

  int integer(String key, int fallback, int min, int max) {
    Object v = map.get(key);
    if (v == null) {
      return fallback;
    }
    double d;
    try {
      d = v instanceof Number n ? n.doubleValue() : Double.parseDouble(String.valueOf(v).trim());
    } catch (NumberFormatException e) {
      throw ComponentConfig.bad(prefix + key, "must be an integer between " + min + " and " + max, v);
    }
    if (d != Math.rint(d) || d < min || d > max) {
      throw ComponentConfig.bad(prefix + key, "must be an integer between " + min + " and " + max, v);
    }
    return (int) d;
  }

  /** A list of strings; a single string is a one-element list, an empty string none. */
  List<String> strings(String key) {
    Object v = map.get(key);
    if (v == null) {
      return List.of();
    }
    if (v instanceof List<?> l) {
      List<String> out = new ArrayList<>();
      for (Object e : l) {
        if (e == null || e instanceof Map<?, ?> || e instanceof List<?>) {
          throw ComponentConfig.bad(prefix + key, "must be a list of strings", v);
        }
        out.add(String.valueOf(e).trim());
      }
      return List.copyOf(out);
    }
    String s = string(key, "");
    return s.isEmpty() ? List.of() : List.of(s);
  }

  /** The keys of this level, in order. */
  List<String> keys() {
    return List.copyOf(map.keySet());
  }

  String path(String key) {
    return prefix + key;
  }
}
