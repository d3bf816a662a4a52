package dev.thingbridge.shadows;

import static dev.thingbridge.shadows.ManagerRig.PREFIX;
import static dev.thingbridge.shadows.ManagerRig.THING;
import static dev.thingbridge.shadows.ManagerRig.WAIT;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import dev.thingbridge.shadows.ManagerRig.Mcu;
import dev.thingbridge.shadows.store.ShadowStateStore;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The shadow manager end to end against the twin: discovery through the AWS SDK and the twin's HTTP API, desired
 * changes made through that API for 100 shadows at once, shadows created and deleted in the cloud after start,
 * and a broker restart that loses the session. Run over each transport by a subclass.
 */
abstract class ShadowManagerEndToEndContract {
  @TempDir
  Path dir;

  ManagerRig rig;

  abstract ManagerRig.Transport transport(Path dir) throws Exception;

  @BeforeEach
  void startRig() throws Exception {
    rig = new ManagerRig(transport(dir));
  }

  @AfterEach
  void stopRig() throws Exception {
    rig.close();
  }

  @Test
  void discovery_through_the_sdk_pages_through_250_shadows_and_leaves_other_prefixes_out() throws Exception {
    for (int i = 0; i < 250; i++) {
      rig.createInCloud(String.format("mcu-%03d", i), "{\"periodMs\":" + (1000 + i) + "}");
    }
    rig.createInCloud("other-1", "{\"periodMs\":7}");
    rig.createInCloud("mcu", "{\"periodMs\":7}");

    try (IotDataShadowDiscovery discovery = rig.discovery();
        ShadowManager<Mcu> manager = rig.manager().discovery(discovery).build()) {
      ShadowSyncReport report = manager.start().get(WAIT.toSeconds(), TimeUnit.SECONDS);

      assertThat(manager.ids()).hasSize(250).startsWith("000", "001").endsWith("249");
      assertThat(report.synced()).hasSize(250);
      assertThat(report.failed()).isEmpty();
      // Nothing was stored for them, so each adopted its cloud desired state although the delta was empty.
      assertThat(manager.state("249")).get().extracting(Mcu::periodMs).isEqualTo(1249);
      assertThat(rig.persisted("mcu-017").periodMs()).isEqualTo(1017);
      assertThat(rig.listener.added).hasSize(250);
    }
  }

  @Test
  void the_manager_follows_100_shadows_at_once() throws Exception {
    int n = 100;
    for (int i = 0; i < n; i++) {
      rig.createInCloud(PREFIX + i, "{\"periodMs\":1000,\"enabled\":false}");
    }
    try (IotDataShadowDiscovery discovery = rig.discovery();
        ShadowManager<Mcu> manager = rig.manager().discovery(discovery).build()) {
      manager.start().get(WAIT.toSeconds(), TimeUnit.SECONDS);
      assertThat(manager.ids()).hasSize(n);

      // As a fleet application would: concurrent UpdateThingShadow calls through the HTTP API.
      ExecutorService app = Executors.newFixedThreadPool(8);
      try {
        app.invokeAll(IntStream.range(0, n).<Callable<Object>>mapToObj(i -> () -> {
          rig.setDesired(PREFIX + i, "{\"periodMs\":" + (2000 + i) + ",\"enabled\":true,\"limits\":{\"t\":" + i + "}}");
          return null;
        }).toList()).forEach(f -> assertThat(f).succeedsWithin(WAIT));
      } finally {
        app.shutdown();
      }

      await().atMost(WAIT).untilAsserted(() -> IntStream.range(0, n).forEach(i ->
          assertThat(manager.state(String.valueOf(i))).get()
              .isEqualTo(new Mcu(2000 + i, true, Map.of("t", i)))));
      await().atMost(WAIT).untilAsserted(() -> IntStream.range(0, n).forEach(i -> {
        JsonNode doc = rig.cloud.get(THING, PREFIX + i);
        assertThat(doc.at("/state/delta").isMissingNode()).as("%s has no delta left", PREFIX + i).isTrue();
        assertThat(doc.at("/state/reported/periodMs").asInt()).isEqualTo(2000 + i);
      }));
      for (int i = 0; i < n; i++) {
        assertThat(rig.persisted(PREFIX + i)).isEqualTo(new Mcu(2000 + i, true, Map.of("t", i)));
        assertThat(rig.listener.applied(String.valueOf(i))).isEqualTo(1);
      }
      assertThat(rig.listener.problems).isEmpty();
    }
  }

