package dev.thingbridge.twin.shadows;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.thingbridge.twin.TwinLimits;
import dev.thingbridge.twin.TwinOutbox;
import dev.thingbridge.twin.shadows.ShadowOutcome.Accepted;
import dev.thingbridge.twin.shadows.ShadowOutcome.Publication;
import dev.thingbridge.twin.shadows.ShadowOutcome.Rejected;
import dev.thingbridge.twin.shadows.ShadowServiceTopics.Operation;
import dev.thingbridge.twin.store.Changes;
import dev.thingbridge.twin.store.Table;
import dev.thingbridge.twin.store.TwinStore;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The document rules of AWS's Device Shadow service, on the engine alone. */
class ShadowEngineTest {
  private static final long T0 = 1_700_000_000L;
  private TwinLimits limits = TwinLimits.AWS;
  private ShadowEngine engine = new ShadowEngine(ShadowSettings.builder().build(), () -> limits);

  static JsonNode json(String text) {
    try {
      return ShadowJson.parse(text.getBytes(StandardCharsets.UTF_8));
    } catch (ShadowJson.ParseException e) {
      throw new AssertionError(e);
    }
  }

  /** JSON equality as on the wire: 5 and 5L are the same number. */
  static void assertJson(JsonNode actual, JsonNode expected) {
    assertThat(actual).isNotNull();
    assertThat(ShadowJson.same(actual, expected, false)).as("%s%nexpected %s", actual, expected).isTrue();
  }

  private ShadowOutcome call(Operation op, String payload, long now) {
    return engine.handle(new ShadowServiceTopics.Request("lamp", "", op), payload.getBytes(StandardCharsets.UTF_8), now);
  }

  private Accepted update(String payload, long now) {
    ShadowOutcome o = call(Operation.UPDATE, payload, now);
    assertThat(o).as("update %s", payload).isInstanceOf(Accepted.class);
    return (Accepted) o;
  }

  private Rejected rejectedUpdate(String payload) {
    ShadowOutcome o = call(Operation.UPDATE, payload, T0);
    assertThat(o).isInstanceOf(Rejected.class);
    return (Rejected) o;
  }

  private ObjectNode get(long now) {
    ShadowOutcome o = call(Operation.GET, "", now);
    assertThat(o).isInstanceOf(Accepted.class);
    return ((Accepted) o).reply();
  }

  private static JsonNode delta(Accepted a) {
    return a.notifications().stream().filter(p -> p.topic().endsWith("/update/delta"))
        .map(Publication::document).findFirst().orElse(null);
  }

  @Test
  void nested_objects_merge_key_by_key_and_keep_metadata_per_leaf() {
    update("{\"state\":{\"reported\":{\"color\":{\"r\":1,\"g\":2},\"engine\":\"OFF\"}}}", T0);
    update("{\"state\":{\"reported\":{\"color\":{\"g\":20,\"b\":30}}}}", T0 + 5);

    ObjectNode doc = get(T0 + 9);
    assertJson(doc.get("state"), json(
        "{\"reported\":{\"color\":{\"r\":1,\"g\":20,\"b\":30},\"engine\":\"OFF\"}}"));
    assertJson(doc.get("metadata"), json("{\"reported\":{\"color\":{\"r\":{\"timestamp\":" + T0
        + "},\"g\":{\"timestamp\":" + (T0 + 5) + "},\"b\":{\"timestamp\":" + (T0 + 5) + "}},"
        + "\"engine\":{\"timestamp\":" + T0 + "}}}"));
    assertThat(doc.get("version").asLong()).isEqualTo(2);
    assertThat(doc.get("timestamp").asLong()).isEqualTo(T0 + 9);
  }

  @Test
  void arrays_are_replaced_whole_and_get_one_metadata_entry_per_element() {
    update("{\"state\":{\"desired\":{\"list\":[1,2,3],\"objs\":[{\"a\":1}]}}}", T0);
    update("{\"state\":{\"desired\":{\"list\":[9]}}}", T0 + 1);

    ObjectNode doc = get(T0 + 2);
    assertJson(doc.at("/state/desired/list"), json("[9]"));
    assertJson(doc.at("/metadata/desired/list"), json("[{\"timestamp\":" + (T0 + 1) + "}]"));
    assertJson(doc.at("/metadata/desired/objs"), json("[{\"a\":{\"timestamp\":" + T0 + "}}]"));
  }

