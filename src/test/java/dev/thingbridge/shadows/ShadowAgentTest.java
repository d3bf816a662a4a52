package dev.thingbridge.shadows;

import static dev.thingbridge.shadows.AgentRig.json;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import dev.thingbridge.mqtt.MqttClient;
import dev.thingbridge.mqtt.MqttTimeoutException;
import dev.thingbridge.shadows.AgentModels.Device;
import dev.thingbridge.shadows.AgentModels.ModeB;
import dev.thingbridge.shadows.AgentModels.Pair;
import dev.thingbridge.shadows.schema.spec.ShadowDeltaException;
import dev.thingbridge.shadows.store.InMemoryKeyValueStore;
import dev.thingbridge.shadows.store.ShadowStateStore;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The shadow agent against the twin on the in-process bus: rustot's SHD-I scenarios and the lessons of its
 * history (named where they apply), plus what goes beyond it.
 */
class ShadowAgentTest {
  private static final String THING = "gw-1";
  private static final Duration WAIT = Duration.ofSeconds(5);

  private AgentRig rig;
  private InMemoryKeyValueStore store;
  private MqttClient device;
  private final List<ShadowDeltaException> rejected = new CopyOnWriteArrayList<>();

  @BeforeEach
  void setUp() throws Exception {
    rig = new AgentRig();
    store = new InMemoryKeyValueStore();
    device = rig.device(THING);
  }

  @AfterEach
  void tearDown() throws Exception {
    rig.close();
  }

  private Shadow<Device> shadow(String name, ShadowOptions options) {
    return rig.own(Shadow.builder(device, THING, AgentModels.SCHEMA, store).name(name).options(options)
        .listener(new ShadowListener<>() {
          @Override
          public void onDeltaRejected(ShadowDeltaException error, com.fasterxml.jackson.databind.node.ObjectNode d) {
            rejected.add(error);
          }
        }).build());
  }

  private Shadow<Device> shadow() {
    return shadow(null, ShadowOptions.defaults());
  }

  private static <T> T get(CompletableFuture<T> f) throws Exception {
    return f.get(10, TimeUnit.SECONDS);
  }

  @Test
  void first_sync_creates_the_document_with_the_full_local_state() throws Exception {
    Shadow<Device> shadow = shadow();
    assertThat(get(shadow.load()).firstBoot()).isTrue();

    get(shadow.sync());

    JsonNode desired = rig.cloudState(THING, null, "desired");
    assertThat(desired.has("count")).isTrue();
    assertThat(desired.has("inner")).isTrue();
    assertThat(desired.at("/adjacent/mode").asText()).isEqualTo("mode_a");
    assertThat(desired.has("firmware")).as("report-only fields are never desired").isFalse();
    assertThat(rig.cloudState(THING, null, "reported").has("count")).isTrue();
    assertThat(rig.cloudState(THING, null, "delta").isMissingNode()).isTrue();
    assertThat(shadow.version()).isEqualTo(1);
  }

  @Test
  void a_desired_change_is_applied_persisted_and_acknowledged_until_the_delta_is_empty() throws Exception {
    Shadow<Device> shadow = shadow();
    get(shadow.sync());

    rig.cloudUpdate(THING, null, "{\"state\":{\"desired\":{\"count\":42,\"active\":true,"
        + "\"inner\":{\"value\":100,\"flag\":true}}}}");
    DeltaEvent<Device> event = get(shadow.nextDelta(WAIT));

    assertThat(event.state().count()).isEqualTo(42);
    assertThat(event.state().active()).isTrue();
    assertThat(event.state().inner()).isEqualTo(new AgentModels.Inner(100, true));
    assertThat(event.touches("/inner/value")).isTrue();
    assertThat(event.touches("/ports")).isFalse();
    assertThat(get(event.acknowledged())).isEqualTo(3);
    assertThat(rig.cloudState(THING, null, "delta").isMissingNode()).isTrue();
    assertThat(rig.cloudState(THING, null, "reported").get("count").asInt()).isEqualTo(42);

    ShadowStateStore<Device> reloaded = ShadowStateStore.open(store, ShadowStateStore.scopeOf(THING, null),
        AgentModels.SCHEMA);
    reloaded.load();
    assertThat(reloaded.state().count()).isEqualTo(42);
  }

