package dev.thingbridge.shadows.internal;

import dev.thingbridge.mqtt.QoS;
import dev.thingbridge.mqtt.SubscriptionFilter;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * The named-shadow topics of one thing as the shadow manager uses them: per-shadow request and reply topics
 * ({@code {prefix}/things/{thing}/shadow/name/{shadow}/get}, ...) and the thing-wide wildcard filters that one
 * subscription each shares among all managed shadows ({@code .../shadow/name/+/update/delta}, ...). Parses an
 * incoming topic back to its shadow name and kind. Immutable.
 */
public final class ManagedShadowTopics {
  /** AWS's shadow and thing name alphabet; shadow names are 1-64 characters, thing names 1-128. */
  private static final Pattern NAME = Pattern.compile("[a-zA-Z0-9:_-]+");

  /** What an incoming message on a managed topic is. */
  public enum Kind {
    DELTA("/update/delta"),
    DELETE_ACCEPTED("/delete/accepted");

    private final String suffix;

    Kind(String suffix) {
      this.suffix = suffix;
    }
  }

  /** An incoming topic resolved to its shadow. */
  public record Parsed(Kind kind, String shadowName) {}

  private final String thingName;
  private final String head;

  /**
   * @param topicPrefix {@code $aws} for AWS IoT Core
   * @throws IllegalArgumentException for a thing name AWS would refuse or a prefix with wildcards
   */
  public ManagedShadowTopics(String topicPrefix, String thingName) {
    Objects.requireNonNull(topicPrefix, "topicPrefix");
    if (!isValidThingName(thingName)) {
      throw new IllegalArgumentException("not a valid thing name (1-128 of [a-zA-Z0-9:_-]): " + thingName);
    }
    if (topicPrefix.isEmpty() || topicPrefix.contains("+") || topicPrefix.contains("#")
        || topicPrefix.endsWith("/")) {
      throw new IllegalArgumentException("not a valid topic prefix: " + topicPrefix);
    }
    this.thingName = thingName;
    this.head = topicPrefix + "/things/" + thingName + "/shadow/name/";
  }

  public static boolean isValidThingName(String name) {
    return name != null && name.length() <= 128 && NAME.matcher(name).matches();
  }

  public static boolean isValidShadowName(String name) {
    return name != null && name.length() <= 64 && NAME.matcher(name).matches();
  }

  public String thingName() {
    return thingName;
  }

  /** The request topic of an operation ({@code get}, {@code update}, {@code delete}) of a shadow. */
  public String request(String shadowName, String operation) {
    return head + shadowName + "/" + operation;
  }

  public String accepted(String shadowName, String operation) {
    return head + shadowName + "/" + operation + "/accepted";
  }

  public String rejected(String shadowName, String operation) {
    return head + shadowName + "/" + operation + "/rejected";
  }

  /**
   * The wildcard reply filters of an operation, kept subscribed for all shadows: accepted and rejected
   * separately, because {@code update/+} would also match {@code update/delta} and {@code update/documents}.
   */
  public List<SubscriptionFilter> replyFilters(String operation) {
    return List.of(SubscriptionFilter.of(head + "+/" + operation + "/accepted", QoS.AT_LEAST_ONCE),
        SubscriptionFilter.of(head + "+/" + operation + "/rejected", QoS.AT_LEAST_ONCE));
  }

  /** The one wildcard filter for every named shadow's deltas. */
  public SubscriptionFilter deltaFilter() {
    return SubscriptionFilter.of(head + "+" + Kind.DELTA.suffix, QoS.AT_LEAST_ONCE);
  }

  /** The one wildcard filter for every named shadow's deletions. */
  public SubscriptionFilter deleteFilter() {
    return SubscriptionFilter.of(head + "+" + Kind.DELETE_ACCEPTED.suffix, QoS.AT_LEAST_ONCE);
  }

  /** The shadow and kind of a delta or delete-accepted topic of this thing; empty for anything else. */
  public Optional<Parsed> parse(String topic) {
    if (topic == null || !topic.startsWith(head)) {
      return Optional.empty();
    }
    for (Kind kind : Kind.values()) {
      if (topic.endsWith(kind.suffix) && topic.length() > head.length() + kind.suffix.length()) {
        String name = topic.substring(head.length(), topic.length() - kind.suffix.length());
        return isValidShadowName(name) ? Optional.of(new Parsed(kind, name)) : Optional.empty();
      }
    }
    return Optional.empty();
  }
}
