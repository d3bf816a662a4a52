package dev.thingbridge.component;

import static dev.thingbridge.component.SiblingRig.GATEWAY;
import static dev.thingbridge.component.SiblingRig.SENSOR;
import static dev.thingbridge.component.SiblingRig.WAIT;
import static dev.thingbridge.component.SiblingRig.json;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import dev.thingbridge.sibling.LocalApiErrorCode;
import dev.thingbridge.sibling.LocalApiException;
import dev.thingbridge.sibling.ShadowDelta;
import dev.thingbridge.sibling.ThingBridgeClient;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code shadows.backend: shadowManager}: every shadow goes through aws.greengrass.ShadowManager's local shadows
 * (IPC GetThingShadow/UpdateThingShadow/DeleteThingShadow, deltas on local pub/sub), and the component opens no
 * shadow topic on IoT Core, so ShadowManager's own cloud sync is the only one. Switching the backend in a live
 * configuration moves every shadow at once.
 */
@Timeout(60)
class ShadowManagerBackendTest {
  @TempDir Path work;
  SiblingRig rig;

  @AfterEach
  void stop() throws Exception {
    rig.close();
  }

  private void start(String backend) throws Exception {
    rig = new SiblingRig(work, b -> b.shadowManager(true)
        .configuration("shadows", Map.of("backend", backend, "names", List.of("config"))));
    rig.startComponent();
  }

  private List<String> shadowStreamsOnIoTCore() {
    return rig.nucleus.openIoTCoreStreams().stream().filter(f -> f.contains("/shadow/")).toList();
  }

  @Test
  void kept_shadows_are_kept_in_shadowmanager_and_never_subscribed_on_iot_core() throws Exception {
    start("shadowManager");
    // At start the kept shadows were created locally from the component's state.
    await().atMost(WAIT).until(() -> rig.nucleus.localShadows().document(GATEWAY, "config") != null);
    assertThat(rig.nucleus.localShadows().calls()).anyMatch(c -> c.startsWith("GetThingShadow gw-1/config"));

    // ShadowManager's cloud sync brings a desired change: the component applies and acknowledges it locally.
    rig.nucleus.localShadows().update(GATEWAY, "config", "{\"state\":{\"desired\":{\"interval\":30}}}");
    await().atMost(WAIT).untilAsserted(() -> {
      JsonNode doc = rig.nucleus.localShadows().document(GATEWAY, "config");
      assertThat(doc.at("/state/reported/interval").asInt()).isEqualTo(30);
      assertThat(doc.at("/state/delta").isMissingNode()).isTrue();
    });

    // A sibling's shadow calls go to ShadowManager too.
    ThingBridgeClient sensor = rig.sibling(SENSOR);
    sensor.shadows().update(null, "env", null, json("{\"temp\":19}")).get(WAIT.toMillis(), TimeUnit.MILLISECONDS);
    assertThat(rig.nucleus.localShadows().document(GATEWAY, "env").at("/state/reported/temp").asInt()).isEqualTo(19);
    BlockingQueue<ShadowDelta> deltas = new LinkedBlockingQueue<>();
    sensor.shadows().watch(null, "env", deltas::add).get(WAIT.toMillis(), TimeUnit.MILLISECONDS);
    rig.nucleus.localShadows().update(GATEWAY, "env", "{\"state\":{\"desired\":{\"temp\":22}}}");
    ShadowDelta delta = deltas.poll(WAIT.toMillis(), TimeUnit.MILLISECONDS);
    assertThat(delta).isNotNull();
    assertThat(delta.state()).isEqualTo(json("{\"temp\":22}"));
    try {
      sensor.shadows().get(null, "missing").get(WAIT.toMillis(), TimeUnit.MILLISECONDS);
      throw new AssertionError("found a shadow that does not exist");
    } catch (ExecutionException e) {
      assertThat(((LocalApiException) e.getCause()).code()).isEqualTo(LocalApiErrorCode.NOT_FOUND);
    }

    // Nothing of it went to the cloud's shadow topics: ShadowManager syncs, not us.
    assertThat(shadowStreamsOnIoTCore()).isEmpty();
    assertThat(rig.nucleus.openIoTCoreStreams()).anyMatch(f -> f.contains("/jobs/"));
  }

  @Test
  void switching_the_backend_live_moves_every_shadow_without_a_restart() throws Exception {
    start("cloud");
    await().atMost(WAIT).until(() -> !shadowStreamsOnIoTCore().isEmpty());
    assertThat(rig.nucleus.localShadows().calls()).isEmpty();

    rig.nucleus.updateConfiguration(List.of("shadows", "backend"), "shadowManager");

    await().atMost(WAIT).untilAsserted(() -> {
      assertThat(rig.nucleus.localShadows().calls()).anyMatch(c -> c.startsWith("GetThingShadow gw-1/config"));
      assertThat(shadowStreamsOnIoTCore()).as("IoT Core shadow streams left open").isEmpty();
    });
  }
}
