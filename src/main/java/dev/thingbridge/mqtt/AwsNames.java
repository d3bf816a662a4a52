package dev.thingbridge.mqtt;

import java.util.regex.Pattern;

/**
 * The names AWS IoT accepts in its reserved topics, written once for the device side and the twin: thing and
 * shadow names, job and command execution ids, MQTT client ids as command targets, and statusDetails keys.
 * Each rule has a test ({@code isX}) and a check ({@code requireX}) that returns the name or throws an
 * {@link IllegalArgumentException} whose message names the rule and the value (abbreviated past 80 characters).
 */
public final class AwsNames {
  /** Longest thing name. */
  public static final int MAX_THING_NAME = 128;
  /** Longest named shadow's name. */
  public static final int MAX_SHADOW_NAME = 64;
  /** Longest job id. */
  public static final int MAX_JOB_ID = 64;
  /** Longest command execution id. */
  public static final int MAX_EXECUTION_ID = 64;
  /** Longest MQTT client id AWS IoT accepts. */
  public static final int MAX_CLIENT_ID = 128;
  /** Longest statusDetails key of a job execution. */
  public static final int MAX_DETAIL_KEY = 128;

  private static final Pattern THING_NAME = Pattern.compile("[a-zA-Z0-9:_-]{1," + MAX_THING_NAME + "}");
  private static final Pattern SHADOW_NAME = Pattern.compile("[a-zA-Z0-9:_-]{1," + MAX_SHADOW_NAME + "}");
  private static final Pattern JOB_ID = Pattern.compile("[a-zA-Z0-9_-]{1," + MAX_JOB_ID + "}");
  private static final Pattern EXECUTION_ID = Pattern.compile("[a-zA-Z0-9_-]{1," + MAX_EXECUTION_ID + "}");
  private static final Pattern DETAIL_KEY = Pattern.compile("[a-zA-Z0-9:_-]{1," + MAX_DETAIL_KEY + "}");

  private AwsNames() {}

  /** Whether AWS accepts a thing name: 1-128 characters of {@code [a-zA-Z0-9:_-]}. */
  public static boolean isThingName(String name) {
    return name != null && THING_NAME.matcher(name).matches();
  }

  /** Checks a thing name; returns it. */
  public static String requireThingName(String name) {
    return require(isThingName(name), "thing name", MAX_THING_NAME, "[a-zA-Z0-9:_-]", name);
  }

  /** Whether AWS accepts a named shadow's name: 1-64 characters of {@code [a-zA-Z0-9:_-]}. */
  public static boolean isShadowName(String name) {
    return name != null && SHADOW_NAME.matcher(name).matches();
  }

  /** Checks a named shadow's name; returns it. */
  public static String requireShadowName(String name) {
    return require(isShadowName(name), "shadow name", MAX_SHADOW_NAME, "[a-zA-Z0-9:_-]", name);
  }

  /** Whether AWS accepts a job id: 1-64 characters of {@code [a-zA-Z0-9_-]}. */
  public static boolean isJobId(String id) {
    return id != null && JOB_ID.matcher(id).matches();
  }

  /** Checks a job id; returns it. */
  public static String requireJobId(String id) {
    return require(isJobId(id), "job id", MAX_JOB_ID, "[a-zA-Z0-9_-]", id);
  }

  /** Whether AWS accepts a command execution id: 1-64 characters of {@code [a-zA-Z0-9_-]}. */
  public static boolean isExecutionId(String id) {
    return id != null && EXECUTION_ID.matcher(id).matches();
  }

  /** Checks a command execution id; returns it. */
  public static String requireExecutionId(String id) {
    return require(isExecutionId(id), "execution id", MAX_EXECUTION_ID, "[a-zA-Z0-9_-]", id);
  }

  /**
   * Whether an MQTT client id can stand in a topic level as a command target: 1-128 characters, no '/', '+',
   * '#' or control character, and not starting with '$'.
   */
  public static boolean isClientId(String id) {
    if (id == null || id.isEmpty() || id.length() > MAX_CLIENT_ID || id.startsWith("$")) {
      return false;
    }
    return id.chars().noneMatch(c -> c == '/' || c == '+' || c == '#' || Character.isISOControl(c));
  }

  /** Checks an MQTT client id as a command target; returns it. */
  public static String requireClientId(String id) {
    if (!isClientId(id)) {
      throw new IllegalArgumentException("client id must be 1-" + MAX_CLIENT_ID
          + " characters without '/', '+', '#' or control characters, not starting with '$': " + abbreviate(id));
    }
    return id;
  }

  /** Whether AWS accepts a statusDetails key: 1-128 characters of {@code [a-zA-Z0-9:_-]}. */
  public static boolean isStatusDetailKey(String key) {
    return key != null && DETAIL_KEY.matcher(key).matches();
  }

  /** Checks a statusDetails key; returns it. */
  public static String requireStatusDetailKey(String key) {
    return require(isStatusDetailKey(key), "statusDetails key", MAX_DETAIL_KEY, "[a-zA-Z0-9:_-]", key);
  }

  /** A value for a message: quoted, cut after 80 characters with its length, or {@code null}. */
  public static String abbreviate(String s) {
    if (s == null) {
      return "null";
    }
    return s.length() <= 80 ? "'" + s + "'" : "'" + s.substring(0, 80) + "...' (" + s.length() + " characters)";
  }

  private static String require(boolean valid, String what, int max, String characters, String value) {
    if (!valid) {
      throw new IllegalArgumentException(what + " must be 1-" + max + " characters of " + characters + ": "
          + abbreviate(value));
    }
    return value;
  }
}
