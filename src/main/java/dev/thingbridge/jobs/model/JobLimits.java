package dev.thingbridge.jobs.model;

import dev.thingbridge.mqtt.AwsNames;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The Jobs API's documented limits, checked before anything is sent so a bad value fails with its reason; the
 * name rules (thing name, job id, statusDetails key) are {@link AwsNames}'.
 */
public final class JobLimits {
  /** Longest client token. */
  public static final int MAX_CLIENT_TOKEN = 64;
  /** Most statusDetails entries. */
  public static final int MAX_STATUS_DETAILS = 10;
  /** Longest statusDetails value. */
  public static final int MAX_DETAIL_VALUE = 1024;

  private JobLimits() {}

  /** @throws IllegalArgumentException if present and empty or over 64 characters */
  public static String checkClientToken(String token) {
    if (token != null && (token.isEmpty() || token.length() > MAX_CLIENT_TOKEN)) {
      throw new IllegalArgumentException("clientToken must be 1-" + MAX_CLIENT_TOKEN + " characters: " + token);
    }
    return token;
  }

  /**
   * Checks statusDetails: at most 10 entries, keys 1-128 characters of {@code [a-zA-Z0-9:_-]}, values
   * 1-1024 characters without control characters. Returns an unmodifiable copy keeping the caller's order.
   */
  public static Map<String, String> checkStatusDetails(Map<String, String> details) {
    if (details.size() > MAX_STATUS_DETAILS) {
      throw new IllegalArgumentException(
          "statusDetails may hold at most " + MAX_STATUS_DETAILS + " entries, got " + details.size());
    }
    Map<String, String> copy = new LinkedHashMap<>();
    details.forEach((k, v) -> {
      AwsNames.requireStatusDetailKey(k);
      if (v == null || v.isEmpty() || v.length() > MAX_DETAIL_VALUE) {
        throw new IllegalArgumentException("statusDetails value of '" + k + "' must be 1-" + MAX_DETAIL_VALUE
            + " characters");
      }
      if (v.chars().anyMatch(Character::isISOControl)) {
        throw new IllegalArgumentException("statusDetails value of '" + k + "' must not contain control characters");
      }
      copy.put(k, v);
    });
    return java.util.Collections.unmodifiableMap(copy);
  }

  /**
   * Makes free text fit a statusDetails value: control characters become spaces, runs of space collapse,
   * and anything over 1024 characters is cut, keeping the end (where the cause of a failure usually is).
   */
  public static String toDetailValue(String text) {
    StringBuilder b = new StringBuilder();
    for (int i = 0; i < text.length(); i++) {
      char c = text.charAt(i);
      b.append(Character.isISOControl(c) ? ' ' : c);
    }
    String s = b.toString().replaceAll(" {2,}", " ").strip();
    if (s.isEmpty()) {
      return "-";
    }
    return s.length() <= MAX_DETAIL_VALUE ? s : "..." + s.substring(s.length() - (MAX_DETAIL_VALUE - 3));
  }
}
