package dev.thingbridge.mqtt;

import java.nio.charset.StandardCharsets;

/**
 * MQTT topic names and filters: validation and matching per MQTT 5 §4.7.
 *
 * <p>A filter's {@code +} matches exactly one level and a trailing {@code #} matches the parent level and
 * everything below it. A filter that starts with a wildcard never matches a topic that starts with
 * {@code $} (so {@code #} does not see {@code $aws/...} traffic, as on AWS IoT Core and Mosquitto).
 */
public final class Topics {
  /** MQTT's own ceiling for a topic's UTF-8 length. */
  public static final int MQTT_MAX_TOPIC_BYTES = 65_535;

  private Topics() {}

  /**
   * Checks a topic name for publishing.
   *
   * @throws IllegalArgumentException if it is empty, has a wildcard or NUL, or is over {@code maxBytes}
   */
  public static String requireValidTopic(String topic, int maxBytes) {
    requireCommon(topic, "topic", maxBytes);
    if (topic.indexOf('+') >= 0 || topic.indexOf('#') >= 0) {
      throw new IllegalArgumentException("topic must not contain wildcards: " + topic);
    }
    return topic;
  }

  /**
   * Checks a topic filter for subscribing.
   *
   * @throws IllegalArgumentException if it is empty, over {@code maxBytes}, or uses a wildcard wrongly
   */
  public static String requireValidFilter(String filter, int maxBytes) {
    requireCommon(filter, "topic filter", maxBytes);
    String[] levels = filter.split("/", -1);
    for (int i = 0; i < levels.length; i++) {
      String level = levels[i];
      if (level.contains("#") && (!level.equals("#") || i != levels.length - 1)) {
        throw new IllegalArgumentException("'#' must be the whole last level: " + filter);
      }
      if (level.contains("+") && !level.equals("+")) {
        throw new IllegalArgumentException("'+' must be a whole level: " + filter);
      }
    }
    return filter;
  }

  /** Whether {@code filter} matches the topic name {@code topic}. Both are assumed valid. */
  public static boolean matches(String filter, String topic) {
    if (topic.startsWith("$") && (filter.startsWith("+") || filter.startsWith("#"))) {
      return false;
    }
    int f = 0; // start of the current filter level
    int t = 0; // start of the current topic level; tLen + 1 once the topic is used up
    int tLen = topic.length();
    while (true) {
      int fEnd = indexOfSlash(filter, f);
      boolean lastFilterLevel = fEnd == filter.length();
      if (fEnd - f == 1 && filter.charAt(f) == '#') {
        return true; // covers this level (even when the topic ended at the parent) and all below
      }
      if (t > tLen) {
        return false; // filter has levels left, topic has none
      }
      int tEnd = indexOfSlash(topic, t);
      boolean plus = fEnd - f == 1 && filter.charAt(f) == '+';
      if (!plus && (fEnd - f != tEnd - t || !filter.regionMatches(f, topic, t, fEnd - f))) {
        return false;
      }
      if (lastFilterLevel) {
        return tEnd == tLen;
      }
      f = fEnd + 1;
      t = tEnd + 1;
    }
  }

  /**
   * Whether some topic could match both filters (both assumed valid). Errs towards yes: false means that no
   * topic matches both.
   */
  public static boolean mayOverlap(String a, String b) {
    boolean aWild = a.startsWith("+") || a.startsWith("#");
    boolean bWild = b.startsWith("+") || b.startsWith("#");
    if ((aWild && b.startsWith("$")) || (bWild && a.startsWith("$"))) {
      return false; // a topic that starts with $ never matches a filter that starts with a wildcard
    }
    String[] x = a.split("/", -1);
    String[] y = b.split("/", -1);
    for (int i = 0; ; i++) {
      boolean xEnd = i == x.length;
      boolean yEnd = i == y.length;
      if (xEnd && yEnd) {
        return true;
      }
      if ((!xEnd && x[i].equals("#")) || (!yEnd && y[i].equals("#"))) {
        return true;
      }
      if (xEnd || yEnd) {
        return false;
      }
      if (!x[i].equals("+") && !y[i].equals("+") && !x[i].equals(y[i])) {
        return false;
      }
    }
  }

  /** Whether a filter contains a wildcard. */
  public static boolean isWildcard(String filter) {
    return filter.indexOf('+') >= 0 || filter.indexOf('#') >= 0;
  }

  private static int indexOfSlash(String s, int from) {
    int i = s.indexOf('/', from);
    return i < 0 ? s.length() : i;
  }

  private static void requireCommon(String value, String what, int maxBytes) {
    if (value == null || value.isEmpty()) {
      throw new IllegalArgumentException(what + " must not be empty");
    }
    if (value.indexOf('\0') >= 0) {
      throw new IllegalArgumentException(what + " must not contain NUL");
    }
    int bytes = value.getBytes(StandardCharsets.UTF_8).length;
    if (bytes > Math.min(maxBytes, MQTT_MAX_TOPIC_BYTES)) {
      throw new IllegalArgumentException(
          what + " is " + bytes + " bytes, over the limit of " + maxBytes + ": " + value);
    }
  }
}