  @Test
  void unions_switch_and_their_stale_fields_are_cleaned_up_in_the_cloud() throws Exception {
    Shadow<Device> shadow = shadow();
    get(shadow.sync());

    rig.cloudUpdate(THING, null, "{\"state\":{\"desired\":{\"tagged\":{\"kind\":\"pair\",\"x\":10,\"y\":20},"
        + "\"adjacent\":{\"mode\":\"mode_b\",\"config\":{\"gamma\":12345,\"delta\":42}}}}}");
    DeltaEvent<Device> event = get(shadow.nextDelta(WAIT));
    get(event.acknowledged());

    assertThat(event.state().tagged()).isEqualTo(new Pair(10, 20));
    assertThat(event.state().adjacent()).isEqualTo(new ModeB(12345, 42));
    assertThat(rig.cloudState(THING, null, "delta").isMissingNode()).isTrue();
    assertThat(rig.cloudState(THING, null, "desired").at("/adjacent/config").has("alpha"))
        .as("the previous variant's desired fields are removed").isFalse();
  }

  @Test
  void sync_applies_only_the_clouds_computed_delta() throws Exception {
    rig.cloudUpdate(THING, null, "{\"state\":{\"desired\":{\"count\":5,\"active\":true},"
        + "\"reported\":{\"count\":5,\"active\":false}}}");
    Shadow<Device> shadow = shadow();

    get(shadow.sync());
    DeltaEvent<Device> event = get(shadow.nextDelta(WAIT));

    assertThat(event.delta()).isEqualTo(json("{\"active\":true}"));
    assertThat(event.state().active()).isTrue();
    assertThat(event.state().count()).as("count was not in the delta, so it was not applied").isZero();
  }

  @Test
  void a_rejected_delta_names_the_path_removes_the_bad_desired_key_and_the_rest_is_applied() throws Exception {
    Shadow<Device> shadow = shadow();
    get(shadow.sync());

    rig.cloudUpdate(THING, null, "{\"state\":{\"desired\":{\"count\":7,\"bogus\":1,\"inner\":{\"value\":\"x\"}}}}");
    DeltaEvent<Device> event = get(shadow.nextDelta(WAIT));
    get(event.acknowledged());

    assertThat(rejected).extracting(ShadowDeltaException::path).containsExactlyInAnyOrder("/bogus", "/inner/value");
    assertThat(event.state().count()).isEqualTo(7);
    assertThat(rig.cloudState(THING, null, "desired").has("bogus")).isFalse();
    assertThat(rig.cloudState(THING, null, "delta").isMissingNode()).isTrue();

    rig.cloudUpdate(THING, null, "{\"state\":{\"desired\":{\"count\":8}}}");
    assertThat(get(shadow.nextDelta(WAIT)).state().count()).as("the shadow keeps working").isEqualTo(8);
  }

  @Test
  void a_map_entry_removed_with_unset_is_acknowledged_as_null_in_reported_and_desired() throws Exception {
    Shadow<Device> shadow = shadow();
    get(shadow.sync());
    rig.cloudUpdate(THING, null, "{\"state\":{\"desired\":{\"ports\":{\"p1\":100,\"p2\":200}}}}");
    get(get(shadow.nextDelta(WAIT)).acknowledged());

    rig.cloudUpdate(THING, null, "{\"state\":{\"desired\":{\"ports\":{\"p1\":\"unset\"}}}}");
    DeltaEvent<Device> event = get(shadow.nextDelta(WAIT));
    get(event.acknowledged());

    assertThat(event.state().ports()).containsOnlyKeys("p2");
    assertThat(rig.cloudState(THING, null, "desired").path("ports").has("p1")).isFalse();
    assertThat(rig.cloudState(THING, null, "reported").path("ports").has("p1")).isFalse();
    assertThat(rig.cloudState(THING, null, "delta").isMissingNode()).isTrue();
  }

  @Test
  void update_reported_sends_only_the_changed_fields_including_report_only_ones() throws Exception {
    Shadow<Device> shadow = shadow();
    get(shadow.sync());

    Device after = get(shadow.updateReported(d -> d.withFirmware("1.2.3")));

    assertThat(after.firmware()).isEqualTo("1.2.3");
    assertThat(rig.cloudState(THING, null, "reported").get("firmware").asText()).isEqualTo("1.2.3");
    assertThat(rig.cloudState(THING, null, "desired").has("firmware")).isFalse();
    assertThat(rig.cloudState(THING, null, "delta").isMissingNode()).isTrue();
    long version = shadow.version();
    assertThat(get(shadow.updateReported(d -> d)).firmware()).isEqualTo("1.2.3");
    assertThat(shadow.version()).as("nothing changed, nothing sent").isEqualTo(version);
  }

