package dev.thingbridge.shadows;

import dev.thingbridge.mqtt.AwsNames;
import dev.thingbridge.mqtt.QoS;
import dev.thingbridge.mqtt.SubscriptionFilter;
import java.util.List;
import java.util.Optional;

/**
 * The MQTT topics of one Device Shadow, as the device sees them
 * (https://docs.aws.amazon.com/iot/latest/developerguide/device-shadow-mqtt.html):
 * {@code {prefix}/things/{thing}/shadow/...} for the classic shadow and
 * {@code {prefix}/things/{thing}/shadow/name/{name}/...} for a named one, the prefix being {@code $aws}
 * unless configured otherwise (a bridge or a test broker may remap it).
 *
 * <p>Names are checked: a thing name of 1-128 and a shadow name of 1-64 characters of {@code [a-zA-Z0-9:_-]}, else
 * {@link IllegalArgumentException} says which ({@link AwsNames}). Immutable and thread-safe.
 */
public final class ShadowTopics {
  /** The AWS IoT topic prefix. */
  public static final String AWS_PREFIX = "$aws";

  private final String prefix;
  private final String thingName;
  private final String shadowName;
  private final String base;

  private ShadowTopics(String prefix, String thingName, String shadowName) {
    this.prefix = checkPrefix(prefix);
    this.thingName = AwsNames.requireThingName(thingName);
    this.shadowName = shadowName == null ? null : AwsNames.requireShadowName(shadowName);
    this.base = prefix + "/things/" + thingName + "/shadow" + (shadowName == null ? "" : "/name/" + shadowName);
  }

  /** The classic shadow's topics under {@code $aws}. */
  public static ShadowTopics classic(String thingName) {
    return new ShadowTopics(AWS_PREFIX, thingName, null);
  }

  /** A named shadow's topics under {@code $aws}. */
  public static ShadowTopics named(String thingName, String shadowName) {
    if (shadowName == null) {
      throw new IllegalArgumentException("a named shadow needs a name");
    }
    return new ShadowTopics(AWS_PREFIX, thingName, shadowName);
  }

  /**
   * The topics of a shadow under a prefix.
   *
   * @param shadowName the named shadow, or null for the classic one
   */
  public static ShadowTopics of(String prefix, String thingName, String shadowName) {
    return new ShadowTopics(prefix, thingName, shadowName);
  }

  public String prefix() {
    return prefix;
  }

  public String thingName() {
    return thingName;
  }

  /** The shadow name, empty for the classic shadow. */
  public Optional<String> shadowName() {
    return Optional.ofNullable(shadowName);
  }

  /** {@code {prefix}/things/{thing}/shadow[/name/{name}]}. */
  public String base() {
    return base;
  }

  /** The topic of one message kind. */
  public String topic(ShadowTopic.Kind kind) {
    return base + "/" + kind.suffix();
  }

  public String get() {
    return topic(ShadowTopic.Kind.GET);
  }

  public String update() {
    return topic(ShadowTopic.Kind.UPDATE);
  }

  public String delete() {
    return topic(ShadowTopic.Kind.DELETE);
  }

  public String delta() {
    return topic(ShadowTopic.Kind.UPDATE_DELTA);
  }

  public String documents() {
    return topic(ShadowTopic.Kind.UPDATE_DOCUMENTS);
  }

  public String deleteAccepted() {
    return topic(ShadowTopic.Kind.DELETE_ACCEPTED);
  }

  /** The accepted reply topic of a request topic ({@code .../update} to {@code .../update/accepted}). */
  public static String accepted(String requestTopic) {
    return requestTopic + "/accepted";
  }

  /** The rejected reply topic of a request topic. */
  public static String rejected(String requestTopic) {
    return requestTopic + "/rejected";
  }

  /**
   * The filters a device keeps for the events of its shadow, at QoS 1: {@code update/delta},
   * {@code update/documents} and {@code delete/accepted} (to notice a deletion made in the cloud). Explicit topics,
   * not {@code shadow/#}: AWS may add topics under the shadow prefix.
   */
  public List<SubscriptionFilter> eventFilters() {
    return List.of(SubscriptionFilter.of(delta(), QoS.AT_LEAST_ONCE),
        SubscriptionFilter.of(documents(), QoS.AT_LEAST_ONCE),
        SubscriptionFilter.of(deleteAccepted(), QoS.AT_LEAST_ONCE));
  }

  /**
   * A filter matching one message kind of every named shadow of a thing ({@code .../shadow/name/+/update/delta}),
   * for an agent that follows many named shadows with one subscription.
   */
  public static String namedShadowsFilter(String prefix, String thingName, ShadowTopic.Kind kind) {
    return checkPrefix(prefix) + "/things/" + AwsNames.requireThingName(thingName) + "/shadow/name/+/" + kind.suffix();
  }

  /**
   * Parses a shadow topic under {@code prefix}. Anything else (another service, invalid names, a missing or
   * unknown suffix, extra levels) gives an empty result.
   */
  public static Optional<ShadowTopic> parse(String prefix, String topic) {
    if (topic == null || !topic.startsWith(prefix + "/things/")) {
      return Optional.empty();
    }
    String[] l = topic.substring(prefix.length() + 1).split("/", -1);
    // things/{thing}/shadow[/name/{n}]/{op}[/{reply}]
    if (l.length < 4 || !l[0].equals("things") || !l[2].equals("shadow") || !AwsNames.isThingName(l[1])) {
      return Optional.empty();
    }
    int at = 3;
    String name = null;
    if (l[3].equals("name")) {
      if (l.length < 6 || !AwsNames.isShadowName(l[4])) {
        return Optional.empty();
      }
      name = l[4];
      at = 5;
    }
    String suffix = String.join("/", java.util.Arrays.copyOfRange(l, at, l.length));
    String shadowName = name;
    return ShadowTopic.Kind.ofSuffix(suffix).map(k -> new ShadowTopic(l[1], shadowName, k));
  }

  /** Parses a shadow topic under {@code $aws}. */
  public static Optional<ShadowTopic> parse(String topic) {
    return parse(AWS_PREFIX, topic);
  }

  private static String checkPrefix(String prefix) {
    if (prefix == null || prefix.isEmpty() || prefix.startsWith("/") || prefix.endsWith("/")
        || prefix.contains("+") || prefix.contains("#") || prefix.contains("//") || prefix.indexOf('\0') >= 0) {
      throw new IllegalArgumentException("topic prefix must be non-empty topic levels without wildcards: " + prefix);
    }
    return prefix;
  }

  @Override
  public String toString() {
    return base;
  }
}
