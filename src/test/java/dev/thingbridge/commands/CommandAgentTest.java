package dev.thingbridge.commands;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import dev.thingbridge.mqtt.MessageProperties;
import dev.thingbridge.mqtt.MqttClient;
import dev.thingbridge.mqtt.MqttMessage;
import dev.thingbridge.mqtt.QoS;
import dev.thingbridge.mqtt.Subscription;
import dev.thingbridge.mqtt.SubscriptionFilter;
import dev.thingbridge.mqtt.SubscriptionListener;
import dev.thingbridge.mqtt.local.LocalBroker;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class CommandAgentTest {
  record Action(String action, int value) {}

  /** The cloud side in miniature: starts executions, records updates, answers like AWS. */
  static final class FakeCommandsCloud implements AutoCloseable {
    final MqttClient mqtt;
    final Map<String, String> status = new ConcurrentHashMap<>();
    final List<CommandUpdate> updates = new CopyOnWriteArrayList<>();
    final List<CommandFormat> formats = new CopyOnWriteArrayList<>();
    final Subscription sub;

    FakeCommandsCloud(MqttClient mqtt) throws Exception {
      this.mqtt = mqtt;
      this.sub = mqtt.subscribe(List.of(SubscriptionFilter.of("$aws/commands/+/+/executions/+/response/+",
          QoS.AT_LEAST_ONCE)), new SubscriptionListener() {
            @Override
            public void onMessage(MqttMessage m) {
              handle(m);
            }
          }).get(5, TimeUnit.SECONDS);
    }

    void start(String prefix, String id, CommandFormat format, byte[] payload) {
      status.put(id, "CREATED");
      String topic = prefix + "/executions/" + id + "/request" + (format == null ? "" : "/" + format.suffix());
      mqtt.publish(new MqttMessage(topic, payload, QoS.AT_LEAST_ONCE, false,
          MessageProperties.builder().contentType(format == null ? "application/octet-stream" : format.contentType())
              .messageExpirySeconds(9L).build()));
    }

    private synchronized void handle(MqttMessage m) {
      CommandTopic t = CommandTopics.parse(m.topic()).orElseThrow();
      CommandUpdate u = CommandCodec.decodeUpdate(m.payload(), t.format());
      updates.add(u);
      formats.add(t.format());
      String base = m.topic().substring(0, m.topic().lastIndexOf("/response/")) + "/response/";
      String current = status.getOrDefault(t.executionId(), "CREATED");
      if (List.of("SUCCEEDED", "FAILED", "REJECTED").contains(current)) {
        reply(base + "rejected/" + t.format().suffix(), t.format(), Map.of("error", "TERMINAL_STATE_REACHED",
            "errorMessage", "already " + current, "executionId", t.executionId()));
        return;
      }
      status.put(t.executionId(), u.status().name());
      reply(base + "accepted/" + t.format().suffix(), t.format(), Map.of("executionId", t.executionId()));
    }

    private void reply(String topic, CommandFormat format, Map<String, String> body) {
      try {
        mqtt.publish(MqttMessage.of(topic, format.mapper().writeValueAsBytes(body), QoS.AT_LEAST_ONCE));
      } catch (Exception e) {
        throw new IllegalStateException(e);
      }
    }

    @Override
    public void close() {
      sub.close();
    }
  }

  private final LocalBroker broker = new LocalBroker();
  private final MqttClient device = broker.connect("pump-3");
  private final MqttClient cloudClient = broker.connect("cloud");
  private final List<AutoCloseable> closeables = new CopyOnWriteArrayList<>();
  private FakeCommandsCloud cloud;

  @AfterEach
  void tearDown() throws Exception {
    for (AutoCloseable c : closeables) {
      c.close();
    }
    if (cloud != null) {
      cloud.close();
    }
    device.close();
    cloudClient.close();
  }

  private <T> CommandAgent<T> start(CommandAgent.Builder<T> b) throws Exception {
    if (cloud == null) {
      cloud = new FakeCommandsCloud(cloudClient);
    }
    CommandAgent<T> agent = b.build();
    closeables.add(agent);
    agent.start().get(5, TimeUnit.SECONDS);
    return agent;
  }

  private static CommandHandler<Action> echo(List<CommandRequest<Action>> seen) {
    return req -> {
      seen.add(req);
      return CommandOutcome.succeeded(Map.of("echoed", CommandResultValue.of(req.payload().action()),
          "raw", CommandResultValue.of(new byte[] {9, 8})));
    };
  }

  @Test
  void a_json_command_runs_once_and_reaches_succeeded_with_its_result() throws Exception {
    List<CommandRequest<Action>> seen = new CopyOnWriteArrayList<>();
    start(CommandAgent.builder(device, Action.class, echo(seen)));
    byte[] payload = "{\"action\":\"echo\",\"value\":42}".getBytes(StandardCharsets.UTF_8);
    cloud.start("$aws/commands/things/pump-3", "e1", CommandFormat.JSON, payload);
    cloud.start("$aws/commands/things/pump-3", "e1", CommandFormat.JSON, payload); // QoS 1 re-delivery
    await().until(() -> "SUCCEEDED".equals(cloud.status.get("e1")));
    assertThat(seen).singleElement().satisfies(r -> {
      assertThat(r.executionId()).isEqualTo("e1");
      assertThat(r.payload()).isEqualTo(new Action("echo", 42));
      assertThat(r.timeoutIfKnown()).isPresent();
    });
    assertThat(cloud.updates).extracting(CommandUpdate::status)
        .containsExactly(CommandStatus.IN_PROGRESS, CommandStatus.SUCCEEDED);
    assertThat(cloud.updates.get(1).result()).containsEntry("echoed", CommandResultValue.of("echo"))
        .containsEntry("raw", CommandResultValue.of(new byte[] {9, 8}));
  }

  @Test
  void json_and_cbor_agents_run_side_by_side_in_one_process() throws Exception {
    List<CommandRequest<Action>> json = new CopyOnWriteArrayList<>();
    List<CommandRequest<Action>> cbor = new CopyOnWriteArrayList<>();
    start(CommandAgent.builder(device, Action.class, echo(json)));
    start(CommandAgent.builder(device, Action.class, echo(cbor)).format(CommandFormat.CBOR));
    cloud.start("$aws/commands/things/pump-3", "c1", CommandFormat.CBOR,
        CommandFormat.CBOR.mapper().writeValueAsBytes(Map.of("action", "stop", "value", 1)));
    await().until(() -> "SUCCEEDED".equals(cloud.status.get("c1")));
    assertThat(cbor).singleElement().satisfies(r -> assertThat(r.payload().action()).isEqualTo("stop"));
    assertThat(json).isEmpty();
    assertThat(cloud.formats).containsOnly(CommandFormat.CBOR);
  }

  @Test
  void a_command_for_a_plain_mqtt_client_uses_the_clients_topics() throws Exception {
    List<CommandRequest<Action>> seen = new CopyOnWriteArrayList<>();
    start(CommandAgent.builder(device, Action.class, echo(seen)).client("pump-3"));
    cloud.start("$aws/commands/clients/pump-3", "k1", CommandFormat.JSON,
        "{\"action\":\"a\",\"value\":0}".getBytes(StandardCharsets.UTF_8));
    await().until(() -> "SUCCEEDED".equals(cloud.status.get("k1")));
  }

  @Test
  void a_malformed_payload_is_rejected_with_a_reason_and_the_agent_keeps_serving() throws Exception {
    List<CommandRequest<Action>> seen = new CopyOnWriteArrayList<>();
    start(CommandAgent.builder(device, Action.class, echo(seen)));
    cloud.start("$aws/commands/things/pump-3", "bad", CommandFormat.JSON, "{\"action\":".getBytes(StandardCharsets.UTF_8));
    cloud.start("$aws/commands/things/pump-3", "good", CommandFormat.JSON,
        "{\"action\":\"go\",\"value\":1}".getBytes(StandardCharsets.UTF_8));
    await().until(() -> "SUCCEEDED".equals(cloud.status.get("good")) && "REJECTED".equals(cloud.status.get("bad")));
    CommandUpdate rejected = cloud.updates.stream().filter(u -> "bad".equals(u.executionId())).findFirst().orElseThrow();
    assertThat(rejected.statusReason().reasonCode()).isEqualTo("INVALID_PAYLOAD");
    assertThat(rejected.statusReason().reasonDescription()).contains("Action");
    assertThat(seen).hasSize(1);
  }

  @Test
  void a_failing_handler_reports_failed_with_a_reason() throws Exception {
    start(CommandAgent.builder(device, Action.class, req -> {
      throw new IllegalStateException("valve stuck\nat 40%");
    }));
    cloud.start("$aws/commands/things/pump-3", "f1", CommandFormat.JSON,
        "{\"action\":\"open\",\"value\":1}".getBytes(StandardCharsets.UTF_8));
    await().until(() -> "FAILED".equals(cloud.status.get("f1")));
    assertThat(cloud.updates.get(cloud.updates.size() - 1).statusReason())
        .isEqualTo(new CommandStatusReason("HANDLER_ERROR", "valve stuck at 40%"));
  }

  @Test
  void a_raw_payload_is_handed_over_with_its_content_type() throws Exception {
    List<CommandRequest<Action>> seen = new CopyOnWriteArrayList<>();
    start(CommandAgent.builder(device, Action.class, req -> {
      seen.add(req);
      return CommandOutcome.succeeded(Map.of());
    }).acceptRaw(true));
    cloud.start("$aws/commands/things/pump-3", "r1", null, new byte[] {0, 1, 2});
    await().until(() -> "SUCCEEDED".equals(cloud.status.get("r1")));
    assertThat(seen).singleElement().satisfies(r -> {
      assertThat(r.payload()).isNull();
      assertThat(r.rawPayload()).containsExactly(0, 1, 2);
      assertThat(r.contentType()).isEqualTo("application/octet-stream");
    });
  }

  @Test
  void a_terminal_status_after_the_clouds_timed_out_is_sent_and_accepted() throws Exception {
    CommandAgent<Action> agent = start(CommandAgent.builder(device, Action.class, req -> CommandOutcome.succeeded(Map.of()))
        .reportInProgress(false));
    cloud.status.put("late", "TIMED_OUT");
    agent.succeed("late", Map.of("done", CommandResultValue.of(true))).get(5, TimeUnit.SECONDS);
    assertThat(cloud.status.get("late")).isEqualTo("SUCCEEDED");
  }

  @Test
  void a_rejection_surfaces_the_clouds_error_code() throws Exception {
    CommandAgent<Action> agent = start(CommandAgent.builder(device, Action.class, req -> CommandOutcome.succeeded(Map.of())));
    cloud.status.put("done", "SUCCEEDED");
    assertThatThrownBy(() -> agent.reject("done", CommandStatusReason.of("TOO_LATE")).get(5, TimeUnit.SECONDS))
        .isInstanceOf(ExecutionException.class).cause()
        .isInstanceOfSatisfying(CommandException.class, e -> {
          assertThat(e.code()).isEqualTo(CommandErrorCode.TERMINAL_STATE_REACHED);
          assertThat(e.executionId()).isEqualTo("done");
        });
  }

  @Test
  void executions_run_concurrently() throws Exception {
    AtomicInteger inside = new AtomicInteger();
    AtomicInteger maxInside = new AtomicInteger();
    java.util.concurrent.CountDownLatch both = new java.util.concurrent.CountDownLatch(2);
    start(CommandAgent.builder(device, Action.class, req -> {
      maxInside.accumulateAndGet(inside.incrementAndGet(), Math::max);
      both.countDown();
      both.await(5, TimeUnit.SECONDS);
      inside.decrementAndGet();
      return CommandOutcome.succeeded(Map.of());
    }));
    for (String id : List.of("p1", "p2")) {
      cloud.start("$aws/commands/things/pump-3", id, CommandFormat.JSON,
          "{\"action\":\"x\",\"value\":0}".getBytes(StandardCharsets.UTF_8));
    }
    await().until(() -> "SUCCEEDED".equals(cloud.status.get("p1")) && "SUCCEEDED".equals(cloud.status.get("p2")));
    assertThat(maxInside.get()).isEqualTo(2);
  }

  @Test
  void updates_of_one_execution_go_out_one_at_a_time_so_each_reply_answers_the_update_in_flight() throws Exception {
    // The Commands API has no client token: a reply names only the execution. With two updates in flight,
    // an accepted reply for the second arriving before the rejected reply for the first would be taken as
    // the answer to the first.
    CommandAgent<Action> agent = CommandAgent.builder(device, Action.class, req -> CommandOutcome.succeeded(Map.of()))
        .thing("pump-3").build();
    closeables.add(agent);
    Subscription updates = cloudClient.subscribe("$aws/commands/things/pump-3/executions/+/response/json",
        QoS.AT_LEAST_ONCE).get(5, TimeUnit.SECONDS);
    closeables.add(updates);
    String base = "$aws/commands/things/pump-3/executions/e1/response/";

    var inProgress = agent.reportInProgress("e1");
    var succeeded = agent.succeed("e1", Map.of("ok", CommandResultValue.of(true)));

    MqttMessage first = updates.next(java.time.Duration.ofSeconds(5));
    assertThat(CommandCodec.decodeUpdate(first.payload(), CommandFormat.JSON).status())
        .isEqualTo(CommandStatus.IN_PROGRESS);
    assertThatThrownBy(() -> updates.next(java.time.Duration.ofMillis(300))).as("the second waits for the first's reply")
        .isInstanceOf(dev.thingbridge.mqtt.MqttTimeoutException.class);
    cloudClient.publish(MqttMessage.of(base + "rejected/json", ("{\"executionId\":\"e1\",\"error\":"
        + "\"INVALID_STATE_TRANSITION\",\"errorMessage\":\"timed out\"}").getBytes(StandardCharsets.UTF_8),
        QoS.AT_LEAST_ONCE));
    assertThatThrownBy(() -> inProgress.get(5, TimeUnit.SECONDS)).cause().isInstanceOfSatisfying(
        CommandException.class, e -> assertThat(e.code()).isEqualTo(CommandErrorCode.INVALID_STATE_TRANSITION));

    MqttMessage second = updates.next(java.time.Duration.ofSeconds(5));
    assertThat(CommandCodec.decodeUpdate(second.payload(), CommandFormat.JSON).status())
        .isEqualTo(CommandStatus.SUCCEEDED);
    assertThat(succeeded).isNotDone();
    cloudClient.publish(MqttMessage.of(base + "accepted/json", "{\"executionId\":\"e1\"}"
        .getBytes(StandardCharsets.UTF_8), QoS.AT_LEAST_ONCE));
    succeeded.get(5, TimeUnit.SECONDS);
  }
}