  @Test
  void null_removes_a_key_and_a_whole_section() {
    update("{\"state\":{\"desired\":{\"a\":1,\"b\":{\"c\":2,\"d\":3}},\"reported\":{\"a\":1}}}", T0);
    update("{\"state\":{\"desired\":{\"b\":{\"c\":null}}}}", T0);
    assertJson(get(T0).at("/state/desired"), json("{\"a\":1,\"b\":{\"d\":3}}"));
    assertJson(get(T0).at("/metadata/desired/b"), json("{\"d\":{\"timestamp\":" + T0 + "}}"));

    update("{\"state\":{\"desired\":null}}", T0);
    ObjectNode doc = get(T0);
    assertJson(doc.get("state"), json("{\"reported\":{\"a\":1}}"));
    assertThat(doc.get("metadata").has("desired")).isFalse();
  }

  @Test
  void delta_keeps_the_path_to_each_differing_leaf_and_compares_arrays_whole() {
    Accepted a = update("{\"state\":{\"desired\":{\"lights\":{\"color\":{\"r\":255,\"g\":255,\"b\":255}},"
        + "\"list\":[1,2],\"same\":[1,2],\"missing\":true,\"type\":1},"
        + "\"reported\":{\"lights\":{\"color\":{\"r\":255,\"g\":0,\"b\":255}},\"list\":[2,1],\"same\":[1,2],"
        + "\"type\":{\"x\":1},\"onlyReported\":5}}}", T0);

    JsonNode delta = delta(a);
    assertJson(delta.get("state"), json(
        "{\"lights\":{\"color\":{\"g\":255}},\"list\":[1,2],\"missing\":true,\"type\":1}"));
    assertJson(delta.get("metadata"), json("{\"lights\":{\"color\":{\"g\":{\"timestamp\":" + T0
        + "}}},\"list\":[{\"timestamp\":" + T0 + "},{\"timestamp\":" + T0 + "}],\"missing\":{\"timestamp\":"
        + T0 + "},\"type\":{\"timestamp\":" + T0 + "}}"));
    assertThat(delta.get("version").asLong()).isEqualTo(1);
    assertThat(get(T0).at("/state/delta")).isEqualTo(delta.get("state"));
  }

  @Test
  void delta_lists_every_differing_key_not_only_those_of_the_triggering_update() {
    update("{\"state\":{\"desired\":{\"a\":1,\"b\":2}}}", T0);
    Accepted a = update("{\"state\":{\"desired\":{\"c\":3}}}", T0);
    assertJson(delta(a).get("state"), json("{\"a\":1,\"b\":2,\"c\":3}"));
  }

  @Test
  void reported_equal_to_desired_removes_the_delta_and_no_delta_is_published() {
    update("{\"state\":{\"desired\":{\"color\":\"RED\",\"n\":1}}}", T0);
    Accepted a = update("{\"state\":{\"reported\":{\"color\":\"RED\",\"n\":1.0}}}", T0);
    assertThat(delta(a)).isNull();
    assertThat(get(T0).at("/state").has("delta")).isFalse();
  }

  @Test
  void numbers_can_be_compared_by_type_when_asked() {
    engine = new ShadowEngine(ShadowSettings.builder().numbersEqualByValue(false).build(), () -> limits);
    update("{\"state\":{\"desired\":{\"n\":1}}}", T0);
    Accepted a = update("{\"state\":{\"reported\":{\"n\":1.0}}}", T0);
    assertJson(delta(a).get("state"), json("{\"n\":1}"));
  }

