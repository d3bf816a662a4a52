package dev.thingbridge.shadows;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.thingbridge.shadows.model.ShadowDeltaMessage;
import dev.thingbridge.shadows.model.ShadowDocument;
import dev.thingbridge.shadows.model.ShadowDocuments;
import dev.thingbridge.shadows.model.ShadowError;
import dev.thingbridge.shadows.model.ShadowUpdateRequest;
import java.nio.charset.StandardCharsets;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** Device-side shadow topics both ways, and the wire documents (rustot §4.2). */
class ShadowTopicsAndCodecTest {
  private static byte[] b(String s) {
    return s.getBytes(StandardCharsets.UTF_8);
  }

  @Test
  void classic_and_named_topics_are_formatted_under_the_prefix() {
    ShadowTopics classic = ShadowTopics.classic("lamp");
    assertThat(classic.get()).isEqualTo("$aws/things/lamp/shadow/get");
    assertThat(classic.delta()).isEqualTo("$aws/things/lamp/shadow/update/delta");
    assertThat(ShadowTopics.accepted(classic.update())).isEqualTo("$aws/things/lamp/shadow/update/accepted");
    assertThat(ShadowTopics.rejected(classic.delete())).isEqualTo("$aws/things/lamp/shadow/delete/rejected");

    ShadowTopics named = ShadowTopics.of("bridge/aws", "lamp", "config");
    assertThat(named.documents()).isEqualTo("bridge/aws/things/lamp/shadow/name/config/update/documents");
    assertThat(named.eventFilters()).extracting(f -> f.filter()).containsExactly(
        "bridge/aws/things/lamp/shadow/name/config/update/delta",
        "bridge/aws/things/lamp/shadow/name/config/update/documents",
        "bridge/aws/things/lamp/shadow/name/config/delete/accepted");
    assertThat(ShadowTopics.namedShadowsFilter("$aws", "lamp", ShadowTopic.Kind.UPDATE_DELTA))
        .isEqualTo("$aws/things/lamp/shadow/name/+/update/delta");
  }

  @Test
  void every_kind_parses_back_for_classic_and_named_shadows() {
    for (ShadowTopic.Kind kind : ShadowTopic.Kind.values()) {
      assertThat(ShadowTopics.parse(ShadowTopics.classic("t-1").topic(kind)))
          .contains(new ShadowTopic("t-1", null, kind));
      assertThat(ShadowTopics.parse("p", ShadowTopics.of("p", "t-1", "n:1").topic(kind)))
          .contains(new ShadowTopic("t-1", "n:1", kind));
    }
  }

  @Test
  void other_and_invalid_topics_do_not_parse() {
    assertThat(ShadowTopics.parse("$aws/things/t/jobs/notify")).isEmpty();
    assertThat(ShadowTopics.parse("$aws/things/t/shadow")).isEmpty();
    assertThat(ShadowTopics.parse("$aws/things/t/shadow/update/other")).isEmpty();
    assertThat(ShadowTopics.parse("$aws/things/t/shadow/name//update")).isEmpty();
    assertThat(ShadowTopics.parse("$aws/things/t/shadow/name/n/update/delta/x")).isEmpty();
    assertThat(ShadowTopics.parse("$aws/things/bad name/shadow/get")).isEmpty();
    assertThat(ShadowTopics.parse("other/things/t/shadow/get")).isEqualTo(Optional.empty());
  }

  @Test
  void names_and_prefixes_are_checked() {
    assertThatThrownBy(() -> ShadowTopics.classic("a/b")).hasMessageContaining("thing name");
    assertThatThrownBy(() -> ShadowTopics.named("t", "x".repeat(65))).hasMessageContaining("shadow name");
    assertThatThrownBy(() -> ShadowTopics.of("a/+", "t", null)).hasMessageContaining("prefix");
    assertThat(ShadowTopics.classic("x".repeat(128)).thingName()).hasSize(128);
  }

