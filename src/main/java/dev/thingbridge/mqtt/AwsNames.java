package dev.thingbridge.mqtt;

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


  private AwsNames() {}

  /**
   * Whether {@code s} is 1 to {@code max} characters of {@code [a-zA-Z0-9_-]}, plus {@code :} if allowed. A
   * loop, not a regular expression: the twin checks a name in every request it answers.
   */
  private static boolean isNameOf(String s, int max, boolean colon) {
    int n = s.length();
    if (n == 0 || n > max) {
      return false;
    }
    for (int i = 0; i < n; i++) {
      char c = s.charAt(i);
      boolean ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_' || c == '-'
          || (colon && c == ':');
      if (!ok) {
        return false;
      }
    }
    return true;
  }

  /** Whether AWS accepts a thing name: 1-128 characters of {@code [a-zA-Z0-9:_-]}. */
  public static boolean isThingName(String name) {
    return name != null && isNameOf(name, MAX_THING_NAME, true);
  }

  /** Checks a thing name; returns it. */
  public static String requireThingName(String name) {
    return require(isThingName(name), "thing name", MAX_THING_NAME, "[a-zA-Z0-9:_-]", name);
  }

  /** Whether AWS accepts a named shadow's name: 1-64 characters of {@code [a-zA-Z0-9:_-]}. */
  public static boolean isShadowName(String name) {
    return name != null && isNameOf(name, MAX_SHADOW_NAME, true);
  }

  /** Checks a named shadow's name; returns it. */
  public static String requireShadowName(String name) {
    return require(isShadowName(name), "shadow name", MAX_SHADOW_NAME, "[a-zA-Z0-9:_-]", name);
  }

  /** Whether AWS accepts a job id: 1-64 characters of {@code [a-zA-Z0-9_-]}. */
  public static boolean isJobId(String id) {
    return id != null && isNameOf(id, MAX_JOB_ID, false);
  }

  /** Checks a job id; returns it. */
  public static String requireJobId(String id) {
    return require(isJobId(id), "job id", MAX_JOB_ID, "[a-zA-Z0-9_-]", id);
  }

  /** Whether AWS accepts a command execution id: 1-64 characters of {@code [a-zA-Z0-9_-]}. */
  public static boolean isExecutionId(String id) {
    return id != null && isNameOf(id, MAX_EXECUTION_ID, false);
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
    return key != null && isNameOf(key, MAX_DETAIL_KEY, true);
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
