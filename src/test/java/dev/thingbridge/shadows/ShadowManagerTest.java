package dev.thingbridge.shadows;

import static dev.thingbridge.shadows.ManagerRig.THING;
import static dev.thingbridge.shadows.ManagerRig.WAIT;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import dev.thingbridge.mqtt.MqttClient;
import dev.thingbridge.mqtt.QoS;
import dev.thingbridge.mqtt.local.LocalBroker;
import dev.thingbridge.shadows.ManagerRig.Mcu;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The shadow manager's routing and bookkeeping, against the twin on the in-process bus: which messages reach
 * which shadow, which are skipped (other prefixes, own echoes, stale versions, stale deletes), rejected deltas,
 * the per-shadow operations, and what start does with the local store.
 */
class ShadowManagerTest {
  private LocalBroker broker;
  private MqttClient cloudSide;
  private ManagerRig rig;

  @BeforeEach
  void start() throws Exception {
    broker = new LocalBroker();
    cloudSide = broker.connect("raw-cloud");
    rig = new ManagerRig(ManagerRig.Transport.onBus(broker));
  }

  @AfterEach
  void stop() throws Exception {
    rig.close();
    cloudSide.close();
  }

  private ShadowManager<Mcu> started(ShadowManager.Builder<Mcu> builder) throws Exception {
    ShadowManager<Mcu> manager = builder.build();
    manager.start().get(WAIT.toSeconds(), TimeUnit.SECONDS);
    return manager;
  }

  private void raw(String topic, String json) throws Exception {
    cloudSide.publish(topic, json.getBytes(StandardCharsets.UTF_8), QoS.AT_LEAST_ONCE, false)
        .get(5, TimeUnit.SECONDS);
  }

  private static String delta(String shadow) {
    return "$aws/things/" + THING + "/shadow/name/" + shadow + "/update/delta";
  }

  private void desired(String shadow, String json) {
    rig.cloud.update(THING, shadow, ("{\"state\":{\"desired\":" + json + "},\"clientToken\":\"app\"}")
        .getBytes(StandardCharsets.UTF_8));
  }

  @Test
  void deltas_of_other_prefixes_other_things_and_the_classic_shadow_are_ignored() throws Exception {
    try (ShadowManager<Mcu> manager = started(rig.manager())) {
      desired("sensor-1", "{\"periodMs\":5}");
      rig.cloud.update("gw-2", "mcu-1", "{\"state\":{\"desired\":{\"periodMs\":5}}}".getBytes(StandardCharsets.UTF_8));
      rig.cloud.update(THING, null, "{\"state\":{\"desired\":{\"periodMs\":5}}}".getBytes(StandardCharsets.UTF_8));
      raw(delta("mcu-"), "{\"state\":{\"periodMs\":5},\"version\":1}");
      desired("mcu-1", "{\"periodMs\":6}");

      await().atMost(WAIT).until(() -> manager.isManaged("1"));
      assertThat(manager.ids()).containsExactly("1");
      assertThat(rig.listener.added).containsExactly("1");
      assertThat(rig.listener.threads).allMatch(t -> t.startsWith("thingbridge-shadows-manager-"));
    }
  }

  @Test
  void a_delta_older_than_one_applied_or_repeated_is_skipped() throws Exception {
    try (ShadowManager<Mcu> manager = started(rig.manager())) {
      // These deltas are forged and the twin has no mcu-7: silence the twin, so that the fetch the first delta
      // triggers cannot race the test with a 404 that removes the shadow.
      rig.twin.twin().close();
      raw(delta("mcu-7"), "{\"state\":{\"periodMs\":10},\"version\":10}");
      raw(delta("mcu-7"), "{\"state\":{\"periodMs\":9},\"version\":9}");
      raw(delta("mcu-7"), "{\"state\":{\"periodMs\":11},\"version\":10}");
      raw(delta("mcu-7"), "{\"state\":{\"periodMs\":12},\"version\":11}");
      raw(delta("mcu-7"), "{\"state\":{}, \"version\":12}");
      raw(delta("mcu-7"), "[\"not a delta\"]");

      await().atMost(WAIT).until(() -> rig.listener.applied("7") == 2);
      assertThat(rig.listener.applied).containsExactly("7:{\"periodMs\":10}", "7:{\"periodMs\":12}");
      assertThat(manager.state("7")).get().extracting(Mcu::periodMs).isEqualTo(12);
      await().atMost(WAIT).until(() -> rig.listener.problems.size() == 1);
      assertThat(rig.listener.problems.get(0)).contains("malformed");
    }
  }

