package dev.thingbridge.shadows.internal;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.thingbridge.shadows.schema.ShadowSchema;
import dev.thingbridge.shadows.store.InMemoryKeyValueStore;
import dev.thingbridge.shadows.store.ShadowStateStore;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;

/**
 * The sync session's small parts: version verdicts, part-by-part delta application, the inbox's cancellation safety,
 * echo tokens, JSON helpers.
 */
class SessionPartsTest {
  private static ObjectNode json(String s) throws Exception {
    return (ObjectNode) new ObjectMapper().readTree(s);
  }

  @Test
  void deltas_are_judged_against_the_applied_and_the_known_versions() {
    Versions v = new Versions();
    assertThat(v.fromGet(5, 0)).isEqualTo(Versions.GetVerdict.APPLY);
    assertThat(v.judge(5)).isEqualTo(Versions.DeltaVerdict.STALE);
    assertThat(v.judge(6)).isEqualTo(Versions.DeltaVerdict.APPLY);
    v.seen(8); // our own update was accepted at 8
    assertThat(v.judge(7)).isEqualTo(Versions.DeltaVerdict.CHECK_WITH_GET);
    assertThat(v.judge(8)).isEqualTo(Versions.DeltaVerdict.APPLY);
    assertThat(v.newDocuments(8)).isTrue();
    assertThat(v.newDocuments(8)).as("a repeated documents message").isFalse();
    v.applied(8);
    assertThat(v.fromGet(7, 5)).as("a delta overtook the reply").isEqualTo(Versions.GetVerdict.OVERTAKEN);
    assertThat(v.fromGet(2, 8)).as("numbering restarted: the document was re-created")
        .isEqualTo(Versions.GetVerdict.RENUMBERED);
    assertThat(v.judge(3)).isEqualTo(Versions.DeltaVerdict.APPLY);
  }

  record Config(int count, String mode) {}

  @Test
  void a_rejected_part_is_left_out_told_once_per_version_and_cleared_only_when_asked() throws Exception {
    TypedLocalState<Config> local = new TypedLocalState<>(ShadowStateStore.open(new InMemoryKeyValueStore(), "t",
        ShadowSchema.of(Config.class)), false);
    local.load();
    DeltaParts parts = new DeltaParts();
    List<String> told = new ArrayList<>();

    DeltaParts.Outcome<Config> first = parts.apply(local, json("{\"count\":3,\"colour\":\"red\"}"), 7, true,
        (e, delta) -> told.add(e.path()));
    DeltaParts.Outcome<Config> again = parts.apply(local, json("{\"count\":3,\"colour\":\"red\"}"), 7, false,
        (e, delta) -> told.add(e.path()));
    parts.apply(local, json("{\"colour\":\"blue\"}"), 8, false, (e, delta) -> told.add(e.path()));

    assertThat(first.applied().state().count()).isEqualTo(3);
    assertThat(first.remaining()).isEqualTo(json("{\"count\":3}"));
    assertThat(first.cleanup()).isEqualTo(json("{\"colour\":null}"));
    assertThat(again.cleanup()).as("not asked to clear").isEmpty();
    assertThat(told).as("told once at v7, again at v8").containsExactly("/colour", "/colour");
  }

  @Test
  void an_item_offered_to_a_reader_that_gave_up_goes_to_the_next_reader() throws Exception {
    DeltaInbox<String> inbox = new DeltaInbox<>(2);
    CompletableFuture<String> gaveUp = new CompletableFuture<>();
    CompletableFuture<String> waiting = new CompletableFuture<>();
    inbox.register(gaveUp);
    inbox.register(waiting);
    gaveUp.cancel(false);

    inbox.offer("a");
    assertThat(waiting.getNow(null)).isEqualTo("a");

    inbox.offer("b");
    inbox.offer("c");
    inbox.offer("d"); // capacity 2: "b" is dropped
    CompletableFuture<String> late = new CompletableFuture<>();
    inbox.register(late);
    assertThat(late.getNow(null)).isEqualTo("c");
    assertThat(inbox.dropped()).isEqualTo(1);
  }

  @Test
  void own_tokens_are_exact_and_bounded() {
    OwnTokens tokens = new OwnTokens(2);
    tokens.add("t:1");
    tokens.add("t:2");
    tokens.add("t:3");
    assertThat(tokens.contains("t:1")).isFalse();
    assertThat(tokens.contains("t:3")).isTrue();
    assertThat(tokens.contains("t")).isFalse();
    assertThat(tokens.contains(null)).isFalse();
  }

  @Test
  void json_helpers_follow_aws_merge_rules() throws Exception {
    ObjectNode doc = json("{\"a\":{\"b\":0,\"c\":2},\"list\":[1,2],\"gone\":1}");
    JsonTrees.merge(doc, json("{\"a\":{\"b\":1},\"list\":[3],\"gone\":null}"));
    assertThat(doc).isEqualTo(json("{\"a\":{\"b\":1,\"c\":2},\"list\":[3]}"));
    assertThat(JsonTrees.diff(json("{\"a\":{\"b\":0},\"x\":1}"), json("{\"a\":{\"b\":1}}")))
        .isEqualTo(json("{\"a\":{\"b\":1},\"x\":null}"));
    assertThat(JsonTrees.restrictTo(json("{\"cfg\":{\"t\":5},\"fw\":\"1\",\"p\":null}"), json("{\"cfg\":{\"t\":1}}")))
        .isEqualTo(json("{\"cfg\":{\"t\":5},\"p\":null}"));
    assertThat(JsonTrees.nullAt("/a/b~1c")).isEqualTo(json("{\"a\":{\"b/c\":null}}"));
    assertThat(JsonTrees.without(json("{\"a\":{\"b\":1},\"c\":2}"), "/a/b")).isEqualTo(json("{\"c\":2}"));
  }
}
