package dev.thingbridge.twin.shadows;

import dev.thingbridge.mqtt.AwsNames;
import dev.thingbridge.mqtt.QoS;
import dev.thingbridge.mqtt.SubscriptionFilter;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * The MQTT topics of the AWS IoT Device Shadow service, seen from the cloud: parses the three request topics
 * ({@code $aws/things/{thing}/shadow[/name/{shadow}]/{get|update|delete}}) and formats every reply topic.
 *
 * <p>Thing names are 1-128 and shadow names 1-64 characters of {@code [a-zA-Z0-9:_-]}, as AWS requires.
 * Topics are case sensitive. Anything else (a reply topic, an unknown suffix, a bad name) does not parse.
 */
public final class ShadowServiceTopics {
  /** The classic (unnamed) shadow's name in this API. */
  public static final String CLASSIC = "";

  private static final String THINGS = "$aws/things/";

  private ShadowServiceTopics() {}

  /** A shadow request: what the device published to. */
  public enum Operation {
    GET("get"),
    UPDATE("update"),
    DELETE("delete");

    private final String suffix;

    Operation(String suffix) {
      this.suffix = suffix;
    }

    /** The topic level, e.g. {@code update}. */
    public String suffix() {
      return suffix;
    }
  }

  /**
   * A parsed request topic.
   *
   * @param thingName the thing
   * @param shadowName the named shadow, or {@link #CLASSIC} ({@code ""}) for the classic shadow
   * @param operation get, update or delete
   */
  public record Request(String thingName, String shadowName, Operation operation) {
    public Request {
      AwsNames.requireThingName(thingName);
      requireShadowName(shadowName);
      Objects.requireNonNull(operation, "operation");
    }

    public boolean isClassic() {
      return shadowName.isEmpty();
    }

    /** The topic this request was published on. */
    public String topic() {
      return ShadowServiceTopics.request(thingName, shadowName, operation);
    }

    /** {@code .../{operation}/accepted}. */
    public String accepted() {
      return ShadowServiceTopics.accepted(thingName, shadowName, operation);
    }

    /** {@code .../{operation}/rejected}. */
    public String rejected() {
      return ShadowServiceTopics.rejected(thingName, shadowName, operation);
    }
  }

  /**
   * Parses a request topic.
   *
   * @return the request, or empty for anything that is not exactly a shadow get, update or delete topic
   */
  public static Optional<Request> parseRequest(String topic) {
    if (topic == null || !topic.startsWith(THINGS)) {
      return Optional.empty();
    }
    String[] levels = topic.substring(THINGS.length()).split("/", -1);
    // thing/shadow/op or thing/shadow/name/shadowName/op
    if (levels.length != 3 && levels.length != 5) {
      return Optional.empty();
    }
    if (!levels[1].equals("shadow") || !AwsNames.isThingName(levels[0])) {
      return Optional.empty();
    }
    String shadowName = CLASSIC;
    if (levels.length == 5) {
      if (!levels[2].equals("name") || !AwsNames.isShadowName(levels[3])) {
        return Optional.empty();
      }
      shadowName = levels[3];
    }
    Operation op = switch (levels[levels.length - 1]) {
      case "get" -> Operation.GET;
      case "update" -> Operation.UPDATE;
      case "delete" -> Operation.DELETE;
      default -> null;
    };
    return op == null ? Optional.empty() : Optional.of(new Request(levels[0], shadowName, op));
  }

  /** {@code $aws/things/{thing}/shadow} or {@code $aws/things/{thing}/shadow/name/{shadow}}. */
  public static String prefix(String thingName, String shadowName) {
    AwsNames.requireThingName(thingName);
    requireShadowName(shadowName);
    return shadowName.isEmpty()
        ? THINGS + thingName + "/shadow"
        : THINGS + thingName + "/shadow/name/" + shadowName;
  }

  /** The request topic of an operation. */
  public static String request(String thingName, String shadowName, Operation op) {
    return prefix(thingName, shadowName) + "/" + op.suffix();
  }

  /** The accepted reply topic of an operation. */
  public static String accepted(String thingName, String shadowName, Operation op) {
    return request(thingName, shadowName, op) + "/accepted";
  }

  /** The rejected reply topic of an operation. */
  public static String rejected(String thingName, String shadowName, Operation op) {
    return request(thingName, shadowName, op) + "/rejected";
  }

  /** {@code .../update/delta}: desired-vs-reported differences after an accepted update. */
  public static String delta(String thingName, String shadowName) {
    return prefix(thingName, shadowName) + "/update/delta";
  }

  /** {@code .../update/documents}: previous and current documents after an accepted update. */
  public static String documents(String thingName, String shadowName) {
    return prefix(thingName, shadowName) + "/update/documents";
  }

  /** The six filters the cloud side subscribes: the three requests, classic and named, for every thing. */
  public static List<SubscriptionFilter> requestFilters(QoS qos) {
    return List.of(
        SubscriptionFilter.of("$aws/things/+/shadow/get", qos),
        SubscriptionFilter.of("$aws/things/+/shadow/update", qos),
        SubscriptionFilter.of("$aws/things/+/shadow/delete", qos),
        SubscriptionFilter.of("$aws/things/+/shadow/name/+/get", qos),
        SubscriptionFilter.of("$aws/things/+/shadow/name/+/update", qos),
        SubscriptionFilter.of("$aws/things/+/shadow/name/+/delete", qos));
  }

  static void requireShadowName(String shadowName) {
    Objects.requireNonNull(shadowName, "shadowName (use ShadowServiceTopics.CLASSIC for the classic shadow)");
    if (!shadowName.isEmpty()) {
      AwsNames.requireShadowName(shadowName);
    }
  }
}