  @Test
  void a_delta_is_published_after_a_reported_only_update_unless_configured_otherwise() {
    update("{\"state\":{\"desired\":{\"a\":1}}}", T0);
    assertThat(delta(update("{\"state\":{\"reported\":{\"b\":1}}}", T0))).isNotNull();

    engine = new ShadowEngine(ShadowSettings.builder()
        .deltaPublication(ShadowSettings.DeltaPublication.ONLY_WHEN_DESIRED_UPDATED).build(), () -> limits);
    update("{\"state\":{\"desired\":{\"a\":1}}}", T0);
    assertThat(delta(update("{\"state\":{\"reported\":{\"b\":1}}}", T0))).isNull();
    assertThat(delta(update("{\"state\":{\"desired\":{\"c\":1}}}", T0))).isNotNull();
  }

  @Test
  void accepted_echoes_the_request_state_with_metadata_for_every_leaf_including_nulls() {
    Accepted a = update("{\"state\":{\"reported\":{\"color\":{\"r\":10},\"engine\":\"ON\",\"gone\":null}},"
        + "\"clientToken\":\"c0ffee-1\",\"ignored\":true}", T0);
    assertJson(a.reply(), json("{\"state\":{\"reported\":{\"color\":{\"r\":10},\"engine\":\"ON\","
        + "\"gone\":null}},\"metadata\":{\"reported\":{\"color\":{\"r\":{\"timestamp\":" + T0 + "}},"
        + "\"engine\":{\"timestamp\":" + T0 + "},\"gone\":{\"timestamp\":" + T0 + "}}},\"version\":1,"
        + "\"timestamp\":" + T0 + ",\"clientToken\":\"c0ffee-1\"}"));
    assertJson(get(T0).get("state"), json("{\"reported\":{\"color\":{\"r\":10},\"engine\":\"ON\"}}"));
  }

  @Test
  void documents_carry_previous_and_current_with_versions_and_the_first_omits_previous() {
    Accepted first = update("{\"state\":{\"reported\":{\"engine\":\"OFF\"}}}", T0);
    JsonNode docs1 = first.notifications().get(first.notifications().size() - 1).document();
    assertThat(docs1.has("previous")).isFalse();
    assertThat(docs1.at("/current/version").asLong()).isEqualTo(1);

    Accepted second = update("{\"state\":{\"reported\":{\"engine\":\"ON\"}},\"clientToken\":\"x\"}", T0 + 100);
    JsonNode docs = second.notifications().get(second.notifications().size() - 1).document();
    assertJson(docs, json("{\"previous\":{\"state\":{\"reported\":{\"engine\":\"OFF\"}},"
        + "\"metadata\":{\"reported\":{\"engine\":{\"timestamp\":" + T0 + "}}},\"version\":1},"
        + "\"current\":{\"state\":{\"reported\":{\"engine\":\"ON\"}},\"metadata\":{\"reported\":{\"engine\":"
        + "{\"timestamp\":" + (T0 + 100) + "}}},\"version\":2},\"timestamp\":" + (T0 + 100)
        + ",\"clientToken\":\"x\"}"));
  }

  @Test
  void version_must_equal_the_stored_version_or_the_update_conflicts() {
    for (int i = 0; i < 10; i++) {
      update("{\"state\":{\"reported\":{\"i\":" + i + "}}}", T0);
    }
    Rejected conflict = rejectedUpdate("{\"state\":{\"reported\":{\"i\":0}},\"version\":9,\"clientToken\":\"t\"}");
    assertThat(conflict).isEqualTo(new Rejected(409, "Version conflict", "t"));
    assertThat(update("{\"state\":{\"reported\":{\"i\":0}},\"version\":10}", T0).reply().get("version").asLong())
        .isEqualTo(11);
    assertThat(get(T0).get("version").asLong()).isEqualTo(11);
  }

  @Test
  void state_null_empties_the_document_but_keeps_the_shadow_and_counts_a_version() {
    update("{\"state\":{\"desired\":{\"a\":1},\"reported\":{\"b\":2}}}", T0);
    Accepted cleared = update("{\"state\":null}", T0);
    assertThat(cleared.reply().get("version").asLong()).isEqualTo(2);
    assertThat(cleared.reply().get("state").isNull()).isTrue();
    ObjectNode doc = get(T0);
    assertJson(doc.get("state"), json("{}"));
    assertJson(doc.get("metadata"), json("{}"));
    assertThat(doc.get("version").asLong()).isEqualTo(2);
  }