  @Test
  void update_desired_also_reports_the_new_values_so_no_delta_stays_pending() throws Exception {
    Shadow<Device> shadow = shadow();

    get(shadow.updateDesired(d -> d.withCount(9).withFirmware("2.0")));

    assertThat(rig.cloudState(THING, null, "desired").get("count").asInt()).isEqualTo(9);
    assertThat(rig.cloudState(THING, null, "desired").has("firmware")).isFalse();
    assertThat(rig.cloudState(THING, null, "reported").get("count").asInt()).isEqualTo(9);
    assertThat(rig.cloudState(THING, null, "delta").isMissingNode()).isTrue();
  }

  @Test
  void the_first_publish_creates_the_whole_document_not_a_one_field_one() throws Exception {
    Shadow<Device> shadow = shadow();

    get(shadow.updateReported(d -> d.withFirmware("1.0")));

    assertThat(rig.cloudState(THING, null, "desired").has("inner")).isTrue();
    assertThat(rig.cloudState(THING, null, "reported").has("count")).isTrue();
  }

  @Test
  void delete_wipes_the_local_state_and_the_next_publish_recreates_the_document() throws Exception {
    Shadow<Device> shadow = shadow();
    get(shadow.updateDesired(d -> d.withCount(5)));

    get(shadow.delete());
    assertThat(shadow.state().count()).isZero();
    assertThatThrownBy(() -> rig.cloud().get(THING, null)).hasMessageContaining("No shadow exists");
    get(shadow.delete()); // a missing document is fine

    get(shadow.updateReported(d -> d.withFirmware("3")));
    assertThat(rig.cloudState(THING, null, "desired").has("inner")).isTrue();
    assertThat(rig.cloudState(THING, null, "reported").get("firmware").asText()).isEqualTo("3");
  }

  @Test
  void a_document_deleted_in_the_cloud_is_recreated_whole_from_the_local_state_on_the_next_report() throws Exception {
    Shadow<Device> shadow = shadow();
    get(shadow.updateDesired(d -> d.withCount(5)));

    rig.cloud().delete(THING, null);
    await().atMost(WAIT).until(() -> shadow.version() == 0);
    get(shadow.updateReported(d -> d.withFirmware("4")));

    assertThat(rig.cloudState(THING, null, "desired").get("count").asInt()).isEqualTo(5);
    assertThat(rig.cloudState(THING, null, "reported").get("count").asInt()).isEqualTo(5);
    assertThat(shadow.state().count()).as("the local state is kept").isEqualTo(5);
  }

  @Test
  void a_version_conflict_is_resolved_by_applying_the_cloud_change_and_rerunning_the_callers_change()
      throws Exception {
    Shadow<Device> shadow = shadow(null, ShadowOptions.builder().optimisticLocking(true).build());
    get(shadow.sync());
    AtomicInteger calls = new AtomicInteger();

    Device after = get(shadow.updateDesired(d -> {
      if (calls.incrementAndGet() == 1) {
        // Another writer changes the document between our read and our write.
        rig.cloudUpdate(THING, null, "{\"state\":{\"desired\":{\"active\":true}}}");
      }
      return d.withCount(d.count() + 1);
    }));

    assertThat(calls.get()).as("the change ran again on the fresh state").isEqualTo(2);
    assertThat(after.count()).isEqualTo(1);
    assertThat(after.active()).isTrue();
    assertThat(rig.cloudState(THING, null, "desired").get("count").asInt()).isEqualTo(1);
    assertThat(rig.cloudState(THING, null, "desired").get("active").asBoolean()).isTrue();
    assertThat(rig.cloudState(THING, null, "delta").isMissingNode()).isTrue();
  }

  @Test
  void several_shadows_share_one_client_and_get_only_their_own_deltas() throws Exception {
    Shadow<Device> classic = shadow();
    Shadow<Device> named = shadow("net", ShadowOptions.defaults());
    get(classic.sync());
    get(named.sync());

    rig.cloudUpdate(THING, "net", "{\"state\":{\"desired\":{\"count\":2}}}");
    rig.cloudUpdate(THING, null, "{\"state\":{\"desired\":{\"count\":1}}}");

    assertThat(get(named.nextDelta(WAIT)).state().count()).isEqualTo(2);
    assertThat(get(classic.nextDelta(WAIT)).state().count()).isEqualTo(1);
    assertThat(named.state().count()).isEqualTo(2);
  }

  @Test
  void a_cancelled_wait_leaves_its_delta_for_the_next_one() throws Exception {
    Shadow<Device> shadow = shadow();
    get(shadow.sync());
    CompletableFuture<DeltaEvent<Device>> first = shadow.nextDelta(WAIT);
    first.cancel(false);

    rig.cloudUpdate(THING, null, "{\"state\":{\"desired\":{\"count\":3}}}");

    assertThat(get(shadow.nextDelta(WAIT)).state().count()).isEqualTo(3);
  }

