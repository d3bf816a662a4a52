package dev.thingbridge.twin.shadows;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.thingbridge.mqtt.QoS;
import dev.thingbridge.mqtt.SubscriptionFilter;
import dev.thingbridge.mqtt.Topics;
import dev.thingbridge.twin.shadows.ShadowServiceTopics.Operation;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class ShadowServiceTopicsTest {
  @Test
  void parses_classic_and_named_requests() {
    assertThat(ShadowServiceTopics.parseRequest("$aws/things/lamp-1/shadow/update"))
        .hasValue(new ShadowServiceTopics.Request("lamp-1", "", Operation.UPDATE));
    assertThat(ShadowServiceTopics.parseRequest("$aws/things/lamp:1/shadow/name/cfg_2/delete"))
        .hasValue(new ShadowServiceTopics.Request("lamp:1", "cfg_2", Operation.DELETE));
    assertThat(ShadowServiceTopics.parseRequest("$aws/things/" + "t".repeat(128) + "/shadow/name/" + "s".repeat(64) + "/get"))
        .isPresent();
  }

  @ParameterizedTest
  @ValueSource(strings = {"$aws/things/lamp/shadow/update/accepted", "$aws/things/lamp/shadow/Update",
      "$aws/things/lamp/shadow", "$aws/things/lamp/shadow/", "$aws/things//shadow/get",
      "$aws/things/lamp/shadow/name//get", "$aws/things/lamp/shadow/namex/cfg/get",
      "$aws/things/lamp/shadow/name/cfg/x/get", "$aws/things/la.mp/shadow/get", "aws/things/lamp/shadow/get",
      "$aws/things/lamp/shadows/get", "$aws/things/lamp/shadow/name/cfg/update/delta",
      "$aws/things/lamp/shadow/namedShadow1/update"})
  void rejects_every_other_topic(String topic) {
    assertThat(ShadowServiceTopics.parseRequest(topic)).isEmpty();
  }

  @Test
  void rejects_names_that_are_too_long() {
    assertThat(ShadowServiceTopics.parseRequest("$aws/things/" + "t".repeat(129) + "/shadow/get")).isEmpty();
    assertThat(ShadowServiceTopics.parseRequest("$aws/things/t/shadow/name/" + "s".repeat(65) + "/get")).isEmpty();
  }

  @Test
  void formats_every_reply_topic() {
    assertThat(ShadowServiceTopics.accepted("lamp", "", Operation.GET)).isEqualTo("$aws/things/lamp/shadow/get/accepted");
    assertThat(ShadowServiceTopics.rejected("lamp", "cfg", Operation.UPDATE))
        .isEqualTo("$aws/things/lamp/shadow/name/cfg/update/rejected");
    assertThat(ShadowServiceTopics.delta("lamp", "cfg")).isEqualTo("$aws/things/lamp/shadow/name/cfg/update/delta");
    assertThat(ShadowServiceTopics.documents("lamp", "")).isEqualTo("$aws/things/lamp/shadow/update/documents");
    assertThat(ShadowServiceTopics.accepted("lamp", "cfg", Operation.DELETE))
        .isEqualTo("$aws/things/lamp/shadow/name/cfg/delete/accepted");
    assertThatThrownBy(() -> ShadowServiceTopics.prefix("la/mp", "")).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> ShadowServiceTopics.prefix("lamp", "c+")).isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void the_request_filters_match_exactly_the_request_topics() {
    var filters = ShadowServiceTopics.requestFilters(QoS.AT_LEAST_ONCE).stream().map(SubscriptionFilter::filter).toList();
    for (Operation op : Operation.values()) {
      for (String shadow : new String[] {"", "cfg"}) {
        String topic = ShadowServiceTopics.request("lamp", shadow, op);
        assertThat(filters.stream().filter(f -> Topics.matches(f, topic))).hasSize(1);
        assertThat(filters.stream().filter(f -> Topics.matches(f, topic + "/accepted"))).isEmpty();
      }
    }
  }
}