  @Test
  void a_rejected_delta_names_its_path_keeps_the_state_and_is_not_looped_by_the_managers_own_updates()
      throws Exception {
    try (ShadowManager<Mcu> manager = started(rig.manager())) {
      desired("mcu-1", "{\"periodMs\":5}");
      await().atMost(WAIT).until(() -> rig.listener.applied("1") == 1);

      desired("mcu-1", "{\"limits\":{\"t\":\"hot\"}}");
      await().atMost(WAIT).until(() -> rig.listener.rejected.size() == 1);
      assertThat(rig.listener.rejected).containsExactly("1:WRONG_TYPE:/limits/t");
      assertThat(manager.state("1")).get().isEqualTo(new Mcu(5, false, Map.of()));

      // Our own report leaves the bad desired key in the delta; the twin re-sends that delta with our token.
      manager.updateReported("1", s -> new Mcu(s.periodMs(), true, s.limits())).get(5, TimeUnit.SECONDS);
      desired("mcu-1", "{\"periodMs\":6,\"limits\":{\"t\":3}}");
      await().atMost(WAIT).until(() -> manager.state("1").orElseThrow().periodMs() == 6);
      assertThat(manager.state("1")).get().isEqualTo(new Mcu(6, true, Map.of("t", 3)));
      assertThat(rig.listener.rejected).hasSize(1);
    }
  }

  @Test
  void with_clear_rejected_desired_the_offending_key_leaves_the_cloud_desired_state() throws Exception {
    try (ShadowManager<Mcu> manager = started(rig.manager().clearRejectedDesired(true))) {
      desired("mcu-1", "{\"periodMs\":5,\"colour\":\"red\"}");

      await().atMost(WAIT).until(() -> rig.listener.rejected.size() == 1);
      assertThat(rig.listener.rejected).containsExactly("1:UNKNOWN_FIELD:/colour");
      await().atMost(WAIT).until(() -> rig.cloud.get(THING, "mcu-1").at("/state/desired/colour").isMissingNode());
      // Nothing blocks the rest: the next delta holds only periodMs and applies.
      await().atMost(WAIT).until(() -> manager.state("1").orElseThrow().periodMs() == 5);
    }
  }

  @Test
  void ignoring_unknown_fields_applies_what_the_type_knows() throws Exception {
    try (ShadowManager<Mcu> manager = started(rig.manager().ignoreUnknownFields(true))) {
      desired("mcu-1", "{\"periodMs\":5,\"colour\":\"red\"}");

      await().atMost(WAIT).until(() -> manager.isManaged("1") && manager.state("1").orElseThrow().periodMs() == 5);
      assertThat(rig.listener.rejected).isEmpty();
    }
  }

  @Test
  void a_delete_older_than_the_applied_version_is_ignored_and_a_current_one_removes_the_shadow()
      throws Exception {
    try (ShadowManager<Mcu> manager = started(rig.manager())) {
      manager.add("3").get(5, TimeUnit.SECONDS);
      // Forged versions the twin's document never had: silence the twin, or it would refuse their (versioned)
      // acknowledgements and the refetch would rightly take the numbering back to the twin's.
      rig.twin.twin().close();
      raw(delta("mcu-3"), "{\"state\":{\"periodMs\":10},\"version\":10}");
      await().atMost(WAIT).until(() -> rig.listener.applied("3") == 1);

      raw("$aws/things/gw-1/shadow/name/mcu-3/delete/accepted", "{\"version\":4,\"timestamp\":1}");
      raw(delta("mcu-3"), "{\"state\":{\"periodMs\":11},\"version\":11}");
      await().atMost(WAIT).until(() -> rig.listener.applied("3") == 2);
      assertThat(manager.isManaged("3")).isTrue();

      raw("$aws/things/gw-1/shadow/name/mcu-3/delete/accepted", "{\"version\":11,\"timestamp\":1}");
      await().atMost(WAIT).until(() -> !manager.isManaged("3"));
      assertThat(rig.listener.removed).containsExactly("3:DELETED_IN_CLOUD");
      assertThat(rig.store.keys("gw-1~mcu-3/")).isEmpty();
    }
  }

