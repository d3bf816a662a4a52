package dev.thingbridge.twin;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.thingbridge.mqtt.MqttClient;
import dev.thingbridge.mqtt.MqttMessage;
import dev.thingbridge.mqtt.MqttTimeoutException;
import dev.thingbridge.mqtt.QoS;
import dev.thingbridge.mqtt.Subscription;
import dev.thingbridge.mqtt.SubscriptionFilter;
import dev.thingbridge.mqtt.local.LocalBroker;
import dev.thingbridge.twin.shadows.ShadowsService;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.assertj.core.api.Assertions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Requests of different things run concurrently, requests of one thing stay in order: a thing whose request
 * is slow holds up only its own later requests, and under load every thing sees its replies in request order.
 */
class TwinConcurrencyTest {
  private static final Duration WAIT = Duration.ofSeconds(10);
  private static final ObjectMapper JSON = new ObjectMapper();

  @TempDir Path dir;

  /** Echoes {@code $aws/things/{thing}/gate} on {@code .../gate/accepted}; a "block" request waits for the gate. */
  private static final class GateService implements TwinService {
    final CountDownLatch gate = new CountDownLatch(1);
    final CountDownLatch blocked = new CountDownLatch(1);

    @Override
    public String name() {
      return "gate";
    }

    @Override
    public List<SubscriptionFilter> filters() {
      return List.of(SubscriptionFilter.of("$aws/things/+/gate", QoS.AT_LEAST_ONCE));
    }

    @Override
    public boolean concurrentByThing() {
      return true;
    }

    @Override
    public boolean handle(MqttMessage request, TwinOutbox out) {
      if (request.payloadAsString().equals("block")) {
        blocked.countDown();
        try {
          gate.await(WAIT.toMillis(), TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
        }
      }
      out.publish(MqttMessage.of(request.topic() + "/accepted", request.payload(), QoS.AT_LEAST_ONCE));
      return false;
    }

    @Override
    public JsonNode snapshot() {
      return JSON.createObjectNode();
    }
  }

  @Test
  void a_slow_request_holds_up_its_own_thing_only() throws Exception {
    LocalBroker broker = new LocalBroker();
    GateService gate = new GateService();
    try (MqttClient twinClient = broker.connect("twin"); MqttClient device = broker.connect("device");
        Twin twin = Twin.builder(twinClient).stateDir(dir).service(gate).service(new ShadowsService()).build()) {
      twin.start().get(5, TimeUnit.SECONDS);
      Subscription slow = device.subscribe("$aws/things/slow/gate/accepted", QoS.AT_LEAST_ONCE).get(5, TimeUnit.SECONDS);
      Subscription fast = device.subscribe("$aws/things/fast/gate/accepted", QoS.AT_LEAST_ONCE).get(5, TimeUnit.SECONDS);
      Subscription fastShadow = device.subscribe("$aws/things/fast/shadow/update/accepted", QoS.AT_LEAST_ONCE)
          .get(5, TimeUnit.SECONDS);
      send(device, "$aws/things/slow/gate", "block");
      assertThat(gate.blocked.await(5, TimeUnit.SECONDS)).isTrue();
      send(device, "$aws/things/slow/gate", "after");

      // While slow's first request is stuck, fast is answered: its gate requests and a real shadow update.
      for (int i = 1; i <= 3; i++) {
        send(device, "$aws/things/fast/gate", "f" + i);
      }
      send(device, "$aws/things/fast/shadow/update", "{\"state\":{\"reported\":{\"x\":1}}}");
      assertThat(List.of(fast.next(WAIT).payloadAsString(), fast.next(WAIT).payloadAsString(),
          fast.next(WAIT).payloadAsString())).containsExactly("f1", "f2", "f3");
      assertThat(JSON.readTree(fastShadow.next(WAIT).payload()).get("version").asInt()).isEqualTo(1);
      // slow's second request waits behind its first.
      Assertions.assertThatThrownBy(() -> slow.next(Duration.ofMillis(300))).isInstanceOf(MqttTimeoutException.class);

      gate.gate.countDown();
      assertThat(List.of(slow.next(WAIT).payloadAsString(), slow.next(WAIT).payloadAsString()))
          .containsExactly("block", "after");
    }
  }

