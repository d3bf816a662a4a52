package dev.thingbridge.shadows.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.thingbridge.mqtt.SubscriptionFilter;
import dev.thingbridge.mqtt.Topics;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class ManagedShadowTopicsTest {
  private final ManagedShadowTopics topics = new ManagedShadowTopics("$aws", "gw-1");

  @Test
  void request_and_reply_topics_are_the_named_shadow_topics() {
    assertThat(topics.request("mcu-1", "get")).isEqualTo("$aws/things/gw-1/shadow/name/mcu-1/get");
    assertThat(topics.accepted("mcu-1", "update")).isEqualTo("$aws/things/gw-1/shadow/name/mcu-1/update/accepted");
    assertThat(topics.rejected("mcu-1", "delete")).isEqualTo("$aws/things/gw-1/shadow/name/mcu-1/delete/rejected");
    assertThat(topics.deltaFilter().filter()).isEqualTo("$aws/things/gw-1/shadow/name/+/update/delta");
    assertThat(topics.deleteFilter().filter()).isEqualTo("$aws/things/gw-1/shadow/name/+/delete/accepted");
  }

  @Test
  void update_reply_filters_do_not_cover_delta_or_documents() {
    for (SubscriptionFilter f : topics.replyFilters("update")) {
      assertThat(Topics.matches(f.filter(), "$aws/things/gw-1/shadow/name/x/update/delta")).isFalse();
      assertThat(Topics.matches(f.filter(), "$aws/things/gw-1/shadow/name/x/update/documents")).isFalse();
    }
    assertThat(topics.replyFilters("update")).anyMatch(
        f -> Topics.matches(f.filter(), "$aws/things/gw-1/shadow/name/x/update/accepted"));
  }

  @Test
  void incoming_topics_parse_to_shadow_and_kind_and_anything_else_is_refused() {
    assertThat(topics.parse("$aws/things/gw-1/shadow/name/mcu-1/update/delta"))
        .contains(new ManagedShadowTopics.Parsed(ManagedShadowTopics.Kind.DELTA, "mcu-1"));
    assertThat(topics.parse("$aws/things/gw-1/shadow/name/mcu-1/delete/accepted"))
        .contains(new ManagedShadowTopics.Parsed(ManagedShadowTopics.Kind.DELETE_ACCEPTED, "mcu-1"));
    assertThat(topics.parse("$aws/things/gw-2/shadow/name/mcu-1/update/delta")).isEmpty();
    assertThat(topics.parse("$aws/things/gw-1/shadow/update/delta")).isEmpty();
    assertThat(topics.parse("$aws/things/gw-1/shadow/name//update/delta")).isEmpty();
    assertThat(topics.parse("$aws/things/gw-1/shadow/name/a/b/update/delta")).isEmpty();
    assertThat(topics.parse("$aws/things/gw-1/shadow/name/mcu-1/update/documents")).isEmpty();
    assertThatThrownBy(() -> new ManagedShadowTopics("$aws", "bad/thing")).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> new ManagedShadowTopics("a/+", "t")).isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void codec_reads_envelopes_and_errors_and_refuses_what_is_not_a_document() throws Exception {
    ManagedShadowCodec.Envelope e = ManagedShadowCodec.envelope(
        "{\"state\":{\"desired\":{\"a\":1},\"delta\":{\"a\":1}},\"version\":7,\"clientToken\":\"t\"}"
            .getBytes(StandardCharsets.UTF_8));
    assertThat(e.version()).isEqualTo(7);
    assertThat(e.clientToken()).isEqualTo("t");
    assertThat(e.delta()).hasToString("{\"a\":1}");
    assertThat(ManagedShadowCodec.error("{\"code\":429,\"message\":\"slow down\"}".getBytes(StandardCharsets.UTF_8)))
        .isEqualTo(new ManagedShadowCodec.ErrorReply(429, "slow down"));
    assertThat(ManagedShadowCodec.error("garbage".getBytes(StandardCharsets.UTF_8)).code()).isZero();
    for (String bad : new String[] {"", "[1]", "{\"state\":3}", "{\"version\":\"7\"}", "{"}) {
      assertThatThrownBy(() -> ManagedShadowCodec.envelope(bad.getBytes(StandardCharsets.UTF_8)))
          .isInstanceOf(ManagedShadowCodec.MalformedDocumentException.class);
    }
  }

  @Test
  void codec_builds_removals_and_the_desired_part_of_a_report() throws Exception {
    ObjectMapper json = new ObjectMapper();
    assertThat(ManagedShadowCodec.nullAt("/a/b~1c")).hasToString("{\"a\":{\"b/c\":null}}");
    assertThat(ManagedShadowCodec.nullAt("")).isNull();
    ObjectNode changed = (ObjectNode) json.readTree("{\"x\":1,\"firmware\":\"1.2\",\"m\":{\"k\":null,\"j\":2}}");
    ObjectNode desired = (ObjectNode) json.readTree("{\"x\":0,\"m\":{\"j\":0}}");
    assertThat(ManagedShadowCodec.desiredPart(changed, desired))
        .hasToString("{\"x\":1,\"m\":{\"k\":null,\"j\":2}}");
  }
}
