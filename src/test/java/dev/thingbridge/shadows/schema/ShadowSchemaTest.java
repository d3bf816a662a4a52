package dev.thingbridge.shadows.schema;

import static dev.thingbridge.shadows.schema.Models.json;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import dev.thingbridge.shadows.schema.Models.Bar;
import dev.thingbridge.shadows.schema.Models.Baz;
import dev.thingbridge.shadows.schema.Models.Config;
import dev.thingbridge.shadows.schema.Models.Connector;
import dev.thingbridge.shadows.schema.Models.Device;
import dev.thingbridge.shadows.schema.Models.Dhcp;
import dev.thingbridge.shadows.schema.Models.Display;
import dev.thingbridge.shadows.schema.Models.FooState;
import dev.thingbridge.shadows.schema.Models.Inactive;
import dev.thingbridge.shadows.schema.Models.IoLink;
import dev.thingbridge.shadows.schema.Models.Net;
import dev.thingbridge.shadows.schema.Models.Pair;
import dev.thingbridge.shadows.schema.Models.Port;
import dev.thingbridge.shadows.schema.Models.PortCfg;
import dev.thingbridge.shadows.schema.Models.Ports;
import dev.thingbridge.shadows.schema.Models.ShapeState;
import dev.thingbridge.shadows.schema.Models.Single;
import dev.thingbridge.shadows.schema.Models.Sio;
import dev.thingbridge.shadows.schema.Models.Static;
import dev.thingbridge.shadows.schema.Models.Switch;
import dev.thingbridge.shadows.schema.spec.DefaultValue;
import dev.thingbridge.shadows.schema.spec.Flatten;
import dev.thingbridge.shadows.schema.spec.ReportOnly;
import dev.thingbridge.shadows.schema.spec.ShadowDeltaException;
import dev.thingbridge.shadows.schema.spec.ShadowDeltaException.Reason;
import dev.thingbridge.shadows.schema.spec.ShadowSchemaException;
import dev.thingbridge.shadows.store.InMemoryKeyValueStore;
import dev.thingbridge.shadows.store.ShadowStateStore;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ShadowSchemaTest {
  @Test
  void defaults_honour_default_value_annotations_and_union_defaults() {
    Device d = ShadowSchema.of(Device.class).defaults();
    assertThat(d).isEqualTo(new Device(new Config(1000, false, 3), "eth0"));
    assertThat(ShadowSchema.of(Net.class).defaults().ip()).isEqualTo(new Dhcp());
    assertThat(ShadowSchema.of(Port.class).defaults().mode()).isEqualTo(new Inactive());
  }

  @Test
  void schema_is_derived_once_per_type() {
    assertThat(ShadowSchema.of(Device.class)).isSameAs(ShadowSchema.of(Device.class));
  }

  @Test
  void desired_leaves_out_report_only_fields_and_reported_keeps_them() {
    var schema = ShadowSchema.of(Models.Reporting.class);
    var state = new Models.Reporting(2, "1.2.3", new Models.Active("a", 1), 7);
    assertThat(schema.desired(state)).isEqualTo(json("{'count':2}"));
    assertThat(schema.reported(state)).isEqualTo(
        json("{'count':2,'firmware':'1.2.3','activity':{'state':'active','data':{'label':'a','counter':1}},"
            + "'boots':7}"));
  }

  @Test
  void delta_touching_one_nested_field_changes_only_that_field() {
    var schema = ShadowSchema.of(Device.class);
    var applied = schema.applyDelta(schema.defaults(), json("{'config':{'timeout':9999}}"));
    assertThat(applied.state()).isEqualTo(new Device(new Config(9999, false, 3), "eth0"));
    assertThat(applied.reported()).isEqualTo(json("{'config':{'timeout':9999}}"));
    assertThat(applied.desiredCleanup()).isEmpty();
    assertThat(applied.delta().paths()).containsExactly("/config/timeout");
    assertThat(applied.acknowledgement()).isEqualTo(json("{'reported':{'config':{'timeout':9999}}}"));
  }

  @Test
  void partial_reported_holds_only_the_touched_field_of_a_multi_field_struct() {
    var schema = ShadowSchema.of(Models.Abc.class);
    var applied = schema.applyDelta(new Models.Abc(1, 2, 3), json("{'alpha':10}"));
    assertThat(applied.reported()).isEqualTo(json("{'alpha':10}"));
  }

  @Test
  void partial_reported_of_an_adjacent_union_is_always_the_whole_variant() {
    var schema = ShadowSchema.of(Models.Parent.class);
    var applied = schema.applyDelta(schema.defaults(), json("{'adjacent':{'mode':'sio','config':{'polarity':true}}}"));
    JsonNode reported = applied.reported();
    assertThat(reported.has("simple_field")).isFalse();
    assertThat(reported.get("adjacent")).isEqualTo(
        json("{'mode':'sio','config':{'polarity':true,'cycle_time':null}}"));
  }

  @Test
  void unknown_field_wrong_type_and_bad_variant_are_rejected_with_their_path() {
    var schema = ShadowSchema.of(Device.class);
    var before = schema.defaults();
    assertThatThrownBy(() -> schema.parseDelta(json("{'config':{'timeot':1}}"), before))
        .isInstanceOfSatisfying(ShadowDeltaException.class, e -> {
          assertThat(e.reason()).isEqualTo(Reason.UNKNOWN_FIELD);
          assertThat(e.path()).isEqualTo("/config/timeot");
        });
    assertThatThrownBy(() -> schema.parseDelta(json("{'config':{'timeout':'fast'}}"), before))
        .isInstanceOfSatisfying(ShadowDeltaException.class, e -> {
          assertThat(e.reason()).isEqualTo(Reason.WRONG_TYPE);
          assertThat(e.path()).isEqualTo("/config/timeout");
        });
    assertThatThrownBy(() -> schema.parseDelta(json("{'config':{'timeout':1.5}}"), before))
        .isInstanceOfSatisfying(ShadowDeltaException.class, e -> assertThat(e.reason()).isEqualTo(Reason.WRONG_TYPE));
    assertThatThrownBy(() -> schema.parseDelta(json("{'config':{'timeout':12345678901}}"), before))
        .isInstanceOfSatisfying(ShadowDeltaException.class, e -> assertThat(e.reason()).isEqualTo(Reason.WRONG_TYPE));
    assertThatThrownBy(() -> schema.parseDelta(json("{'config':7}"), before))
        .isInstanceOfSatisfying(ShadowDeltaException.class, e -> assertThat(e.path()).isEqualTo("/config"));
    var net = ShadowSchema.of(Net.class);
    assertThatThrownBy(() -> net.parseDelta(json("{'ip':{'Dynamic':{}}}"), net.defaults()))
        .isInstanceOfSatisfying(ShadowDeltaException.class, e -> {
          assertThat(e.reason()).isEqualTo(Reason.UNKNOWN_VARIANT);
          assertThat(e.path()).isEqualTo("/ip/Dynamic");
        });
    assertThatThrownBy(() -> schema.parseDelta("[1]".getBytes(), before))
        .isInstanceOfSatisfying(ShadowDeltaException.class, e -> assertThat(e.reason()).isEqualTo(Reason.MALFORMED));
    assertThatThrownBy(() -> schema.parseDelta("{\"config\":".getBytes(), before))
        .isInstanceOfSatisfying(ShadowDeltaException.class, e -> assertThat(e.reason()).isEqualTo(Reason.MALFORMED));
  }

  @Test
  void a_delta_naming_a_report_only_field_is_rejected_but_a_report_may_set_it() {
    var schema = ShadowSchema.of(Models.Reporting.class);
    assertThatThrownBy(() -> schema.parseDelta(json("{'firmware':'9'}"), schema.defaults()))
        .isInstanceOfSatisfying(ShadowDeltaException.class, e -> {
          assertThat(e.reason()).isEqualTo(Reason.REPORT_ONLY_FIELD);
          assertThat(e.path()).isEqualTo("/firmware");
        });
    var applied = schema.apply(schema.defaults(), schema.parseReported(json("{'firmware':'9'}"), schema.defaults()));
    assertThat(applied.state().firmware()).isEqualTo("9");
  }

  @Test
  void lenient_parsing_skips_unknown_keys_but_still_rejects_wrong_types() {
    var schema = ShadowSchema.of(Device.class);
    var delta = schema.parseDeltaIgnoringUnknown(json("{'future':1,'config':{'retries':5,'x':2}}"), null);
    assertThat(schema.apply(null, delta).state().config().retries()).isEqualTo(5);
    assertThatThrownBy(() -> schema.parseDeltaIgnoringUnknown(json("{'config':{'retries':true}}"), null))
        .isInstanceOf(ShadowDeltaException.class);
  }

  @Test
  void empty_and_null_deltas_change_nothing() {
    var schema = ShadowSchema.of(Device.class);
    assertThat(schema.parseDelta(json("{}"), null).isEmpty()).isTrue();
    assertThat(schema.parseDelta(json("{'config':{}}"), null).isEmpty()).isTrue();
    assertThat(schema.parseDelta((JsonNode) null, null).isEmpty()).isTrue();
    assertThat(schema.parseDelta(json("{'config':null}"), null).isEmpty()).isTrue();
  }

  @Test
  void external_union_switches_variant_and_acks_with_padding() {
    var schema = ShadowSchema.of(Net.class);
    var applied = schema.applyDelta(schema.defaults(),
        json("{'ip':{'Static':{'address':'10.0.0.50','gateway':'10.0.0.1'}}}"));
    assertThat(applied.state().ip()).isEqualTo(new Static("10.0.0.50", "10.0.0.1"));
    assertThat(applied.reported()).isEqualTo(json("{'ip':{'Static':{'address':'10.0.0.50','gateway':'10.0.0.1'}}}"));
    var back = schema.applyDelta(applied.state(), json("{'ip':'Dhcp'}"));
    assertThat(back.state().ip()).isEqualTo(new Dhcp());
    assertThat(back.reported()).isEqualTo(json("{'ip':'Dhcp'}"));
    assertThat(back.desiredCleanup()).contains((com.fasterxml.jackson.databind.node.ObjectNode)
        json("{'ip':{'Static':null}}"));
  }

  @Test
  void external_union_accepts_the_bare_string_form_with_whitespace_and_rejects_unknown_names() {
    var schema = ShadowSchema.of(FooState.class);
    var baz = new FooState(new Baz(7));
    assertThat(schema.applyDelta(baz, json("{'foo':'bar'}")).state().foo()).isEqualTo(new Bar());
    assertThat(schema.applyDelta(baz, json("{'foo':' \\n bar \\n'}")).state().foo()).isEqualTo(new Bar());
    assertThat(schema.applyDelta(new FooState(new Bar()), json("{'foo':{'baz':{'qux':42}}}")).state().foo())
        .isEqualTo(new Baz(42));
    assertThatThrownBy(() -> schema.parseDelta(json("{'foo':'qux'}"), baz))
        .isInstanceOfSatisfying(ShadowDeltaException.class, e -> {
          assertThat(e.reason()).isEqualTo(Reason.UNKNOWN_VARIANT);
          assertThat(e.path()).isEqualTo("/foo");
        });
    assertThatThrownBy(() -> schema.parseDelta(json("{'foo':{'bar':{},'baz':{'qux':1}}}"), baz))
        .isInstanceOfSatisfying(ShadowDeltaException.class,
            e -> assertThat(e.reason()).isEqualTo(Reason.AMBIGUOUS_VARIANT));
  }

  @Test
  void external_union_same_variant_patches_content_only() {
    var schema = ShadowSchema.of(FooState.class);
    var applied = schema.applyDelta(new FooState(new Baz(1)), json("{'foo':{'baz':{'qux':2}}}"));
    assertThat(applied.state().foo()).isEqualTo(new Baz(2));
  }

  @Test
  void adjacent_delta_with_mode_and_config_parses_and_round_trips() {
    var schema = ShadowSchema.of(Port.class);
    var applied = schema.applyDelta(schema.defaults(), json("{'mode':{'mode':'sio','config':{'polarity':true}}}"));
    assertThat(applied.state().mode()).isEqualTo(new Sio(true));
    assertThat(schema.desired(applied.state())).isEqualTo(json("{'mode':{'mode':'sio','config':{'polarity':true}}}"));
    var inactive = schema.applyDelta(applied.state(), json("{'mode':{'mode':'inactive'}}"));
    assertThat(inactive.state().mode()).isEqualTo(new Inactive());
    assertThat(schema.desired(inactive.state())).isEqualTo(json("{'mode':{'mode':'inactive'}}"));
  }

  @Test
  void adjacent_config_only_delta_resolves_the_current_variant() {
    var schema = ShadowSchema.of(Port.class);
    var sio = new Port(new Sio(true));
    var applied = schema.applyDelta(sio, json("{'mode':{'config':{'polarity':false}}}"));
    assertThat(applied.state().mode()).isEqualTo(new Sio(false));
    assertThat(applied.desiredCleanup()).isEmpty();
    var modeOnly = schema.applyDelta(schema.defaults(), json("{'mode':{'mode':'sio'}}"));
    assertThat(modeOnly.state().mode()).isEqualTo(new Sio(false));
    var ioLink = schema.applyDelta(sio, json("{'mode':{'mode':'iolink','config':{'cycle_time':5000}}}"));
    assertThat(ioLink.state().mode()).isEqualTo(new IoLink(5000));
    // config for the current variant naming a field of another variant is an unknown field of this one
    assertThatThrownBy(() -> schema.parseDelta(json("{'mode':{'config':{'cycle_time':1}}}"), sio))
        .isInstanceOfSatisfying(ShadowDeltaException.class,
            e -> assertThat(e.path()).isEqualTo("/mode/config/cycle_time"));
  }

  @Test
  void adjacent_reported_is_padded_with_the_other_variants_fields() {
    var schema = ShadowSchema.of(Port.class);
    assertThat(schema.reported(new Port(new Sio(true))))
        .isEqualTo(json("{'mode':{'mode':'sio','config':{'polarity':true,'cycle_time':null}}}"));
    assertThat(schema.reported(new Port(new Inactive())))
        .isEqualTo(json("{'mode':{'mode':'inactive','config':{'polarity':null,'cycle_time':null}}}"));
  }

  @Test
  void desired_cleanup_nulls_the_previous_variants_fields_after_a_switch() {
    var schema = ShadowSchema.of(Port.class);
    var sio = new Port(new Sio(true));
    var toInactive = schema.applyDelta(sio, json("{'mode':{'mode':'inactive'}}"));
    assertThat(toInactive.desiredCleanup().orElseThrow())
        .isEqualTo(json("{'mode':{'config':{'polarity':null,'cycle_time':null}}}"));
    var toIoLink = schema.applyDelta(sio, json("{'mode':{'mode':'iolink','config':{'cycle_time':5}}}"));
    assertThat(toIoLink.desiredCleanup().orElseThrow()).isEqualTo(json("{'mode':{'config':{'polarity':null}}}"));
    assertThat(schema.applyDelta(sio, json("{'mode':{'config':{'polarity':false}}}")).desiredCleanup()).isEmpty();
  }

  @Test
  void unknown_adjacent_tag_falls_back_to_the_current_variant_and_cleanup_rewrites_it() {
    var schema = ShadowSchema.of(Port.class);
    var applied = schema.applyDelta(schema.defaults(), json("{'mode':{'mode':'future_mode','config':{'x':1}}}"));
    assertThat(applied.state().mode()).isEqualTo(new Inactive());
    assertThat(applied.desiredCleanup().orElseThrow().get("mode").get("mode").asText()).isEqualTo("inactive");
    var known = schema.applyDelta(schema.defaults(), json("{'mode':{'mode':'sio'}}"));
    assertThat(known.desiredCleanup().orElseThrow().get("mode").has("mode")).isFalse();
  }

  @Test
  void opaque_variants_carry_a_bare_scalar_content() {
    var schema = ShadowSchema.of(Models.PayloadState.class);
    assertThat(schema.reported(new Models.PayloadState(new Models.Named("hello"))))
        .isEqualTo(json("{'payload':{'kind':'named','value':'hello'}}"));
    assertThat(schema.reported(new Models.PayloadState(new Models.Empty())))
        .isEqualTo(json("{'payload':{'kind':'empty'}}"));
    assertThat(schema.reported(new Models.PayloadState(new Models.Number(42))))
        .isEqualTo(json("{'payload':{'kind':'number','value':42}}"));
    assertThat(schema.applyDelta(schema.defaults(), json("{'payload':{'kind':'named','value':'hi'}}")).state())
        .isEqualTo(new Models.PayloadState(new Models.Named("hi")));
    assertThat(schema.applyDelta(new Models.PayloadState(new Models.Named("x")), json("{'payload':{'kind':'empty'}}"))
        .state()).isEqualTo(new Models.PayloadState(new Models.Empty()));
    var mixed = ShadowSchema.of(Models.MixedState.class);
    assertThat(mixed.reported(new Models.MixedState(new Models.Label("hello"))))
        .isEqualTo(json("{'mixed':{'kind':'label','data':'hello'}}"));
    assertThat(mixed.reported(new Models.MixedState(new Models.Toggle(true))).toString()).contains("\"enabled\":true");
    JsonNode none = mixed.reported(new Models.MixedState(new Models.None()));
    assertThat(none).isEqualTo(json("{'mixed':{'kind':'none','data':{'enabled':null}}}"));
  }

  @Test
  void internal_union_switches_resolves_a_missing_tag_and_nulls_stale_fields() {
    var schema = ShadowSchema.of(ShapeState.class);
    var pair = schema.applyDelta(schema.defaults(), json("{'shape':{'kind':'pair','x':10,'y':20}}"));
    assertThat(pair.state().shape()).isEqualTo(new Pair(10, 20));
    assertThat(pair.reported()).isEqualTo(json("{'shape':{'kind':'pair','x':10,'y':20,'v':null}}"));
    assertThat(pair.desiredCleanup().orElseThrow()).isEqualTo(json("{'shape':{'v':null}}"));
    // AWS sends only differing keys, so the tag is often missing: the current variant is used
    var tagless = schema.applyDelta(pair.state(), json("{'shape':{'y':21}}"));
    assertThat(tagless.state().shape()).isEqualTo(new Pair(10, 21));
    assertThat(tagless.desiredCleanup()).isEmpty();
    // a stale key of the previous variant left in desired is ignored and cleaned up
    var stale = schema.applyDelta(new ShapeState(new Single(1)), json("{'shape':{'v':2,'x':10}}"));
    assertThat(stale.state().shape()).isEqualTo(new Single(2));
    assertThat(stale.desiredCleanup().orElseThrow()).isEqualTo(json("{'shape':{'x':null,'y':null}}"));
    assertThatThrownBy(() -> schema.parseDelta(json("{'shape':{'kind':'triple'}}"), pair.state()))
        .isInstanceOfSatisfying(ShadowDeltaException.class, e -> {
          assertThat(e.reason()).isEqualTo(Reason.UNKNOWN_VARIANT);
          assertThat(e.path()).isEqualTo("/shape/kind");
        });
  }

  @Test
  void map_entry_removal_by_unset_or_null_is_acked_as_null_in_reported_and_desired() {
    var schema = ShadowSchema.of(Ports.class);
    var state = new Ports(Map.of("p1", 100, "p2", 200));
    var applied = schema.applyDelta(state, json("{'ports':{'p1':'unset','p2':null}}"));
    assertThat(applied.state().ports()).isEmpty();
    assertThat(applied.reported()).isEqualTo(json("{'ports':{'p1':null,'p2':null}}"));
    assertThat(applied.desiredCleanup().orElseThrow()).isEqualTo(json("{'ports':{'p1':null,'p2':null}}"));
    assertThat(schema.parseDelta(json("{'ports':{}}"), state).isEmpty()).isTrue();
  }

  @Test
  void new_map_entry_starts_from_defaults_and_is_reported_whole() {
    var schema = ShadowSchema.of(Switch.class);
    var applied = schema.applyDelta(schema.defaults(), json("{'ports':{'p1':{'speed':100}}}"));
    assertThat(applied.state().ports()).containsExactly(Map.entry("p1", new PortCfg(100, false)));
    assertThat(applied.reported()).isEqualTo(json("{'ports':{'p1':{'speed':100,'enabled':false}}}"));
    var changed = schema.applyDelta(applied.state(), json("{'ports':{'p1':{'enabled':true}}}"));
    assertThat(changed.reported()).isEqualTo(json("{'ports':{'p1':{'enabled':true}}}"));
    assertThatThrownBy(() -> schema.parseDelta(json("{'ports':{'p1':{'speed':'x'}}}"), applied.state()))
        .isInstanceOfSatisfying(ShadowDeltaException.class,
            e -> assertThat(e.path()).isEqualTo("/ports/p1/speed"));
  }

  @Test
  void reported_diff_keeps_removed_entries_and_prunes_unchanged_ones() {
    var schema = ShadowSchema.of(Switch.class);
    var before = new Switch(Map.of("a", new PortCfg(1, true), "b", new PortCfg(2, true)), "sw");
    var after = new Switch(Map.of("b", new PortCfg(2, true)), "sw");
    assertThat(schema.reportedDiff(before, after)).isEqualTo(json("{'ports':{'a':null}}"));
    assertThat(schema.reportedDiff(after, after)).isEmpty();
    assertThat(schema.diff(after, after).isEmpty()).isTrue();
  }

  @Test
  void arrays_are_replaced_whole() {
    var schema = ShadowSchema.of(Models.Thresholds.class);
    var applied = schema.applyDelta(new Models.Thresholds(new int[] {10, 20, 30, 40}), json("{'values':[1]}"));
    assertThat(applied.state().values()).containsExactly(1);
    assertThat(applied.reported()).isEqualTo(json("{'values':[1]}"));
  }

  @Test
  void flattened_map_entries_sit_next_to_the_parents_fields() {
    var schema = ShadowSchema.of(Display.class);
    var d = schema.parseDelta(json("{'brightness':50,'HDMI-A-1':{'enabled':true},'DP-1':{'enabled':false}}"), null);
    var applied = schema.apply(null, d);
    assertThat(applied.state().brightness()).isEqualTo(50);
    assertThat(applied.state().connectors()).containsOnlyKeys("HDMI-A-1", "DP-1");
    assertThat(schema.reported(applied.state()))
        .isEqualTo(json("{'brightness':50,'HDMI-A-1':{'enabled':true},'DP-1':{'enabled':false}}"));
    assertThat(schema.reported(applied.state()).has("connectors")).isFalse();
    var onlyBrightness = schema.applyDelta(applied.state(), json("{'brightness':60}"));
    assertThat(onlyBrightness.reported()).isEqualTo(json("{'brightness':60}"));
    assertThat(onlyBrightness.state().connectors()).hasSize(2);
    var onlyEntry = schema.applyDelta(applied.state(), json("{'DP-1':{'enabled':true}}"));
    assertThat(onlyEntry.state().connectors().get("DP-1")).isEqualTo(new Connector(true));
    assertThat(onlyEntry.delta().paths()).containsExactly("/DP-1/enabled");
    assertThat(schema.parseDelta(json("null"), null).isEmpty()).isTrue();
  }

  @Test
  void fingerprint_is_stable_and_changes_with_the_shape() {
    String device = ShadowSchema.of(Device.class).fingerprint();
    assertThat(device).matches("[0-9a-f]{16}");
    assertThat(ShadowSchema.of(Models.TimeoutV1.class).fingerprint())
        .isNotEqualTo(ShadowSchema.of(Models.TimeoutV2.class).fingerprint());
    assertThat(ShadowSchema.of(Models.Value.class).fingerprint())
        .isNotEqualTo(ShadowSchema.of(Models.Widened.class).fingerprint());
    // transient report-only fields do not count, persisted ones do
    assertThat(ShadowSchema.of(WithTransient.class).fingerprint()).isEqualTo(ShadowSchema.of(Models.Value.class)
        .fingerprint());
    assertThat(ShadowSchema.of(WithPersisted.class).fingerprint()).isNotEqualTo(ShadowSchema.of(Models.Value.class)
        .fingerprint());
    // declaration order does not count
    assertThat(ShadowSchema.of(Ab.class).fingerprint()).isEqualTo(ShadowSchema.of(Ba.class).fingerprint());
    // a value computed by hand, so a change of the descriptor format cannot slip by unnoticed across JVMs
    assertThat(ShadowSchema.of(Models.Value.class).fingerprint())
        .isEqualTo(String.format("%016x", dev.thingbridge.shadows.schema.internal.Fingerprint.fnv1a64(
            "S{value:L(int)}".getBytes(java.nio.charset.StandardCharsets.UTF_8))));
  }

  @Test
  void fnv1a_matches_the_reference_vectors() {
    assertThat(dev.thingbridge.shadows.schema.internal.Fingerprint.fnv1a64(new byte[0])).isEqualTo(0xcbf29ce484222325L);
    assertThat(dev.thingbridge.shadows.schema.internal.Fingerprint.fnv1a64("a".getBytes())).isEqualTo(0xaf63dc4c8601ec8cL);
    assertThat(dev.thingbridge.shadows.schema.internal.Fingerprint.fnv1a64("foobar".getBytes()))
        .isEqualTo(0x85944171f73967e8L);
  }

  record WithTransient(int value, @ReportOnly String note) {}

  record WithPersisted(int value, @ReportOnly(persist = true) String note) {}

  record Ab(int a, String b) {}

  record Ba(String b, int a) {}

  record BadKeys(Map<Integer, String> byNumber) {}

  record TwoFlat(@Flatten Map<String, Integer> a, @Flatten Map<String, Integer> b) {}

  record BadDefault(@DefaultValue("\"x\"") int n) {}

  record Recursive(int v, Recursive next) {}

  @Test
  void unusable_types_fail_at_derivation_with_a_clear_message() {
    assertThatThrownBy(() -> ShadowSchema.of(BadKeys.class)).isInstanceOf(ShadowSchemaException.class)
        .hasMessageContaining("map keys must be String");
    assertThatThrownBy(() -> ShadowSchema.of(TwoFlat.class)).isInstanceOf(ShadowSchemaException.class)
        .hasMessageContaining("Flatten");
    assertThatThrownBy(() -> ShadowSchema.of(BadDefault.class)).isInstanceOf(ShadowSchemaException.class)
        .hasMessageContaining("DefaultValue");
    assertThatThrownBy(() -> ShadowSchema.of(Recursive.class)).isInstanceOf(ShadowSchemaException.class)
        .hasMessageContaining("contains itself");
  }

  /** A Jackson bean rather than a record. */
  public static final class Bean {
    private int level;
    private String label = "";

    public int getLevel() {
      return level;
    }

    public void setLevel(int level) {
      this.level = level;
    }

    public String getLabel() {
      return label;
    }

    public void setLabel(String label) {
      this.label = label;
    }
  }

  @Test
  void jackson_beans_work_like_records() {
    var schema = ShadowSchema.of(Bean.class);
    var applied = schema.applyDelta(schema.defaults(), json("{'level':3}"));
    assertThat(applied.state().getLevel()).isEqualTo(3);
    assertThat(applied.state().getLabel()).isEmpty();
    assertThatThrownBy(() -> schema.parseDelta(json("{'lvl':3}"), null)).isInstanceOf(ShadowDeltaException.class);
  }

  @Test
  void a_rejected_delta_leaves_the_state_untouched_and_the_next_one_applies() {
    var schema = ShadowSchema.of(Device.class);
    var state = schema.defaults();
    assertThatThrownBy(() -> schema.applyDelta(state, json("{'config':{'timeout':1,'bogus':2}}")))
        .isInstanceOf(ShadowDeltaException.class);
    assertThat(state).isEqualTo(schema.defaults());
    assertThat(schema.applyDelta(state, json("{'config':{'timeout':1}}")).state().config().timeout()).isEqualTo(1);
  }

  @Test
  void touches_reports_the_changed_paths() {
    var schema = ShadowSchema.of(Device.class);
    var d = schema.parseDelta(json("{'config':{'retries':1},'iface':'wlan0'}"), null);
    assertThat(d.paths()).containsExactlyInAnyOrder("/config/retries", "/iface");
    assertThat(d.touches("/config")).isTrue();
    assertThat(d.touches("/config/timeout")).isFalse();
    assertThat(List.of(d.touches("/iface"))).containsExactly(true);
  }

  record DocPort(int speed, Models.PortMode mode) {}

  record DocGateway(Map<String, DocPort> ports) {}

  @Test
  void the_documented_acknowledgement_example_holds() {
    var schema = ShadowSchema.of(DocGateway.class);
    var state = new DocGateway(Map.of("p1", new DocPort(10, new Inactive()), "p9", new DocPort(5, new Inactive())));
    var applied = schema.applyDelta(state, json("{'ports':{'p1':{'mode':{'mode':'sio'}},'p9':'unset'}}"));
    assertThat(applied.acknowledgement()).isEqualTo(json("{'desired':{'ports':{'p1':{'mode':{'config':"
        + "{'cycle_time':null}}},'p9':null}},'reported':{'ports':{'p1':{'mode':{'mode':'sio','config':"
        + "{'polarity':false,'cycle_time':null}}},'p9':null}}}"));
  }

  @Test
  void escaped_tags_are_decoded_and_extra_whitespace_is_fine() {
    var schema = ShadowSchema.of(Port.class);
    var applied = schema.applyDelta(schema.defaults(),
        json("{ 'mode' : { 'config' : { 'polarity' : true } ,\n 'mode' : '\\u0073io' } }"));
    assertThat(applied.state().mode()).isEqualTo(new Sio(true));
  }

  @Test
  void changed_compares_by_value_including_arrays() {
    var schema = ShadowSchema.of(Models.Thresholds.class);
    var state = new Models.Thresholds(new int[] {1, 2});
    assertThat(schema.applyDelta(state, json("{'values':[1,2]}")).changed()).isFalse();
    assertThat(schema.applyDelta(state, json("{'values':[1,3]}")).changed()).isTrue();
  }

  record Nested(Map<String, Models.PortMode> modes, Map<String, Map<String, Integer>> groups) {}

  @Test
  void an_empty_object_adds_a_map_entry_of_any_kind_with_its_defaults() {
    var schema = ShadowSchema.of(Nested.class);
    var applied = schema.applyDelta(schema.defaults(), json("{'modes':{'m1':{}},'groups':{'g1':{}}}"));
    assertThat(applied.state().modes()).containsExactly(Map.entry("m1", new Inactive()));
    assertThat(applied.state().groups()).containsExactly(Map.entry("g1", Map.of()));
    assertThat(applied.reported()).isEqualTo(json("{'modes':{'m1':{'mode':'inactive','config':"
        + "{'polarity':null,'cycle_time':null}}},'groups':{'g1':{}}}"));
    assertThat(applied.delta().paths()).containsExactlyInAnyOrder("/modes/m1", "/groups/g1");
    var store = ShadowStateStore.open(new InMemoryKeyValueStore(), "n", schema);
    store.load();
    store.apply(schema.parseDelta(json("{'modes':{'m1':{}},'groups':{'g1':{'a':1}}}"), store.state()));
    assertThat(schema.reportedDiff(schema.defaults(), store.state()).toString()).contains("m1", "g1");
  }

  record Speed(int mbps) {
    Speed {
      if (mbps < 0) {
        throw new IllegalArgumentException("mbps must not be negative");
      }
    }
  }

  record Validated(Map<String, Speed> links) {}

  record NoDefault(String name) {
    NoDefault {
      if (name.isEmpty()) {
        throw new IllegalArgumentException("name is required");
      }
    }
  }

  record NeedsDefault(NoDefault inner) {}

  @Test
  void a_value_refused_by_a_validating_constructor_is_a_typed_error_with_its_path() {
    var schema = ShadowSchema.of(Validated.class);
    var state = new Validated(Map.of("wan", new Speed(100)));
    assertThatThrownBy(() -> schema.applyDelta(state, json("{'links':{'wan':{'mbps':-1}}}")))
        .isInstanceOfSatisfying(ShadowDeltaException.class, e -> {
          assertThat(e.reason()).isEqualTo(Reason.INVALID_VALUE);
          assertThat(e.path()).isEqualTo("/links/wan");
          assertThat(e.getMessage()).contains("must not be negative");
        });
    var kv = new InMemoryKeyValueStore();
    var store = ShadowStateStore.open(kv, "v", schema);
    store.load();
    store.applyDelta(json("{'links':{'wan':{'mbps':5}}}"));
    kv.put("v/links/wan/mbps", "-3".getBytes());
    var again = ShadowStateStore.open(kv, "v", schema);
    assertThat(again.load().corruptedKeys()).containsExactly("v/links/wan");
    assertThat(again.state().links()).containsExactly(Map.entry("wan", new Speed(0)));
    assertThatThrownBy(() -> ShadowSchema.of(NeedsDefault.class)).isInstanceOf(ShadowSchemaException.class)
        .hasMessageContaining("@DefaultValue");
  }
}
