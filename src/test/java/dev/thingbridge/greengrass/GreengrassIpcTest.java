package dev.thingbridge.greengrass;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import dev.thingbridge.testing.nucleus.AccessControl;
import dev.thingbridge.testing.nucleus.AccessControlProbe;
import dev.thingbridge.testing.nucleus.FakeNucleus;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** The component-side IPC calls against the fake nucleus. */
@Timeout(60)
class GreengrassIpcTest {
  private IpcFixture fixture;
  private GreengrassIpc ipc;
  private IpcLifecycle lifecycle;

  @BeforeEach
  void setUp() throws Exception {
    fixture = new IpcFixture();
    ipc = fixture.connectIpc();
    lifecycle = ipc.lifecycle();
  }

  @AfterEach
  void tearDown() throws Exception {
    fixture.close();
  }

  @Test
  void a_wrong_token_is_refused_with_unauthorized() {
    assertThatThrownBy(() -> GreengrassIpc.builder().socketPath(fixture.nucleus.socketPath()).authToken("wrong")
        .connect())
        .isInstanceOfSatisfying(GreengrassIpcException.class,
            e -> assertThat(e.kind()).isEqualTo(GreengrassIpcException.Kind.UNAUTHORIZED));
  }

  @Test
  void configuration_numbers_come_back_integral_and_a_leaf_comes_back_under_its_name() throws Exception {
    fixture.nucleus.updateConfiguration(List.of("connection", "port"), 8883);
    fixture.nucleus.updateConfiguration(List.of("ratio"), 0.25);

    Map<String, Object> all = lifecycle.configuration(List.of()).get(5, TimeUnit.SECONDS);
    Map<String, Object> leaf = lifecycle.configuration(List.of("connection", "port")).get(5, TimeUnit.SECONDS);

    assertThat(all).containsEntry("ratio", 0.25).containsKey("mqtt");
    assertThat(leaf).containsExactly(Map.entry("port", 8883L));
    assertThatThrownBy(() -> lifecycle.configuration(List.of("missing")).get(5, TimeUnit.SECONDS))
        .cause().isInstanceOfSatisfying(GreengrassIpcException.class,
            e -> assertThat(e.kind()).isEqualTo(GreengrassIpcException.Kind.NOT_FOUND));
  }

  @Test
  void configuration_updates_arrive_as_key_paths_and_survive_a_reconnect() throws Exception {
    List<List<String>> changed = new CopyOnWriteArrayList<>();
    lifecycle.subscribeToConfigurationUpdate(List.of(), changed::add).get(5, TimeUnit.SECONDS);

    fixture.nucleus.updateConfiguration(List.of("logLevel"), "debug");
    await().atMost(Duration.ofSeconds(10)).until(() -> changed.contains(List.of("logLevel")));

    fixture.nucleus.dropConnections();
    await().atMost(Duration.ofSeconds(10)).until(() -> ipc.isConnected() && fixture.nucleus.connectionCount() == 1);
    // The stream is reopened a moment after the connection: a change made before that reaches nobody, as
    // with a real nucleus, so the deployment is repeated until the renewed subscription hears one.
    await().atMost(Duration.ofSeconds(20)).pollInterval(Duration.ofMillis(200)).until(() -> {
      fixture.nucleus.updateConfiguration(List.of("mqtt", "operationTimeoutSeconds"), "3");
      return changed.contains(List.of("mqtt", "operationTimeoutSeconds"));
    });
  }

  @Test
  void update_state_is_recorded_by_the_nucleus() throws Exception {
    lifecycle.updateState(ComponentState.RUNNING).get(5, TimeUnit.SECONDS);
    fixture.nucleus.awaitState("RUNNING", Duration.ofSeconds(5));
    assertThat(fixture.nucleus.reportedStates()).containsExactly("RUNNING");
  }

  @Test
  void deferring_an_update_needs_a_component_update_subscription_first() throws Exception {
    assertThatThrownBy(() -> lifecycle.deferComponentUpdate("d-1", "flashing", Duration.ofSeconds(30))
        .get(5, TimeUnit.SECONDS))
        .cause().isInstanceOfSatisfying(GreengrassIpcException.class,
            e -> assertThat(e.kind()).isEqualTo(GreengrassIpcException.Kind.INVALID_ARGUMENTS));

    List<ComponentUpdateEvent> events = new CopyOnWriteArrayList<>();
    lifecycle.subscribeToComponentUpdates(events::add).get(5, TimeUnit.SECONDS);
    fixture.nucleus.announceComponentUpdate("d-2", false);
    await().atMost(Duration.ofSeconds(10)).until(() -> !events.isEmpty());
    lifecycle.deferComponentUpdate("d-2", "flashing", Duration.ofSeconds(30)).get(5, TimeUnit.SECONDS);

    assertThat(events).containsExactly(new ComponentUpdateEvent("d-2", true, false));
    assertThat(fixture.nucleus.deferrals()).containsExactly(new FakeNucleus.Deferral("d-2", "flashing", 30_000));
  }

  @Test
  void local_pub_sub_carries_binary_and_json_messages() throws Exception {
    List<LocalTopicMessage> got = new CopyOnWriteArrayList<>();
    lifecycle.subscribeToTopic("thingbridge/req", got::add).get(5, TimeUnit.SECONDS);

    lifecycle.publishToTopic("thingbridge/req", "bin".getBytes(StandardCharsets.UTF_8)).get(5, TimeUnit.SECONDS);
    fixture.nucleus.publishLocalJson("thingbridge/req", Map.of("n", 12));

    await().atMost(Duration.ofSeconds(10)).until(() -> got.size() == 2);
    assertThat(got.get(0).payloadAsString()).isEqualTo("bin");
    assertThat(got.get(0).json()).isFalse();
    assertThat(got.get(1).payloadAsString()).isEqualTo("{\"n\":12}");
    assertThat(got.get(1).json()).isTrue();
    assertThatThrownBy(() -> lifecycle.publishToTopic("elsewhere/x", new byte[1]).get(5, TimeUnit.SECONDS))
        .cause().isInstanceOfSatisfying(GreengrassIpcException.class,
            e -> assertThat(e.kind()).isEqualTo(GreengrassIpcException.Kind.UNAUTHORIZED));
  }

  @Test
  void access_control_matches_mqtt_style_for_mqttproxy_and_glob_for_pubsub() {
    AccessControl ac = new AccessControl()
        .grant(AccessControl.MQTT_PROXY, List.of("*"), List.of("$aws/things/+/shadow/*", "a/+/c"))
        .grant(AccessControl.PUB_SUB, List.of("*"), List.of("thingbridge/*"));
    assertThat(AccessControlProbe.allows(ac, AccessControl.MQTT_PROXY, "$aws/things/t/shadow/get/accepted")).isTrue();
    assertThat(AccessControlProbe.allows(ac, AccessControl.MQTT_PROXY, "a/b/c")).isTrue();
    assertThat(AccessControlProbe.allows(ac, AccessControl.MQTT_PROXY, "a/#")).isFalse();
    assertThat(AccessControlProbe.allows(ac, AccessControl.MQTT_PROXY, "a/b/d")).isFalse();
    assertThat(AccessControlProbe.allows(ac, AccessControl.PUB_SUB, "thingbridge/x/y")).isTrue();
    assertThat(AccessControlProbe.allows(ac, AccessControl.PUB_SUB, "other/x")).isFalse();
  }
}
