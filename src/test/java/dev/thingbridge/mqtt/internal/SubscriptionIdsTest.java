package dev.thingbridge.mqtt.internal;

import static org.assertj.core.api.Assertions.assertThat;

import dev.thingbridge.mqtt.QoS;
import dev.thingbridge.mqtt.Topics;
import java.util.HashSet;
import java.util.List;
import java.util.Random;
import java.util.Set;
import org.junit.jupiter.api.Test;

class SubscriptionIdsTest {
  @Test
  void keeps_one_copy_of_a_message_that_matches_overlapping_filters() {
    SubscriptionIds ids = new SubscriptionIds(true);
    long state = ids.forSubscribe("a/+/state", QoS.AT_MOST_ONCE);
    long all = ids.forSubscribe("a/#", QoS.AT_LEAST_ONCE);
    // a/# has the higher QoS: its copy is the one delivered, the other dropped, whichever arrives first.
    assertThat(ids.shouldDeliver("a/b/state", List.of(state))).isFalse();
    assertThat(ids.shouldDeliver("a/b/state", List.of(all))).isTrue();
    assertThat(ids.shouldDeliver("a/b/state", List.of(state, all))).isTrue();
  }

  @Test
  void delivers_a_copy_of_a_filter_that_overlaps_none_and_drops_again_once_one_does() {
    SubscriptionIds ids = new SubscriptionIds(true);
    long update = ids.forSubscribe("$aws/things/+/shadow/update", QoS.AT_MOST_ONCE);
    ids.forSubscribe("$aws/things/+/jobs/start-next", QoS.AT_LEAST_ONCE);
    assertThat(ids.shouldDeliver("$aws/things/t/shadow/update", List.of(update))).isTrue();
    long wide = ids.forSubscribe("$aws/things/t/#", QoS.AT_LEAST_ONCE);
    assertThat(ids.shouldDeliver("$aws/things/t/shadow/update", List.of(update))).isFalse();
    assertThat(ids.shouldDeliver("$aws/things/t/shadow/update", List.of(wide))).isTrue();
    ids.remove("$aws/things/t/#");
    assertThat(ids.shouldDeliver("$aws/things/t/shadow/update", List.of(update))).isTrue();
  }

  @Test
  void which_filters_overlap_none_stays_right_through_any_order_of_subscribes_and_removes() {
    String[] pool = {"a/b", "a/+", "a/#", "#", "+/b", "a/b/c", "$aws/x", "$aws/+", "+", "b/+/c", "b/x/c", "c"};
    Random random = new Random(7);
    SubscriptionIds ids = new SubscriptionIds(true);
    Set<String> held = new HashSet<>();
    for (int step = 0; step < 2_000; step++) {
      String f = pool[random.nextInt(pool.length)];
      if (random.nextBoolean()) {
        ids.forSubscribe(f, random.nextBoolean() ? QoS.AT_MOST_ONCE : QoS.AT_LEAST_ONCE);
        held.add(f);
      } else {
        ids.remove(f);
        held.remove(f);
      }
      for (String h : pool) {
        boolean expected = held.contains(h)
            && held.stream().noneMatch(o -> !o.equals(h) && Topics.mayOverlap(h, o));
        assertThat(ids.isAlone(h)).as("step %d, %s alone among %s", step, h, held).isEqualTo(expected);
      }
    }
  }
}
