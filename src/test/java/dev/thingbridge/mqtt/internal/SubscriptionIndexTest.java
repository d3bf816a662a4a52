package dev.thingbridge.mqtt.internal;

import static org.assertj.core.api.Assertions.assertThat;

import dev.thingbridge.mqtt.QoS;
import dev.thingbridge.mqtt.SubscriptionFilter;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

class SubscriptionIndexTest {

  private static LocalSubscription sub(String... filters) {
    List<SubscriptionFilter> list = new ArrayList<>();
    for (String f : filters) {
      String[] parts = f.split("@");
      list.add(SubscriptionFilter.of(parts[0], parts.length > 1 ? QoS.AT_LEAST_ONCE : QoS.AT_MOST_ONCE));
    }
    return new LocalSubscription(null, list, null, Runnable::run, 10);
  }

  private static List<String> reached(SubscriptionIndex index, List<LocalSubscription> all, String topic) {
    List<String> out = new ArrayList<>();
    index.forEachMatch(topic, (s, qos) -> out.add(all.indexOf(s) + ":" + qos.level()));
    return out;
  }

  @Test
  void plain_and_wildcard_subscriptions_are_reached_once_each_in_list_order_with_their_best_qos() {
    List<LocalSubscription> all = List.of(
        sub("a/b/c"), sub("a/+/c@1"), sub("a/b/c@1", "a/b/c"), sub("x/y"), sub("a/#", "a/b/c@1"), sub("a/b/c"));
    SubscriptionIndex index = new SubscriptionIndex(all);
    assertThat(reached(index, all, "a/b/c")).containsExactly("0:0", "1:1", "2:1", "4:1", "5:0");
    assertThat(reached(index, all, "x/y")).containsExactly("3:0");
    assertThat(reached(index, all, "a/q")).containsExactly("4:0");
    assertThat(reached(index, all, "nothing")).isEmpty();
  }

  @Test
  void reaches_exactly_the_subscriptions_a_scan_of_every_filter_reaches() {
    String[] pool = {"a/b", "a/+", "a/#", "#", "+/b", "a/b/c", "$aws/x", "$aws/+", "+", "b/+/c", "b/x/c", "c"};
    String[] topics = {"a/b", "a/b/c", "$aws/x", "b/x/c", "c", "a", "b/b", "$aws/y"};
    Random random = new Random(11);
    for (int round = 0; round < 200; round++) {
      List<LocalSubscription> all = new ArrayList<>();
      for (int i = random.nextInt(8); i > 0; i--) {
        List<String> filters = new ArrayList<>();
        for (int j = 1 + random.nextInt(3); j > 0; j--) {
          filters.add(pool[random.nextInt(pool.length)] + (random.nextBoolean() ? "@1" : ""));
        }
        all.add(sub(filters.toArray(String[]::new)));
      }
      SubscriptionIndex index = new SubscriptionIndex(all);
      for (String topic : topics) {
        List<String> scanned = new ArrayList<>();
        for (int i = 0; i < all.size(); i++) {
          QoS q = all.get(i).matchingQos(topic);
          if (q != null) {
            scanned.add(i + ":" + q.level());
          }
        }
        assertThat(reached(index, all, topic)).as("round %d, topic %s", round, topic).isEqualTo(scanned);
      }
    }
  }
}
