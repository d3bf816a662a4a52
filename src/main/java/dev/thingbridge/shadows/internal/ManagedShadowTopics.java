package dev.thingbridge.shadows.internal;

import dev.thingbridge.mqtt.QoS;
import dev.thingbridge.mqtt.SubscriptionFilter;
import dev.thingbridge.shadows.ShadowTopic;
import dev.thingbridge.shadows.ShadowTopics;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * The named-shadow topics of one thing as the shadow manager uses them: per-shadow request and reply topics
 * ({@code {prefix}/things/{thing}/shadow/name/{shadow}/get}, ...) and the thing-wide wildcard filters that one
 * subscription each shares among all managed shadows ({@code .../shadow/name/+/update/delta}, ...). Parses an
 * incoming topic back to its shadow name and kind. Immutable.
 *
 * <p>Names, suffixes and topic parsing are the single-shadow agent's ({@link ShadowTopics}, {@link ShadowTopic});
 * what is the manager's own is the per-operation wildcard reply filters, the two event kinds it follows, and its
 * topic prefix check, which accepts any non-empty prefix without wildcards or a trailing slash (as it always has),
 * while {@link ShadowTopics} also refuses empty levels.
 */
public final class ManagedShadowTopics {
  /** What an incoming message on a managed topic is. */
  public enum Kind {
    DELTA(ShadowTopic.Kind.UPDATE_DELTA),
    DELETE_ACCEPTED(ShadowTopic.Kind.DELETE_ACCEPTED);

    private final ShadowTopic.Kind topicKind;

    Kind(ShadowTopic.Kind topicKind) {
      this.topicKind = topicKind;
    }
  }

  /** An incoming topic resolved to its shadow. */
  public record Parsed(Kind kind, String shadowName) {}

  private final String topicPrefix;
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
    this.topicPrefix = topicPrefix;
    this.thingName = thingName;
    this.head = topicPrefix + "/things/" + thingName + "/shadow/name/";
  }

  public static boolean isValidThingName(String name) {
    return ShadowTopics.isValidThingName(name);
  }

  public static boolean isValidShadowName(String name) {
    return ShadowTopics.isValidShadowName(name);
  }

  public String thingName() {
    return thingName;
  }

  /** The request topic of an operation ({@code get}, {@code update}, {@code delete}) of a shadow. */
  public String request(String shadowName, String operation) {
    return head + shadowName + "/" + operation;
  }

  public String accepted(String shadowName, String operation) {
    return ShadowTopics.accepted(request(shadowName, operation));
  }

  public String rejected(String shadowName, String operation) {
    return ShadowTopics.rejected(request(shadowName, operation));
  }

  /**
   * The wildcard reply filters of an operation, kept subscribed for all shadows: accepted and rejected
   * separately, because {@code update/+} would also match {@code update/delta} and {@code update/documents}.
   */
  public List<SubscriptionFilter> replyFilters(String operation) {
    return List.of(SubscriptionFilter.of(ShadowTopics.accepted(head + "+/" + operation), QoS.AT_LEAST_ONCE),
        SubscriptionFilter.of(ShadowTopics.rejected(head + "+/" + operation), QoS.AT_LEAST_ONCE));
  }

  /** The one wildcard filter for every named shadow's deltas. */
  public SubscriptionFilter deltaFilter() {
    return eventFilter(Kind.DELTA);
  }

  /** The one wildcard filter for every named shadow's deletions. */
  public SubscriptionFilter deleteFilter() {
    return eventFilter(Kind.DELETE_ACCEPTED);
  }

  private SubscriptionFilter eventFilter(Kind kind) {
    return SubscriptionFilter.of(head + "+/" + kind.topicKind.suffix(), QoS.AT_LEAST_ONCE);
  }

  /** The shadow and kind of a delta or delete-accepted topic of this thing; empty for anything else. */
  public Optional<Parsed> parse(String topic) {
    if (topic == null || !topic.startsWith(head)) {
      return Optional.empty();
    }
    Optional<ShadowTopic> parsed = ShadowTopics.parse(topicPrefix, topic);
    if (parsed.isEmpty() || !parsed.get().isNamed() || !parsed.get().thingName().equals(thingName)) {
      return Optional.empty();
    }
    for (Kind kind : Kind.values()) {
      if (kind.topicKind == parsed.get().kind()) {
        return Optional.of(new Parsed(kind, parsed.get().shadowName()));
      }
    }
    return Optional.empty();
  }
}