  @Test
  void a_deleted_shadow_is_gone_and_a_recreated_one_continues_its_versions_until_retention_ends() {
    update("{\"state\":{\"reported\":{\"a\":1}}}", T0);
    update("{\"state\":{\"reported\":{\"a\":2}}}", T0);
    ShadowOutcome deleted = call(Operation.DELETE, "{\"clientToken\":\"del-1\"}", T0 + 1);
    assertJson(((Accepted) deleted).reply(),
        json("{\"version\":2,\"timestamp\":" + (T0 + 1) + ",\"clientToken\":\"del-1\"}"));
    assertThat(call(Operation.GET, "", T0 + 2))
        .isEqualTo(new Rejected(404, "No shadow exists with name: ''", null));
    assertThat(call(Operation.DELETE, "", T0 + 2)).isInstanceOf(Rejected.class);

    Accepted recreated = update("{\"state\":{\"reported\":{\"a\":3}}}", T0 + 3);
    assertThat(recreated.reply().get("version").asLong()).isEqualTo(3);
    assertJson(get(T0 + 3).get("state"), json("{\"reported\":{\"a\":3}}"));

    call(Operation.DELETE, "", T0 + 4);
    List<String> deletedRows = new ArrayList<>();
    TwinOutbox rows = new TwinOutbox() {
      @Override
      public void publish(dev.thingbridge.mqtt.MqttMessage message) {}

      @Override
      public void delete(Table table, Object... key) {
        deletedRows.add(table.name() + ":" + key[0] + "/" + key[1]);
      }
    };
    assertThat(engine.expireDeleted(T0 + 4 + Duration.ofHours(48).toSeconds() - 1, rows)).isFalse();
    assertThat(engine.expireDeleted(T0 + 4 + Duration.ofHours(48).toSeconds(), rows)).isTrue();
    assertThat(deletedRows).containsExactly("shadows:lamp/");
    assertThat(update("{\"state\":{\"reported\":{\"a\":4}}}", T0 + 200_000).reply().get("version").asLong())
        .isEqualTo(1);
  }

  @Test
  void a_versioned_update_of_a_deleted_shadow_conflicts_instead_of_recreating_it() {
    update("{\"state\":{\"reported\":{\"a\":1}}}", T0);
    call(Operation.DELETE, "", T0 + 1);

    assertThat(rejectedUpdate("{\"state\":{\"reported\":{\"a\":2}},\"version\":1,\"clientToken\":\"late\"}"))
        .isEqualTo(new Rejected(409, "Version conflict", "late"));
    assertThat(call(Operation.GET, "", T0 + 2)).isInstanceOf(Rejected.class);
    assertThat(update("{\"state\":{\"reported\":{\"a\":3}}}", T0 + 3).reply().get("version").asLong())
        .as("an unversioned update still re-creates it, continuing the numbering").isEqualTo(2);
  }

  @Test
  void the_state_size_limit_applies_to_the_merged_document() {
    String half = "x".repeat(4500);
    update("{\"state\":{\"reported\":{\"a\":\"" + half + "\"}}}", T0);
    Rejected tooBig = rejectedUpdate("{\"state\":{\"reported\":{\"b\":\"" + half + "\"}},\"clientToken\":\"k\"}");
    assertThat(tooBig).isEqualTo(new Rejected(413, "The payload exceeds the maximum size allowed", "k"));
    assertThat(get(T0).get("version").asLong()).isEqualTo(1);
    // The refused merge left nothing behind: not in the document, not in what the next update calls previous.
    assertThat(get(T0).path("state").path("reported").has("b")).isFalse();
    assertThat(get(T0).path("metadata").path("reported").has("b")).isFalse();

    limits = TwinLimits.RELAXED;
    Accepted next = update("{\"state\":{\"reported\":{\"c\":1}}}", T0);
    JsonNode previous = next.notifications().get(next.notifications().size() - 1).document().path("previous");
    assertThat(previous.path("state").path("reported").has("b")).isFalse();
    assertThat(previous.path("state").path("reported").path("a").asText()).isEqualTo(half);
    update("{\"state\":{\"reported\":{\"b\":\"" + half + "\"}}}", T0);
  }

