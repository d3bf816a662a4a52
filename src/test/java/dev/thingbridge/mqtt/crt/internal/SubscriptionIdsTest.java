package dev.thingbridge.mqtt.crt.internal;

import static org.assertj.core.api.Assertions.assertThat;

import dev.thingbridge.mqtt.QoS;
import java.util.List;
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
}