  @Test
  void add_creates_a_missing_document_from_the_whole_local_state() throws Exception {
    try (ShadowManager<Mcu> manager = started(rig.manager())) {
      Mcu state = manager.add("9").get(5, TimeUnit.SECONDS);

      assertThat(state).isEqualTo(new Mcu(1000, false, Map.of()));
      JsonNode doc = rig.cloud.get(THING, "mcu-9");
      assertThat(doc.at("/state/desired/periodMs").asInt()).isEqualTo(1000);
      assertThat(doc.at("/state/reported/enabled").isBoolean()).isTrue();
      assertThat(doc.at("/state/delta").isMissingNode()).isTrue();
      assertThat(manager.ids()).containsExactly("9");
      assertThatThrownBy(() -> manager.add("bad/id")).isInstanceOf(IllegalArgumentException.class);
    }
  }

  @Test
  void update_reported_and_update_desired_persist_and_leave_no_delta() throws Exception {
    try (ShadowManager<Mcu> manager = started(rig.manager())) {
      manager.add("1").get(5, TimeUnit.SECONDS);

      // A map entry only the device has: reported, and no delta (keys only in reported never make one).
      manager.updateReported("1", s -> new Mcu(s.periodMs(), s.enabled(), Map.of("a", 1))).get(5, TimeUnit.SECONDS);
      JsonNode doc = rig.cloud.get(THING, "mcu-1");
      assertThat(doc.at("/state/reported/limits/a").asInt()).isEqualTo(1);
      assertThat(doc.at("/state/delta").isMissingNode()).as(doc.toString()).isTrue();

      manager.updateDesired("1", s -> new Mcu(300, true, Map.of())).get(5, TimeUnit.SECONDS);
      doc = rig.cloud.get(THING, "mcu-1");
      assertThat(doc.at("/state/desired/periodMs").asInt()).isEqualTo(300);
      assertThat(doc.at("/state/desired/enabled").asBoolean()).isTrue();
      assertThat(doc.at("/state/reported/periodMs").asInt()).isEqualTo(300);
      assertThat(doc.at("/state/reported/limits/a").isMissingNode()).as(doc.toString()).isTrue();
      assertThat(doc.at("/state/delta").isMissingNode()).as(doc.toString()).isTrue();
      assertThat(rig.persisted("mcu-1")).isEqualTo(new Mcu(300, true, Map.of()));
    }
  }

  @Test
  void delete_removes_the_shadow_in_the_cloud_and_locally_and_unmanaged_ids_are_refused() throws Exception {
    try (ShadowManager<Mcu> manager = started(rig.manager())) {
      manager.add("1").get(5, TimeUnit.SECONDS);

      manager.delete("1").get(5, TimeUnit.SECONDS);

      assertThat(manager.isManaged("1")).isFalse();
      assertThat(rig.cloud.listNamedShadows(THING)).isEmpty();
      assertThat(rig.store.keys("gw-1~mcu-1/")).isEmpty();
      assertThat(rig.listener.removed).containsExactly("1:DELETED_BY_DEVICE");
      for (var op : List.<java.util.concurrent.Callable<?>>of(
          () -> manager.sync("1").get(5, TimeUnit.SECONDS),
          () -> manager.delete("1").get(5, TimeUnit.SECONDS),
          () -> manager.updateReported("1", s -> s).get(5, TimeUnit.SECONDS))) {
        assertThatThrownBy(op::call).isInstanceOf(ExecutionException.class)
            .cause().isInstanceOfSatisfying(ShadowException.class,
                e -> assertThat(e.code()).isEqualTo(ShadowErrorCode.NOT_MANAGED));
      }
    }
  }