  @Test
  void a_wait_without_a_delta_times_out() throws Exception {
    Shadow<Device> shadow = shadow();
    CompletableFuture<DeltaEvent<Device>> f = shadow.nextDelta(Duration.ofMillis(300));
    assertThatThrownBy(() -> f.get(5, TimeUnit.SECONDS)).hasCauseInstanceOf(MqttTimeoutException.class);
  }

  @Test
  void deltas_sent_while_the_session_was_lost_are_drained_by_a_get() throws Exception {
    // The bus drops the twin's session too; the first GET may beat the twin's renewal and is then tried again.
    Shadow<Device> shadow = shadow(null, ShadowOptions.builder().requestTimeout(Duration.ofMillis(500)).build());
    get(shadow.sync());

    rig.broker.stop();
    rig.cloudUpdate(THING, null, "{\"state\":{\"desired\":{\"count\":11}}}"); // its delta cannot be delivered
    rig.broker.start(false);

    assertThat(get(shadow.nextDelta(WAIT)).state().count()).isEqualTo(11);
  }

  @Test
  void deltas_lost_by_a_broker_that_kept_the_session_are_drained_after_the_reconnect() throws Exception {
    Shadow<Device> shadow = shadow();
    get(shadow.sync());

    rig.broker.stop();
    rig.cloudUpdate(THING, null, "{\"state\":{\"desired\":{\"count\":12}}}");
    rig.broker.start(true);

    assertThat(get(shadow.nextDelta(WAIT)).state().count()).isEqualTo(12);
  }

  @Test
  void an_acknowledgement_held_through_an_outage_is_refused_and_the_deleted_document_stays_deleted()
      throws Exception {
    ObservedClient link = new ObservedClient(device);
    List<Long> deletions = new CopyOnWriteArrayList<>();
    Shadow<Device> shadow = rig.own(Shadow.builder(link, THING, AgentModels.SCHEMA, store)
        .listener(new ShadowListener<>() {
          @Override
          public void onDeletedInCloud(long version) {
            deletions.add(version);
          }
        }).build());
    get(shadow.sync());

    link.holdPublishes();
    rig.cloudUpdate(THING, null, "{\"state\":{\"desired\":{\"count\":5}}}");
    DeltaEvent<Device> event = get(shadow.nextDelta(WAIT));
    await().atMost(WAIT).until(() -> link.heldPublishes() > 0);
    link.dropDeliveries();
    rig.cloud().delete(THING, null);
    link.goOnline();

    assertThatThrownBy(() -> get(event.acknowledged())).cause().isInstanceOfSatisfying(ShadowException.class,
        e -> assertThat(e.code()).isEqualTo(ShadowErrorCode.VERSION_CONFLICT));
    await().atMost(WAIT).until(() -> !deletions.isEmpty());
    assertThatThrownBy(() -> rig.cloud().get(THING, null)).hasMessageContaining("No shadow exists");
    assertThat(shadow.state().count()).as("the applied state is kept").isEqualTo(5);

    get(shadow.updateReported(d -> d.withFirmware("9")));
    assertThat(rig.cloudState(THING, null, "desired").get("count").asInt())
        .as("the next publish re-creates the document whole").isEqualTo(5);
  }

  @Test
  void closing_a_shadow_takes_its_connection_listener_off_the_shared_client() throws Exception {
    ObservedClient shared = new ObservedClient(device);
    Shadow<Device> first = Shadow.builder(shared, THING, AgentModels.SCHEMA, store).build();
    Shadow<Device> second = Shadow.builder(shared, THING, AgentModels.SCHEMA, store).name("net").build();
    get(first.sync());
    assertThat(shared.connectionListeners()).isEqualTo(2);

    first.close();
    assertThat(shared.connectionListeners()).isEqualTo(1);
    second.close();
    assertThat(shared.connectionListeners()).isZero();
  }

  @Test
  void a_closed_shadow_fails_its_waiters_and_later_calls() throws Exception {
    Shadow<Device> shadow = shadow();
    get(shadow.sync());
    CompletableFuture<DeltaEvent<Device>> waiting = shadow.nextDelta(WAIT);

    shadow.close();

    assertThatThrownBy(() -> waiting.get(5, TimeUnit.SECONDS))
        .hasCauseInstanceOf(dev.thingbridge.mqtt.MqttClosedException.class);
    assertThatThrownBy(() -> shadow.sync().get(5, TimeUnit.SECONDS))
        .hasCauseInstanceOf(dev.thingbridge.mqtt.MqttClosedException.class);
  }
}
