package dev.thingbridge.sibling;

import java.util.Objects;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * The topics of thingbridge's local API on Greengrass local publish/subscribe. The caller's component name is
 * part of every topic, so that each sibling's own {@code accessControl} limits it to its own requests, responses
 * and events (the nucleus carries no sender identity on local pub/sub):
 *
 * <ul>
 *   <li>requests: {@code <prefix>/<component>/<service>/<operation>}, for example {@code
 *       thingbridge/com.example.Fan/shadow/update};
 *   <li>responses to that component: {@code <prefix>/<component>/response};
 *   <li>events pushed to that component: {@code <prefix>/<component>/event}.
 * </ul>
 *
 * The component subscribes to {@code <prefix>/+/+/+}. Both sides share this class.
 */
public final class LocalApiTopics {
  /** The default prefix, {@code localApi.topicPrefix} in the component's configuration. */
  public static final String DEFAULT_PREFIX = "thingbridge";
  /** The last level of the response topic. */
  public static final String RESPONSE = "response";
  /** The last level of the event topic. */
  public static final String EVENT = "event";

  /** Greengrass component names: 1-128 of letters, digits, '.', '-' and '_'. */
  private static final Pattern COMPONENT = Pattern.compile("[a-zA-Z0-9._-]{1,128}");
  /** Service and operation names: lower camel case words. */
  private static final Pattern WORD = Pattern.compile("[a-z][a-zA-Z]{0,31}");

  private LocalApiTopics() {}

  /** A parsed request topic. */
  public record RequestTopic(String component, String service, String operation) {
    /** {@code service/operation}, as responses and logs name it. */
    public String operationName() {
      return service + "/" + operation;
    }
  }

  /** The request topic of one operation. */
  public static String request(String prefix, String component, String service, String operation) {
    checkWord(service, "service");
    checkWord(operation, "operation");
    return checkPrefix(prefix) + "/" + checkComponentName(component) + "/" + service + "/" + operation;
  }

  /** Where a component's responses go. */
  public static String response(String prefix, String component) {
    return checkPrefix(prefix) + "/" + checkComponentName(component) + "/" + RESPONSE;
  }

  /** Where a component's events go. */
  public static String event(String prefix, String component) {
    return checkPrefix(prefix) + "/" + checkComponentName(component) + "/" + EVENT;
  }

  /** The filter the thingbridge component subscribes to: every request of every caller. */
  public static String requestFilter(String prefix) {
    return checkPrefix(prefix) + "/+/+/+";
  }

  /** Parses a request topic; empty when it is not one (another prefix, another depth, a bad name). */
  public static Optional<RequestTopic> parseRequest(String prefix, String topic) {
    Objects.requireNonNull(topic, "topic");
    String head = prefix + "/";
    if (!topic.startsWith(head)) {
      return Optional.empty();
    }
    String[] rest = topic.substring(head.length()).split("/", -1);
    if (rest.length != 3 || !COMPONENT.matcher(rest[0]).matches() || !WORD.matcher(rest[1]).matches()
        || !WORD.matcher(rest[2]).matches()) {
      return Optional.empty();
    }
    return Optional.of(new RequestTopic(rest[0], rest[1], rest[2]));
  }

  /** Whether a string is a valid Greengrass component name. */
  public static boolean isValidComponentName(String name) {
    return name != null && COMPONENT.matcher(name).matches();
  }

  /**
   * Checks a component name.
   *
   * @throws IllegalArgumentException when it is not 1-128 of {@code [a-zA-Z0-9._-]}
   */
  public static String checkComponentName(String name) {
    if (!isValidComponentName(name)) {
      throw new IllegalArgumentException("a component name is 1-128 of [a-zA-Z0-9._-]: " + name);
    }
    return name;
  }

  /**
   * Checks a topic prefix: one or more levels, no wildcard, no leading or trailing '/'.
   *
   * @throws IllegalArgumentException when it is not one
   */
  public static String checkPrefix(String prefix) {
    if (prefix == null || prefix.isEmpty() || prefix.startsWith("/") || prefix.endsWith("/") || prefix.contains("//")
        || prefix.contains("+") || prefix.contains("#") || prefix.contains("*")) {
      throw new IllegalArgumentException("a topic prefix has no wildcards and no leading, trailing or double '/': "
          + prefix);
    }
    return prefix;
  }

  private static void checkWord(String word, String what) {
    if (word == null || !WORD.matcher(word).matches()) {
      throw new IllegalArgumentException("a " + what + " name is a lower camel case word: " + word);
    }
  }
}
