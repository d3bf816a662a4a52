package dev.thingbridge.shadows.store;

import static dev.thingbridge.shadows.schema.Models.json;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.thingbridge.shadows.schema.Models;
import dev.thingbridge.shadows.schema.Models.Device;
import dev.thingbridge.shadows.schema.Models.Dhcp;
import dev.thingbridge.shadows.schema.Models.Net;
import dev.thingbridge.shadows.schema.Models.Port;
import dev.thingbridge.shadows.schema.Models.Sio;
import dev.thingbridge.shadows.schema.Models.Static;
import dev.thingbridge.shadows.schema.Models.Value;
import dev.thingbridge.shadows.schema.ShadowSchema;
import dev.thingbridge.shadows.schema.spec.ShadowDeltaException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ShadowStateStoreTest {
  private final InMemoryKeyValueStore kv = new InMemoryKeyValueStore();

  private static byte[] utf8(String s) {
    return s.getBytes(StandardCharsets.UTF_8);
  }

  private String text(String key) {
    return kv.get(key).map(b -> new String(b, StandardCharsets.UTF_8)).orElse(null);
  }

  private <S> ShadowStateStore<S> shadow(String scope, Class<S> type) {
    return ShadowStateStore.open(kv, scope, ShadowSchema.of(type));
  }

  private static String print(Class<?> type) {
    return ShadowSchema.of(type).fingerprint();
  }

  /** Keeps every batch written, to prove what a change writes. */
  static final class RecordingStore implements KeyValueStore {
    final InMemoryKeyValueStore inner = new InMemoryKeyValueStore();
    final List<List<String>> batches = new ArrayList<>();

    @Override
    public Optional<byte[]> get(String key) {
      return inner.get(key);
    }

    @Override
    public List<String> keys(String prefix) {
      return inner.keys(prefix);
    }

    @Override
    public void write(WriteBatch batch) {
      List<String> touched = new ArrayList<>();
      for (WriteBatch.Op op : batch.ops()) {
        touched.add(op instanceof WriteBatch.Put p ? p.key() : op.toString());
      }
      batches.add(touched);
      inner.write(batch);
    }

    @Override
    public void close() {}
  }

  // ---- load / schema ----

  @Test
  void a_different_stored_fingerprint_is_a_schema_change_not_a_first_boot() {
    kv.put("dev/__schema__", utf8("0000000000001111"));
    kv.put("dev/value", utf8("42"));
    LoadResult r = shadow("dev", Value.class).load();
    assertThat(r.firstBoot()).isFalse();
    assertThat(r.schemaChanged()).isTrue();
  }

  @Test
  void a_matching_fingerprint_loads_the_stored_values() {
    kv.put("dev/__schema__", utf8(print(Value.class)));
    kv.put("dev/value", utf8("42"));
    var s = shadow("dev", Value.class);
    LoadResult r = s.load();
    assertThat(r.schemaChanged()).isFalse();
    assertThat(r.loaded()).isEqualTo(1);
    assertThat(s.state().value()).isEqualTo(42);
  }

  @Test
  void an_empty_store_is_a_first_boot_that_writes_defaults_and_the_fingerprint() {
    LoadResult first = shadow("dev", Value.class).load();
    assertThat(first.firstBoot()).isTrue();
    assertThat(first.defaulted()).isEqualTo(1);
    assertThat(text("dev/__schema__")).isEqualTo(print(Value.class));
    assertThat(text("dev/value")).isEqualTo("0");
    LoadResult second = shadow("dev", Value.class).load();
    assertThat(second.firstBoot()).isFalse();
    assertThat(second.schemaChanged()).isFalse();
  }

  @Test
  void an_unreadable_fingerprint_is_treated_as_a_first_boot() {
    kv.put("dev/__schema__", utf8("xyz"));
    assertThat(shadow("dev", Value.class).load().firstBoot()).isTrue();
  }

  @Test
  void two_shadows_share_one_store_without_touching_each_others_keys() {
    var dev = shadow("dev", Value.class);
    var net = shadow("net", Value.class);
    dev.load();
    net.load();
    dev.applyDelta(json("{'value':42}"));
    net.applyDelta(json("{'value':99}"));
    var devAgain = shadow("dev", Value.class);
    var netAgain = shadow("net", Value.class);
    devAgain.load();
    netAgain.load();
    assertThat(devAgain.state().value()).isEqualTo(42);
    assertThat(netAgain.state().value()).isEqualTo(99);
  }

  @Test
  void shadows_dev_and_device_never_touch_each_others_keys_on_commit_or_delete() {
    var dev = shadow("dev", Value.class);
    var device = shadow("device", Value.class);
    dev.load();
    device.load();
    device.applyDelta(json("{'value':7}"));
    kv.put("device/orphan", utf8("1"));
    dev.commit();
    dev.delete();
    assertThat(text("device/orphan")).isEqualTo("1");
    assertThat(text("device/value")).isEqualTo("7");
    assertThat(text("device/__schema__")).isEqualTo(print(Value.class));
  }

  @Test
  void scope_must_not_contain_a_slash() {
    assertThatThrownBy(() -> shadow("a/b", Value.class)).isInstanceOf(IllegalArgumentException.class);
    assertThat(ShadowStateStore.scopeOf("pump-1", null)).isEqualTo("pump-1~$classic");
    assertThat(ShadowStateStore.scopeOf("pump-1", "config")).isEqualTo("pump-1~config");
  }

  // ---- migrations ----

  @Test
  void the_primary_key_wins_over_a_migration_source() {
    kv.put("dev/__schema__", utf8(print(Models.TimeoutV2.class)));
    kv.put("dev/timeout", utf8("5000"));
    kv.put("dev/old_timeout", utf8("9999"));
    var s = shadow("dev", Models.TimeoutV2.class);
    s.load();
    assertThat(s.state().timeout()).isEqualTo(5000);
  }

  @Test
  void migration_sources_are_tried_in_order() {
    kv.put("dev/__schema__", utf8("00000000000000aa"));
    kv.put("dev/b_old", utf8("42"));
    var s = shadow("dev", Models.TwoSources.class);
    LoadResult r = s.load();
    assertThat(s.state().value()).isEqualTo(42);
    assertThat(r.migrated()).isEqualTo(1);
  }

  @Test
  void a_widened_type_reads_the_old_value_under_the_same_key() {
    kv.put("dev/__schema__", utf8(print(Value.class)));
    kv.put("dev/value", utf8("42"));
    var s = shadow("dev", Models.Widened.class);
    LoadResult r = s.load();
    assertThat(r.schemaChanged()).isTrue();
    assertThat(s.state().value()).isEqualTo(42L);
  }

  @Test
  void migration_writes_forward_keeps_the_old_key_and_commit_removes_it() {
    kv.put("dev/__schema__", utf8(print(Models.TimeoutV1.class)));
    kv.put("dev/old_timeout", utf8("5000"));
    var s = shadow("dev", Models.TimeoutV2.class);
    LoadResult r = s.load();
    assertThat(r.schemaChanged()).isTrue();
    assertThat(r.migrated()).isEqualTo(1);
    assertThat(s.state().timeout()).isEqualTo(5000);
    assertThat(text("dev/timeout")).isEqualTo("5000");
    assertThat(text("dev/old_timeout")).isEqualTo("5000");
    assertThat(text("dev/__schema__")).isEqualTo(print(Models.TimeoutV1.class));
    CommitResult c = s.commit();
    assertThat(c.removedKeys()).isEqualTo(1);
    assertThat(text("dev/old_timeout")).isNull();
    assertThat(text("dev/timeout")).isEqualTo("5000");
    assertThat(text("dev/__schema__")).isEqualTo(print(Models.TimeoutV2.class));
    LoadResult after = shadow("dev", Models.TimeoutV2.class).load();
    assertThat(after.schemaChanged()).isFalse();
  }

  @Test
  void firmware_rolled_back_before_commit_still_loads_its_own_keys() {
    kv.put("dev/__schema__", utf8(print(Models.TimeoutV1.class)));
    kv.put("dev/old_timeout", utf8("5000"));
    shadow("dev", Models.TimeoutV2.class).load();
    var old = shadow("dev", Models.TimeoutV1.class);
    LoadResult r = old.load();
    assertThat(r.schemaChanged()).isFalse();
    assertThat(old.state().oldTimeout()).isEqualTo(5000);
  }

  @Test
  void a_converter_turns_milliseconds_into_seconds() {
    kv.put("dev/__schema__", utf8(print(Models.TimeoutMs.class)));
    kv.put("dev/timeout_ms", utf8("5000"));
    var s = shadow("dev", Models.TimeoutSecs.class);
    s.load();
    assertThat(s.state().timeoutSecs()).isEqualTo(5);
  }

  @Test
  void a_failing_converter_fails_the_load() {
    kv.put("dev/__schema__", utf8("00000000000000aa"));
    kv.put("dev/old", utf8("1"));
    var s = shadow("dev", Models.Failing.class);
    assertThatThrownBy(s::load).isInstanceOf(ShadowStoreException.class).hasMessageContaining("old");
  }

  @Test
  void commit_removes_orphans_and_keeps_valid_keys() {
    kv.put("dev/__schema__", utf8("00000000000000aa"));
    kv.put("dev/timeout", utf8("1"));
    kv.put("dev/removed_a", utf8("1"));
    kv.put("dev/removed_b", utf8("1"));
    var s = shadow("dev", Models.TimeoutV2.class);
    s.load();
    s.putMetadata("version", utf8("12"));
    assertThat(s.commit().removedKeys()).isEqualTo(2);
    assertThat(s.keys()).containsExactlyInAnyOrder("dev/timeout", "dev/__schema__", "dev/__meta__/version");
  }

  @Test
  void commit_keeps_the_keys_of_inactive_variants() {
    kv.put("dev/__schema__", utf8("00000000000000aa"));
    kv.put("dev/ip/_variant", utf8("Dhcp"));
    kv.put("dev/ip/Static/address", utf8("\"10.0.0.5\""));
    kv.put("dev/ip/Static/gateway", utf8("\"10.0.0.1\""));
    var s = shadow("dev", Net.class);
    s.load();
    assertThat(s.commit().removedKeys()).isZero();
    assertThat(text("dev/ip/Static/address")).isEqualTo("\"10.0.0.5\"");
  }

  @Test
  void commit_of_one_shadow_leaves_other_shadows_alone() {
    kv.put("net/some_key", utf8("1"));
    var s = shadow("dev", Value.class);
    s.load();
    s.commit();
    assertThat(text("net/some_key")).isEqualTo("1");
  }

  @Test
  void commit_keeps_every_adjacent_variant_and_removes_the_orphan() {
    kv.put("dev/__schema__", utf8("00000000000000aa"));
    kv.put("dev/mode/_variant", utf8("sio"));
    kv.put("dev/mode/sio/polarity", utf8("true"));
    kv.put("dev/mode/iolink/cycle_time", utf8("100"));
    kv.put("dev/stale_field", utf8("1"));
    var s = shadow("dev", Port.class);
    s.load();
    assertThat(s.state().mode()).isEqualTo(new Sio(true));
    s.commit();
    assertThat(s.keys()).containsExactlyInAnyOrder("dev/__schema__", "dev/mode/_variant", "dev/mode/sio/polarity",
        "dev/mode/iolink/cycle_time");
  }

  @Test
  void commit_keeps_map_entries_and_removes_the_orphan() {
    kv.put("dev/__schema__", utf8("00000000000000aa"));
    kv.put("dev/ports/__keys__", utf8("[\"p1\",\"p2\"]"));
    kv.put("dev/ports/p1", utf8("1"));
    kv.put("dev/ports/p2", utf8("2"));
    kv.put("dev/old_field", utf8("1"));
    var s = shadow("dev", Models.Ports.class);
    s.load();
    assertThat(s.state().ports()).containsExactly(Map.entry("p1", 1), Map.entry("p2", 2));
    assertThat(s.commit().removedKeys()).isEqualTo(1);
    assertThat(s.keys()).contains("dev/ports/__keys__", "dev/ports/p1", "dev/ports/p2");
  }

  // ---- unions in the store ----

  @Test
  void the_variant_is_read_before_its_fields() {
    kv.put("dev/__schema__", utf8(print(Net.class)));
    kv.put("dev/ip/_variant", utf8("Static"));
    kv.put("dev/ip/Static/address", utf8("\"10.0.0.5\""));
    kv.put("dev/ip/Static/gateway", utf8("\"10.0.0.1\""));
    var s = shadow("dev", Net.class);
    s.load();
    assertThat(s.state().ip()).isEqualTo(new Static("10.0.0.5", "10.0.0.1"));
    kv.remove("dev/ip/_variant");
    s.load();
    assertThat(s.state().ip()).isEqualTo(new Dhcp());
    kv.put("dev/ip/_variant", utf8("Dhcp"));
    s.load();
    assertThat(s.state().ip()).isEqualTo(new Dhcp());
  }

  @Test
  void variant_keys_are_raw_names_written_at_first_boot_and_on_a_switch() {
    var s = shadow("dev", Net.class);
    s.load();
    assertThat(text("dev/ip/_variant")).isEqualTo("Dhcp");
    s.applyDelta(json("{'ip':{'Static':{'address':'10.0.0.50','gateway':'10.0.0.1'}}}"));
    assertThat(text("dev/ip/_variant")).isEqualTo("Static");
    assertThat(text("dev/ip/Static/address")).isEqualTo("\"10.0.0.50\"");
  }

  @Test
  void switching_back_to_a_variant_starts_from_defaults_and_a_reload_agrees() {
    var s = shadow("dev", Net.class);
    s.load();
    s.applyDelta(json("{'ip':{'Static':{'address':'10.0.0.50','gateway':'10.0.0.1'}}}"));
    s.applyDelta(json("{'ip':'Dhcp'}"));
    assertThat(text("dev/ip/Static/address")).isEqualTo("\"10.0.0.50\"");
    s.applyDelta(json("{'ip':{'Static':{}}}"));
    assertThat(s.state().ip()).isEqualTo(new Static("", ""));
    // Deviation from rustot on purpose: the new variant is written whole, so a reload equals the runtime state
    // instead of resurrecting the values of the earlier activation.
    var again = shadow("dev", Net.class);
    again.load();
    assertThat(again.state()).isEqualTo(s.state());
  }

  @Test
  void a_renamed_variant_loads_by_its_json_name() {
    kv.put("dev/__schema__", utf8(print(Models.ProxyState.class)));
    kv.put("dev/proxy/_variant", utf8("none"));
    var s = shadow("dev", Models.ProxyState.class);
    s.load();
    assertThat(s.state().proxy()).isEqualTo(new Models.NoProxy());
  }

  @Test
  void an_unknown_stored_variant_or_value_is_defaulted_and_reported_not_fatal() {
    kv.put("dev/__schema__", utf8(print(Device.class)));
    kv.put("dev/config/timeout", utf8("{garbage"));
    kv.put("dev/config/retries", utf8("7"));
    var s = shadow("dev", Device.class);
    LoadResult r = s.load();
    assertThat(r.corruptedKeys()).containsExactly("dev/config/timeout");
    assertThat(s.state().config().timeout()).isEqualTo(1000);
    assertThat(s.state().config().retries()).isEqualTo(7);
    assertThat(text("dev/config/timeout")).isEqualTo("1000");

    kv.put("dev2/__schema__", utf8(print(Net.class)));
    kv.put("dev2/ip/_variant", utf8("Dynamic"));
    var n = shadow("dev2", Net.class);
    assertThat(n.load().corruptedKeys()).containsExactly("dev2/ip/_variant");
    assertThat(n.state().ip()).isEqualTo(new Dhcp());
  }

  // ---- deltas and reports in the store ----

  @Test
  void a_delta_writes_only_the_fields_it_touched() {
    RecordingStore rec = new RecordingStore();
    var s = ShadowStateStore.open(rec, "dev", ShadowSchema.of(Device.class));
    s.load();
    rec.batches.clear();
    s.applyDelta(json("{'config':{'timeout':5000}}"));
    assertThat(rec.batches).containsExactly(List.of("dev/config/timeout"));
    assertThat(rec.get("dev/config/enabled").map(String::new)).contains("false");
    var again = ShadowStateStore.open(rec, "dev", ShadowSchema.of(Device.class));
    again.load();
    assertThat(again.state().config().timeout()).isEqualTo(5000);
  }

  @Test
  void config_only_deltas_resolve_the_variant_after_a_migration() {
    var s = shadow("dev", Port.class);
    s.load();
    s.commit();
    assertThat(text("dev/mode/_variant")).isEqualTo("inactive");
    kv.put("dev/__schema__", utf8("00000000000000aa"));
    var migrated = shadow("dev", Port.class);
    migrated.load();
    assertThat(text("dev/mode/_variant")).isEqualTo("inactive");
    migrated.applyDelta(json("{'mode':{'mode':'sio','config':{'polarity':false}}}"));
    assertThat(text("dev/mode/_variant")).isEqualTo("sio");
    migrated.applyDelta(json("{'mode':{'config':{'polarity':true}}}"));
    assertThat(text("dev/mode/sio/polarity")).isEqualTo("true");
    var reloaded = shadow("dev", Port.class);
    reloaded.load();
    assertThat(reloaded.state().mode()).isEqualTo(new Sio(true));
  }

  @Test
  void a_union_added_by_a_schema_change_gets_its_variant_key_at_migration_load() {
    kv.put("dev/__schema__", utf8(print(Value.class)));
    kv.put("dev/value", utf8("3"));
    var s = shadow("dev", ValueWithMode.class);
    LoadResult r = s.load();
    assertThat(r.schemaChanged()).isTrue();
    assertThat(s.state().value()).isEqualTo(3);
    assertThat(text("dev/mode/_variant")).isEqualTo("inactive");
  }

  record ValueWithMode(int value, Models.PortMode mode) {}

  @Test
  void map_entries_round_trip_and_removals_delete_their_keys() {
    var s = shadow("dev", Models.Ports.class);
    s.load();
    s.applyDelta(json("{'ports':{'x':10,'y':20}}"));
    var again = shadow("dev", Models.Ports.class);
    LoadResult r = again.load();
    assertThat(r.loaded()).isEqualTo(2);
    assertThat(again.state().ports()).containsExactly(Map.entry("x", 10), Map.entry("y", 20));
    again.applyDelta(json("{'ports':{'b':2,'x':'unset','y':null}}"));
    assertThat(again.keys()).doesNotContain("dev/ports/x", "dev/ports/y").contains("dev/ports/b");
    var third = shadow("dev", Models.Ports.class);
    third.load();
    assertThat(third.state().ports()).containsExactly(Map.entry("b", 2));
  }

  @Test
  void map_keys_with_slashes_and_underscores_cannot_escape_their_entry() {
    var s = shadow("dev", Models.Ports.class);
    s.load();
    s.applyDelta(json("{'ports':{'a/b':1,'__keys__':2,'_variant':3,'%2F':4}}"));
    var again = shadow("dev", Models.Ports.class);
    again.load();
    assertThat(again.state().ports()).containsOnly(Map.entry("a/b", 1), Map.entry("__keys__", 2),
        Map.entry("_variant", 3), Map.entry("%2F", 4));
    assertThat(again.commit().removedKeys()).isZero();
  }

  @Test
  void long_and_non_ascii_map_keys_fit_the_file_store(@TempDir Path dir) {
    String longKey = "sensor-" + "x".repeat(300);
    try (FileKeyValueStore store = FileKeyValueStore.open(dir)) {
      var s = ShadowStateStore.open(store, "dev", ShadowSchema.of(Models.Ports.class));
      s.load();
      s.applyDelta(json("{'ports':{'" + longKey + "':1,'température':2}}"));
    }
    try (FileKeyValueStore store = FileKeyValueStore.open(dir)) {
      var s = ShadowStateStore.open(store, "dev", ShadowSchema.of(Models.Ports.class));
      s.load();
      assertThat(s.state().ports()).containsOnly(Map.entry(longKey, 1), Map.entry("température", 2));
      assertThat(s.commit().removedKeys()).isZero();
      s.applyDelta(json("{'ports':{'" + longKey + "':'unset'}}"));
      assertThat(s.keys()).hasSize(3).contains("dev/ports/__keys__", "dev/ports/température");
    }
  }

  @Test
  void arrays_round_trip_as_one_key() {
    var s = shadow("dev", Models.Thresholds.class);
    s.load();
    s.applyDelta(json("{'values':[10,20,30,40]}"));
    var again = shadow("dev", Models.Thresholds.class);
    assertThat(again.load().loaded()).isEqualTo(1);
    assertThat(again.state().values()).containsExactly(10, 20, 30, 40);
  }

  @Test
  void persisted_report_only_fields_are_stored_when_reported_and_merge_with_later_partial_reports() {
    var s = shadow("dev", Models.Reporting.class);
    s.load();
    var reported = s.report(new Models.Reporting(0, "1.0.0", new Models.Active("alpha", 2), 1));
    assertThat(reported).isEqualTo(json("{'firmware':'1.0.0','activity':{'state':'active','data':"
        + "{'label':'alpha','counter':2}},'boots':1}"));
    assertThat(s.keys()).doesNotContain("dev/firmware");
    var again = shadow("dev", Models.Reporting.class);
    again.load();
    assertThat(again.state().activity()).isEqualTo(new Models.Active("alpha", 2));
    assertThat(again.state().firmware()).isEmpty();
    again.reportPartial(json("{'activity':{'data':{'counter':3}}}"));
    var third = shadow("dev", Models.Reporting.class);
    third.load();
    assertThat(third.state().activity()).isEqualTo(new Models.Active("alpha", 3));
    third.report(new Models.Reporting(0, "", new Models.Idle(), 1));
    var fourth = shadow("dev", Models.Reporting.class);
    fourth.load();
    assertThat(fourth.state().activity()).isEqualTo(new Models.Idle());
    assertThat(fourth.keys()).contains("dev/activity/active/label");
  }

  @Test
  void reporting_an_unchanged_state_writes_nothing_and_reports_nothing() {
    RecordingStore rec = new RecordingStore();
    var s = ShadowStateStore.open(rec, "dev", ShadowSchema.of(Device.class));
    s.load();
    rec.batches.clear();
    assertThat(s.report(s.state())).isEmpty();
    assertThat(rec.batches).isEmpty();
  }

  @Test
  void a_rejected_delta_writes_nothing_and_the_shadow_keeps_working() {
    RecordingStore rec = new RecordingStore();
    var s = ShadowStateStore.open(rec, "dev", ShadowSchema.of(Device.class));
    s.load();
    rec.batches.clear();
    assertThatThrownBy(() -> s.applyDelta(json("{'config':{'timeout':1},'nope':1}")))
        .isInstanceOf(ShadowDeltaException.class);
    assertThat(rec.batches).isEmpty();
    assertThat(s.state()).isEqualTo(ShadowSchema.of(Device.class).defaults());
    s.applyDelta(json("{'config':{'timeout':1}}"));
    assertThat(s.state().config().timeout()).isEqualTo(1);
  }

  @Test
  void delete_wipes_keys_and_metadata_and_restarts_from_written_defaults() {
    var s = shadow("dev", Device.class);
    s.load();
    s.applyDelta(json("{'iface':'wlan0'}"));
    s.putMetadata("version", utf8("4"));
    s.delete();
    assertThat(s.state()).isEqualTo(ShadowSchema.of(Device.class).defaults());
    assertThat(s.metadata("version")).isEmpty();
    s.applyDelta(json("{'config':{'retries':9}}"));
    var again = shadow("dev", Device.class);
    LoadResult r = again.load();
    assertThat(r.firstBoot()).isFalse();
    assertThat(again.state().config().retries()).isEqualTo(9);
  }

  @Test
  void using_the_store_before_load_is_an_error() {
    assertThatThrownBy(() -> shadow("dev", Value.class).state()).isInstanceOf(IllegalStateException.class);
  }

  @Test
  void the_file_store_holds_a_shadow_across_reopening(@TempDir Path dir) {
    try (FileKeyValueStore store = FileKeyValueStore.open(dir)) {
      var s = ShadowStateStore.open(store, "dev", ShadowSchema.of(Switch.class));
      assertThat(s.load().firstBoot()).isTrue();
      s.applyDelta(json("{'name':'core','ports':{'p1':{'speed':100},'p2':{'enabled':true}}}"));
      s.applyDelta(json("{'ports':{'p2':'unset'}}"));
    }
    try (FileKeyValueStore store = FileKeyValueStore.open(dir)) {
      var s = ShadowStateStore.open(store, "dev", ShadowSchema.of(Switch.class));
      assertThat(s.load().firstBoot()).isFalse();
      assertThat(s.state()).isEqualTo(new Switch(Map.of("p1", new Models.PortCfg(100, false)), "core"));
    }
  }

  record Switch(Map<String, Models.PortCfg> ports, String name) {}
}