  @Test
  void a_shadow_created_in_the_cloud_after_start_is_picked_up_from_its_first_delta() throws Exception {
    try (ShadowManager<Mcu> manager = rig.manager().build()) {
      manager.start().get(WAIT.toSeconds(), TimeUnit.SECONDS);
      assertThat(manager.ids()).isEmpty();

      rig.setDesired("mcu-new", "{\"periodMs\":250}");

      await().atMost(WAIT).until(() -> manager.isManaged("new"));
      assertThat(manager.state("new")).get().extracting(Mcu::periodMs).isEqualTo(250);
      await().atMost(WAIT).untilAsserted(() -> {
        JsonNode doc = rig.document("mcu-new");
        assertThat(doc.at("/state/delta").isMissingNode()).isTrue();
        // A new shadow's first acknowledgement reports the whole state, not only the field the delta named.
        assertThat(doc.at("/state/reported/enabled").asBoolean(true)).isFalse();
        assertThat(doc.at("/state/reported/periodMs").asInt()).isEqualTo(250);
      });
      assertThat(rig.listener.added).containsExactly("new");
    }
  }

  @Test
  void a_shadow_deleted_in_the_cloud_disappears_locally() throws Exception {
    rig.createInCloud("mcu-a", "{\"periodMs\":1}");
    rig.createInCloud("mcu-b", "{\"periodMs\":2}");
    try (IotDataShadowDiscovery discovery = rig.discovery();
        ShadowManager<Mcu> manager = rig.manager().discovery(discovery).build()) {
      manager.start().get(WAIT.toSeconds(), TimeUnit.SECONDS);
      assertThat(manager.ids()).containsExactly("a", "b");

      rig.sdk.deleteThingShadow(b -> b.thingName(THING).shadowName("mcu-a"));

      await().atMost(WAIT).until(() -> !manager.isManaged("a"));
      assertThat(rig.store.keys(ShadowStateStore.scopeOf(THING, "mcu-a") + "/")).isEmpty();
      assertThat(rig.store.keys(ShadowStateStore.scopeOf(THING, "mcu-b") + "/")).isNotEmpty();
      assertThat(rig.listener.removed).containsExactly("a:DELETED_IN_CLOUD");
      assertThat(manager.ids()).containsExactly("b");
    }
  }

  @Test
  void after_a_session_loss_every_shadow_is_fetched_again() throws Exception {
    for (String id : new String[] {"a", "b", "c"}) {
      rig.createInCloud(PREFIX + id, "{\"periodMs\":1000}");
    }
    try (IotDataShadowDiscovery discovery = rig.discovery();
        ShadowManager<Mcu> manager = rig.manager().discovery(discovery).build()) {
      manager.start().get(WAIT.toSeconds(), TimeUnit.SECONDS);
      // No waiting for the first-boot acknowledgements: one still in flight during the outage carries the
      // version it acknowledges and is refused if the shadow was deleted meanwhile.
      rig.transport.restartBrokerWithoutSessions(() -> {
        rig.cloud.update(THING, "mcu-a", bytes("{\"state\":{\"desired\":{\"periodMs\":11}}}"));
        rig.cloud.update(THING, "mcu-b", bytes("{\"state\":{\"desired\":{\"enabled\":true}}}"));
        rig.cloud.delete(THING, "mcu-c");
      });

      await().atMost(WAIT).untilAsserted(() -> {
        assertThat(manager.state("a")).get().extracting(Mcu::periodMs).isEqualTo(11);
        assertThat(manager.state("b")).get().extracting(Mcu::enabled).isEqualTo(true);
        assertThat(manager.isManaged("c")).isFalse();
      });
      await().atMost(WAIT).untilAsserted(() -> {
        assertThat(rig.document("mcu-a").at("/state/delta").isMissingNode()).isTrue();
        assertThat(rig.document("mcu-b").at("/state/delta").isMissingNode()).isTrue();
      });
      assertThat(rig.listener.removed).containsExactly("c:DELETED_IN_CLOUD");
    }
  }

  @Test
  void an_acknowledgement_held_through_an_outage_does_not_recreate_a_shadow_deleted_meanwhile() throws Exception {
    rig.createInCloud("mcu-c", "{\"periodMs\":1000}");
    try (IotDataShadowDiscovery discovery = rig.discovery();
        ShadowManager<Mcu> manager = rig.manager().discovery(discovery).build()) {
      manager.start().get(WAIT.toSeconds(), TimeUnit.SECONDS);
      await().atMost(WAIT).until(() -> rig.document("mcu-c").path("version").asLong() >= 2);

      // The link goes down right after a delta arrived: its acknowledgement waits in the client's queue, and the
      // cloud deletes the shadow meanwhile (the device does not hear of it).
      rig.device.holdPublishes();
      rig.setDesired("mcu-c", "{\"periodMs\":8}");
      await().atMost(WAIT).until(() -> manager.state("c").orElseThrow().periodMs() == 8
          && rig.device.heldPublishes() > 0);
      rig.device.dropDeliveries();
      rig.sdk.deleteThingShadow(b -> b.thingName(THING).shadowName("mcu-c"));
      rig.device.goOnline();

      await().atMost(WAIT).until(() -> !manager.isManaged("c"));
      assertThat(rig.listener.removed).containsExactly("c:DELETED_IN_CLOUD");
      assertThat(rig.cloud.listNamedShadows(THING)).as("the late acknowledgement was refused").isEmpty();
    }
  }

  static byte[] bytes(String json) {
    return json.getBytes(StandardCharsets.UTF_8);
  }
}
