package dev.thingbridge.twin.jobs;

import com.fasterxml.jackson.databind.JsonNode;
import dev.thingbridge.mqtt.AwsNames;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * AWS's limits on a job execution's statusDetails: at most 10 pairs, keys 1-128 characters of
 * {@code [a-zA-Z0-9:_-]}, values 1-1024 characters without control characters.
 */
final class StatusDetails {
  static final int MAX_ENTRIES = 10;
  static final int MAX_VALUE_CHARS = 1024;

  private StatusDetails() {}

  /**
   * The map a JSON value stands for.
   *
   * @throws IllegalArgumentException with a message for the device if it breaks a rule
   */
  static Map<String, String> parse(JsonNode node) {
    if (!node.isObject()) {
      throw new IllegalArgumentException("statusDetails must be an object of string values");
    }
    if (node.size() > MAX_ENTRIES) {
      throw new IllegalArgumentException("statusDetails has " + node.size() + " entries; at most " + MAX_ENTRIES
          + " are allowed");
    }
    Map<String, String> out = new LinkedHashMap<>();
    Iterator<Map.Entry<String, JsonNode>> it = node.fields();
    while (it.hasNext()) {
      Map.Entry<String, JsonNode> e = it.next();
      if (!AwsNames.isStatusDetailKey(e.getKey())) {
        throw new IllegalArgumentException("statusDetails key '" + shorten(e.getKey())
            + "' must be 1-128 characters of [a-zA-Z0-9:_-]");
      }
      if (!e.getValue().isTextual()) {
        throw new IllegalArgumentException("statusDetails value for '" + e.getKey() + "' must be a string");
      }
      String v = e.getValue().asText();
      if (v.isEmpty() || v.length() > MAX_VALUE_CHARS || v.codePoints().anyMatch(Character::isISOControl)) {
        throw new IllegalArgumentException("statusDetails value for '" + e.getKey()
            + "' must be 1-" + MAX_VALUE_CHARS + " characters without control characters");
      }
      out.put(e.getKey(), v);
    }
    return out;
  }

  private static String shorten(String s) {
    return s.length() > 40 ? s.substring(0, 40) + "..." : s;
  }
}
