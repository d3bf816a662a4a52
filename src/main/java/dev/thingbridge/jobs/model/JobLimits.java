package dev.thingbridge.jobs.model;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.regex.Pattern;

/** The Jobs API's documented limits, checked before anything is sent so a bad value fails with its reason. */
public final class JobLimits {
  /** Longest thing name. */
  public static final int MAX_THING_NAME = 128;
  /** Longest job id. */
  public static final int MAX_JOB_ID = 64;
  /** Longest client token. */
  public static final int MAX_CLIENT_TOKEN = 64;
  /** Most statusDetails entries. */
  public static final int MAX_STATUS_DETAILS = 10;
  /** Longest statusDetails key. */
  public static final int MAX_DETAIL_KEY = 128;
  /** Longest statusDetails value. */
  public static final int MAX_DETAIL_VALUE = 1024;

  private static final Pattern THING = Pattern.compile("[a-zA-Z0-9:_-]+");
  private static final Pattern JOB_ID = Pattern.compile("[a-zA-Z0-9_-]+");
  private static final Pattern DETAIL_KEY = Pattern.compile("[a-zA-Z0-9:_-]+");

  private JobLimits() {}

  /** @throws IllegalArgumentException unless 1-128 characters of {@code [a-zA-Z0-9:_-]} */
  public static String checkThingName(String thing) {
    if (thing == null || thing.isEmpty() || thing.length() > MAX_THING_NAME || !THING.matcher(thing).matches()) {
      throw new IllegalArgumentException("thing name must be 1-" + MAX_THING_NAME
          + " characters of [a-zA-Z0-9:_-]: " + abbreviate(thing));
    }
    return thing;
  }

  /** @throws IllegalArgumentException unless 1-64 characters of {@code [a-zA-Z0-9_-]} */
  public static String checkJobId(String jobId) {
    if (jobId == null || jobId.isEmpty() || jobId.length() > MAX_JOB_ID || !JOB_ID.matcher(jobId).matches()) {
      throw new IllegalArgumentException("job id must be 1-" + MAX_JOB_ID
          + " characters of [a-zA-Z0-9_-]: " + abbreviate(jobId));
    }
    return jobId;
  }

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
      if (k == null || k.isEmpty() || k.length() > MAX_DETAIL_KEY || !DETAIL_KEY.matcher(k).matches()) {
        throw new IllegalArgumentException("statusDetails key must be 1-" + MAX_DETAIL_KEY
            + " characters of [a-zA-Z0-9:_-]: " + abbreviate(k));
      }
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

  private static String abbreviate(String s) {
    if (s == null) {
      return "null";
    }
    return s.length() <= 80 ? "'" + s + "'" : "'" + s.substring(0, 80) + "...' (" + s.length() + " characters)";
  }
}