  @Test
  void sync_of_a_shadow_the_cloud_deleted_fails_and_removes_it() throws Exception {
    try (ShadowManager<Mcu> manager = started(rig.manager())) {
      manager.add("1").get(5, TimeUnit.SECONDS);
      // Deleted behind the device's back: no /delete/accepted reaches it.
      rig.transport.restartBrokerWithoutSessions(() -> rig.cloud.delete(THING, "mcu-1"));
      await().atMost(WAIT).until(() -> !manager.isManaged("1"));
      assertThat(rig.listener.removed).containsExactly("1:DELETED_IN_CLOUD");

      manager.add("2").get(5, TimeUnit.SECONDS);
      rig.cloud.delete(THING, "mcu-2");
      await().atMost(WAIT).until(() -> !manager.isManaged("2"));
      assertThatThrownBy(() -> manager.sync("2").get(5, TimeUnit.SECONDS)).cause()
          .isInstanceOfSatisfying(ShadowException.class,
              e -> assertThat(e.code()).isEqualTo(ShadowErrorCode.NOT_MANAGED));
    }
  }

  @Test
  void start_without_discovery_resumes_the_shadows_found_in_the_store() throws Exception {
    try (ShadowManager<Mcu> first = started(rig.manager())) {
      desired("mcu-1", "{\"periodMs\":5}");
      desired("mcu-10", "{\"periodMs\":50}");
      await().atMost(WAIT).until(() -> rig.listener.applied("1") == 1 && rig.listener.applied("10") == 1);
    }
    RecordingManagerListener<Mcu> second = new RecordingManagerListener<>();
    try (ShadowManager<Mcu> manager = started(rig.manager().listener(second))) {
      assertThat(manager.ids()).containsExactly("1", "10");
      assertThat(manager.state("10")).get().extracting(Mcu::periodMs).isEqualTo(50);
      assertThat(second.applied).isEmpty();
    }
  }

  @Test
  void start_with_discovery_removes_local_shadows_the_cloud_no_longer_has() throws Exception {
    try (ShadowManager<Mcu> first = started(rig.manager())) {
      desired("mcu-1", "{\"periodMs\":5}");
      desired("mcu-2", "{\"periodMs\":6}");
      await().atMost(WAIT).until(() -> rig.listener.applied("1") == 1 && rig.listener.applied("2") == 1);
    }
    rig.cloud.delete(THING, "mcu-1");
    RecordingManagerListener<Mcu> second = new RecordingManagerListener<>();
    try (ShadowManager<Mcu> manager = started(rig.manager().listener(second)
        .discovery(thing -> rig.cloud.listNamedShadows(thing)))) {
      assertThat(manager.ids()).containsExactly("2");
      assertThat(second.removed).containsExactly("1:ABSENT_FROM_CLOUD");
      assertThat(rig.store.keys("gw-1~mcu-1/")).isEmpty();
      assertThat(manager.state("2")).get().extracting(Mcu::periodMs).isEqualTo(6);
    }
  }

  @Test
  void a_failed_discovery_is_reported_and_the_local_shadows_are_kept() throws Exception {
    try (ShadowManager<Mcu> first = started(rig.manager())) {
      desired("mcu-1", "{\"periodMs\":5}");
      await().atMost(WAIT).until(() -> rig.listener.applied("1") == 1);
    }
    RecordingManagerListener<Mcu> second = new RecordingManagerListener<>();
    try (ShadowManager<Mcu> manager = started(rig.manager().listener(second).discovery(thing -> {
      throw new java.io.IOException("no route to host");
    }))) {
      assertThat(manager.ids()).containsExactly("1");
      assertThat(second.problems).anyMatch(p -> p.contains("discovery failed") && p.contains("no route to host"));
    }
  }
}