  @Test
  void nesting_is_limited_to_the_section_plus_five_levels_with_aws_limits() {
    // desired(1) -> one(2) -> two(3) -> three(4) -> four(5) -> five(6): AWS's deepest allowed document.
    String six = "{\"state\":{\"desired\":{\"1\":{\"2\":{\"3\":{\"4\":{\"5\":{\"x\":1}}}}}}}}";
    String seven = "{\"state\":{\"desired\":{\"1\":{\"2\":{\"3\":{\"4\":{\"5\":{\"6\":[1]}}}}}}}}";
    update(six, T0);
    assertThat(rejectedUpdate(seven).message()).isEqualTo("JSON contains too many levels of nesting; maximum is 6");
    limits = TwinLimits.RELAXED;
    update(seven, T0);
  }

  @Test
  void every_documented_bad_request_gets_its_message_and_echoes_a_valid_token() {
    assertThat(rejectedUpdate("not json")).isEqualTo(new Rejected(400, "Invalid JSON", null));
    assertThat(rejectedUpdate("")).isEqualTo(new Rejected(400, "Invalid JSON", null));
    assertThat(rejectedUpdate("[1]")).isEqualTo(new Rejected(400, "Invalid JSON", null));
    assertThat(rejectedUpdate("{\"a\":1,\"a\":2}")).isEqualTo(new Rejected(400, "Invalid JSON", null));
    assertThat(rejectedUpdate("{\"clientToken\":\"t\"}"))
        .isEqualTo(new Rejected(400, "Missing required node: state", "t"));
    assertThat(rejectedUpdate("{\"state\":5,\"clientToken\":\"t\"}"))
        .isEqualTo(new Rejected(400, "State node must be an object", "t"));
    assertThat(rejectedUpdate("{\"state\":{\"desired\":[1]}}"))
        .isEqualTo(new Rejected(400, "Desired node must be an object", null));
    assertThat(rejectedUpdate("{\"state\":{\"reported\":\"x\"}}"))
        .isEqualTo(new Rejected(400, "Reported node must be an object", null));
    assertThat(rejectedUpdate("{\"state\":{},\"version\":\"7\",\"clientToken\":\"t\"}"))
        .isEqualTo(new Rejected(400, "Invalid version", "t"));
    assertThat(rejectedUpdate("{\"state\":{},\"version\":1.5}").message()).isEqualTo("Invalid version");
    assertThat(rejectedUpdate("{\"state\":{},\"clientToken\":\"" + "x".repeat(65) + "\"}"))
        .isEqualTo(new Rejected(400, "Invalid clientToken", null));
    assertThat(rejectedUpdate("{\"state\":{},\"clientToken\":5}").message()).isEqualTo("Invalid clientToken");
    assertThat(rejectedUpdate("{\"state\":{\"delta\":{\"a\":1}}}").message())
        .isEqualTo("State contains an invalid node: 'delta'");
    assertThat(rejectedUpdate("{\"state\":{\"desired\":{\"a\":[1,null]}}}").message())
        .startsWith("State contains an invalid node");
    ShadowOutcome utf16 = engine.handle(new ShadowServiceTopics.Request("lamp", "", Operation.UPDATE),
        "{\"state\":{}}".getBytes(StandardCharsets.UTF_16), T0);
    assertThat(utf16).isEqualTo(new Rejected(415, "Unsupported documented encoding; supported encoding is UTF-8", null));
    assertThat(update("{\"state\":{},\"clientToken\":\"" + "x".repeat(64) + "\"}", T0)
        .reply().get("clientToken").asText()).hasSize(64);
  }

