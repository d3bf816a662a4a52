package dev.thingbridge.mqtt.internal;

import dev.thingbridge.mqtt.QoS;
import dev.thingbridge.mqtt.SubscriptionFilter;
import dev.thingbridge.mqtt.Topics;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Which local subscriptions a topic reaches, without matching the topic against every filter: a subscription
 * whose filters are all plain topics is found by a map lookup, only those with a wildcard are matched one by
 * one. A gateway's hundred shadow agents hold hundreds of plain filters, and matching each message against
 * all of them was most of the agents' CPU. Immutable: the client builds a new one when its subscriptions
 * change, which is rare next to messages.
 */
final class SubscriptionIndex {
  static final SubscriptionIndex EMPTY = new SubscriptionIndex(List.of());

  /** A subscription with its position in the client's list, so that deliveries keep the list's order. */
  private record Ranked(int rank, LocalSubscription subscription) {}

  private final Map<String, List<Ranked>> byTopic = new HashMap<>();
  private final List<Ranked> withWildcards = new ArrayList<>();

  SubscriptionIndex(List<LocalSubscription> subscriptions) {
    for (int i = 0; i < subscriptions.size(); i++) {
      LocalSubscription s = subscriptions.get(i);
      Ranked ranked = new Ranked(i, s);
      if (s.filters().stream().anyMatch(f -> Topics.isWildcard(f.filter()))) {
        withWildcards.add(ranked);
        continue;
      }
      for (SubscriptionFilter f : s.filters()) {
        List<Ranked> atTopic = byTopic.computeIfAbsent(f.filter(), k -> new ArrayList<>(1));
        if (atTopic.isEmpty() || atTopic.get(atTopic.size() - 1).subscription() != s) {
          atTopic.add(ranked);
        }
      }
    }
  }

  /** What a delivery does with each subscription a topic reaches and the QoS it was granted there. */
  interface Target {
    void offer(LocalSubscription subscription, QoS granted);
  }

  /** Calls {@code target} for every subscription with a filter matching {@code topic}, in list order. */
  void forEachMatch(String topic, Target target) {
    List<Ranked> exact = byTopic.getOrDefault(topic, List.of());
    int e = 0;
    int w = 0;
    while (e < exact.size() || w < withWildcards.size()) {
      boolean takeExact = w == withWildcards.size()
          || (e < exact.size() && exact.get(e).rank() < withWildcards.get(w).rank());
      LocalSubscription s = takeExact ? exact.get(e++).subscription() : withWildcards.get(w++).subscription();
      QoS granted = s.matchingQos(topic);
      if (granted != null) {
        target.offer(s, granted);
      }
    }
  }
}