  @Test
  void under_concurrent_load_each_thing_gets_its_replies_in_request_order() throws Exception {
    int things = 8;
    int updates = 150;
    LocalBroker broker = new LocalBroker();
    try (MqttClient twinClient = broker.connect("twin");
        Twin twin = Twin.builder(twinClient).stateDir(dir).service(new ShadowsService()).build()) {
      twin.start().get(5, TimeUnit.SECONDS);
      List<MqttClient> devices = new ArrayList<>();
      List<Subscription> replies = new ArrayList<>();
      try {
        for (int t = 0; t < things; t++) {
          MqttClient d = broker.connect("order-" + t);
          devices.add(d);
          replies.add(d.subscribe("$aws/things/order-" + t + "/shadow/update/accepted", QoS.AT_LEAST_ONCE)
              .get(5, TimeUnit.SECONDS));
        }
        // Every device pours out its updates without waiting for replies.
        for (int i = 1; i <= updates; i++) {
          for (int t = 0; t < things; t++) {
            send(devices.get(t), "$aws/things/order-" + t + "/shadow/update",
                "{\"state\":{\"reported\":{\"n\":" + i + "}},\"clientToken\":\"" + i + "\"}");
          }
        }
        for (int t = 0; t < things; t++) {
          for (int i = 1; i <= updates; i++) {
            JsonNode reply = JSON.readTree(replies.get(t).next(WAIT).payload());
            assertThat(reply.get("clientToken").asText()).as("thing %d reply %d", t, i).isEqualTo(Integer.toString(i));
            assertThat(reply.get("version").asInt()).isEqualTo(i);
          }
        }
        ShadowsService shadows = twin.service(ShadowsService.class);
        for (int t = 0; t < things; t++) {
          assertThat(shadows.get("order-" + t, null).at("/state/reported/n").asInt()).isEqualTo(updates);
        }
      } finally {
        devices.forEach(MqttClient::close);
      }
    }
  }

  @Test
  void a_lone_request_is_handled_where_it_arrives_and_answered_after_its_commit_and_a_busy_twin_hands_off()
      throws Exception {
    LocalBroker broker = new LocalBroker();
    GateService gate = new GateService();
    List<String> committedOn = new java.util.concurrent.CopyOnWriteArrayList<>();
    try (MqttClient twinClient = broker.connect("twin"); MqttClient device = broker.connect("device");
        Twin twin = Twin.builder(twinClient).stateDir(dir).service(gate).service(new ShadowsService()).build()) {
      twin.start().get(5, TimeUnit.SECONDS);
      twin.addChangeListener(rows -> committedOn.add(Thread.currentThread().getName()));
      Subscription accepted = device.subscribe("$aws/things/+/shadow/update/accepted", QoS.AT_LEAST_ONCE)
          .get(5, TimeUnit.SECONDS);

      send(device, "$aws/things/solo/shadow/update", "{\"state\":{\"reported\":{\"x\":1}}}");
      int version = JSON.readTree(accepted.next(WAIT).payload()).get("version").asInt();
      // The reply went out only once the commit was in the journal; the database takes it a moment later (read
      // through a connection of our own).
      try (java.util.stream.Stream<java.nio.file.Path> files = java.nio.file.Files.list(dir)) {
        assertThat(files.filter(f -> f.getFileName().toString().startsWith("twin.journal."))
            .mapToLong(f -> f.toFile().length()).sum()).isPositive();
      }
      org.awaitility.Awaitility.await().atMost(WAIT).untilAsserted(() -> {
        try (java.sql.Connection db = java.sql.DriverManager.getConnection("jdbc:sqlite:" + dir.resolve("twin.db"));
            java.sql.ResultSet row = db.createStatement().executeQuery(
                "SELECT version FROM shadows WHERE thing_name = 'solo'")) {
          assertThat(row.next()).isTrue();
          assertThat(row.getInt(1)).isEqualTo(version).isEqualTo(1);
        }
      });
      // (the listener hears of a commit just after its replies went out)
      org.awaitility.Awaitility.await().atMost(WAIT).until(() -> committedOn.size() == 1);
      assertThat(committedOn.get(0)).doesNotStartWith("thingbridge-twin");

      // With another thing's request in the pool, a request goes to the pool too.
      send(device, "$aws/things/slow/gate", "block");
      assertThat(gate.blocked.await(5, TimeUnit.SECONDS)).isTrue();
      send(device, "$aws/things/busy/shadow/update", "{\"state\":{\"reported\":{\"x\":2}}}");
      assertThat(JSON.readTree(accepted.next(WAIT).payload()).get("version").asInt()).isEqualTo(1);
      gate.gate.countDown();
      org.awaitility.Awaitility.await().atMost(WAIT).until(() -> committedOn.size() >= 2);
      assertThat(committedOn.get(1)).startsWith("thingbridge-twin");
    }
  }

  private static void send(MqttClient device, String topic, String payload) throws Exception {
    device.publish(topic, payload.getBytes(StandardCharsets.UTF_8), QoS.AT_LEAST_ONCE, false).get(5, TimeUnit.SECONDS);
  }
}