  @Test
  void named_shadows_are_separate_documents_listed_in_pages() {
    for (int i = 0; i < 7; i++) {
      engine.handle(new ShadowServiceTopics.Request("lamp", "s" + i, Operation.UPDATE),
          "{\"state\":{\"reported\":{}}}".getBytes(StandardCharsets.UTF_8), T0);
    }
    update("{\"state\":{\"reported\":{}}}", T0);
    engine.handle(new ShadowServiceTopics.Request("lamp", "s3", Operation.DELETE), new byte[0], T0);
    var first = engine.listNamed("lamp", null, 4, T0);
    assertThat(first.results()).containsExactly("s0", "s1", "s2", "s4");
    var second = engine.listNamed("lamp", first.nextToken(), 4, T0);
    assertThat(second.results()).containsExactly("s5", "s6");
    assertThat(second.nextToken()).isNull();
    assertThat(engine.listNamed("other", null, null, T0).results()).isEmpty();
  }

  @Test
  void the_whole_state_survives_its_rows_in_the_store_with_numbers_as_written() {
    update("{\"state\":{\"desired\":{\"price\":1.50,\"big\":12345678901234567890},\"reported\":{\"a\":[1]}}}", T0);
    call(Operation.DELETE, "", T0);
    engine.handle(new ShadowServiceTopics.Request("lamp", "named", Operation.UPDATE),
        "{\"state\":{\"reported\":{\"x\":1.50}}}".getBytes(StandardCharsets.UTF_8), T0);
    Changes changes = new Changes();
    engine.saveAll(new TwinOutbox() {
      @Override
      public void publish(dev.thingbridge.mqtt.MqttMessage message) {}

      @Override
      public void save(Table table, Object... values) {
        changes.put(table, values);
      }
    });
    try (TwinStore store = TwinStore.inMemory()) {
      store.migrate(ShadowEngine.SCHEMA);
      store.commit(changes);
      ShadowEngine loaded = new ShadowEngine(ShadowSettings.DEFAULTS, () -> limits);
      loaded.load(store);
      ShadowOutcome named = loaded.handle(new ShadowServiceTopics.Request("lamp", "named", Operation.GET), new byte[0], T0);
      assertThat(new String(ShadowJson.bytes(((Accepted) named).reply().at("/state/reported")),
          StandardCharsets.UTF_8)).isEqualTo("{\"x\":1.50}");
      assertThat(loaded.handle(new ShadowServiceTopics.Request("lamp", "", Operation.GET), new byte[0], T0))
          .isInstanceOf(Rejected.class);
      ShadowOutcome recreated = loaded.handle(new ShadowServiceTopics.Request("lamp", "", Operation.UPDATE),
          "{\"state\":{}}".getBytes(StandardCharsets.UTF_8), T0);
      assertThat(((Accepted) recreated).reply().get("version").asLong()).isEqualTo(2);
    }
  }

  @Test
  void the_whole_state_survives_a_snapshot_and_restore_with_numbers_as_written() {
    update("{\"state\":{\"desired\":{\"price\":1.50,\"big\":12345678901234567890},\"reported\":{\"a\":[1]}}}", T0);
    call(Operation.DELETE, "", T0);
    engine.handle(new ShadowServiceTopics.Request("lamp", "named", Operation.UPDATE),
        "{\"state\":{\"reported\":{\"x\":1.50}}}".getBytes(StandardCharsets.UTF_8), T0);
    JsonNode snapshot = json(new String(ShadowJson.bytes(engine.snapshot()), StandardCharsets.UTF_8));

    ShadowEngine restored = new ShadowEngine(ShadowSettings.DEFAULTS, () -> limits);
    restored.restore(snapshot);
    ShadowOutcome named = restored.handle(new ShadowServiceTopics.Request("lamp", "named", Operation.GET), new byte[0], T0);
    assertThat(new String(ShadowJson.bytes(((Accepted) named).reply().at("/state/reported")),
        StandardCharsets.UTF_8)).isEqualTo("{\"x\":1.50}");
    ShadowOutcome recreated = restored.handle(new ShadowServiceTopics.Request("lamp", "", Operation.UPDATE),
        "{\"state\":{}}".getBytes(StandardCharsets.UTF_8), T0);
    assertThat(((Accepted) recreated).reply().get("version").asLong()).isEqualTo(2);
  }
}