  @Test
  void an_update_request_is_encoded_with_only_the_sections_given() {
    ShadowUpdateRequest r = new ShadowUpdateRequest(null, AgentRig.json("{\"a\":1,\"b\":null}"), "tok", 7L);
    assertThat(new String(ShadowCodec.encode(r), StandardCharsets.UTF_8))
        .isEqualTo("{\"state\":{\"reported\":{\"a\":1,\"b\":null}},\"clientToken\":\"tok\",\"version\":7}");
    assertThat(new String(ShadowCodec.encodeTokenOnly(null), StandardCharsets.UTF_8)).isEqualTo("{}");
    assertThatThrownBy(() -> new ShadowUpdateRequest(null, null, null, null)).hasMessageContaining("section");
    assertThatThrownBy(() -> new ShadowUpdateRequest(null, AgentRig.json("{}"), "x".repeat(65), null))
        .hasMessageContaining("clientToken");
  }

  @Test
  void replies_and_events_decode() {
    ShadowDocument doc = ShadowCodec.decodeDocument(b("{\"state\":{\"desired\":{\"c\":\"RED\"},\"reported\":"
        + "{\"c\":\"GREEN\"},\"delta\":{\"c\":\"RED\"}},\"metadata\":{},\"version\":17,\"timestamp\":1700000200,"
        + "\"clientToken\":\"get-42\",\"future\":true}"));
    assertThat(doc.pendingDelta()).contains(AgentRig.json("{\"c\":\"RED\"}"));
    assertThat(doc.version()).isEqualTo(17);
    assertThat(doc.clientToken()).isEqualTo("get-42");

    ShadowDeltaMessage delta = ShadowCodec.decodeDelta(b("{\"state\":{\"c\":\"RED\"},\"version\":18,\"timestamp\":1}"));
    assertThat(delta.clientToken()).isNull();
    assertThat(delta.version()).isEqualTo(18);

    ShadowDocuments docs = ShadowCodec.decodeDocuments(b("{\"current\":{\"state\":{\"reported\":{\"e\":\"ON\"}},"
        + "\"version\":8},\"timestamp\":1}"));
    assertThat(docs.previousDocument()).isEmpty();
    assertThat(docs.current().reported()).isEqualTo(AgentRig.json("{\"e\":\"ON\"}"));

    assertThat(ShadowCodec.decodeDeleted(b("{\"version\":4,\"timestamp\":1591057529,\"clientToken\":\"del-1\"}"))
        .version()).isEqualTo(4);
    ShadowError error = ShadowCodec.decodeError(b("{\"code\":409,\"message\":\"Version conflict\"}"));
    assertThat(error.code()).isEqualTo(409);
    assertThat(ShadowErrorCode.of(error.code())).isEqualTo(ShadowErrorCode.VERSION_CONFLICT);
    assertThat(ShadowErrorCode.of(418)).isEqualTo(ShadowErrorCode.UNKNOWN);
  }

  @Test
  void malformed_documents_are_refused_with_the_reason() {
    assertThatThrownBy(() -> ShadowCodec.decodeDelta(b("not json"))).hasMessageContaining("not JSON");
    assertThatThrownBy(() -> ShadowCodec.decodeDelta(b("[1]"))).hasMessageContaining("root");
    assertThatThrownBy(() -> ShadowCodec.decodeDelta(b("{\"state\":1,\"version\":1}")))
        .hasMessageContaining("state must be an object");
    assertThatThrownBy(() -> ShadowCodec.decodeDelta(b("{\"state\":{}}"))).hasMessageContaining("no version");
    assertThatThrownBy(() -> ShadowCodec.decodeDocument(b("{\"version\":-1}"))).hasMessageContaining("version");
    assertThatThrownBy(() -> ShadowCodec.decodeDocument(b("{\"version\":1.5}"))).hasMessageContaining("version");
    assertThatThrownBy(() -> ShadowCodec.decodeDocument(b("{\"state\":{\"desired\":[]},\"version\":1}")))
        .hasMessageContaining("desired must be an object");
    assertThatThrownBy(() -> ShadowCodec.decodeError(b("{\"code\":\"x\"}"))).hasMessageContaining("code");
    assertThatThrownBy(() -> ShadowCodec.decodeDocuments(b("{\"previous\":{}}"))).hasMessageContaining("current");
  }
}
