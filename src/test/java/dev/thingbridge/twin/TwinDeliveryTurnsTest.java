package dev.thingbridge.twin;

import static org.assertj.core.api.Assertions.assertThat;

import dev.thingbridge.mqtt.MqttLimits;
import dev.thingbridge.mqtt.MqttMessage;
import dev.thingbridge.mqtt.QoS;
import dev.thingbridge.mqtt.SubscriptionFilter;
import dev.thingbridge.mqtt.internal.AbstractMqttClient;
import dev.thingbridge.mqtt.internal.DeliveryTurns;
import dev.thingbridge.twin.shadows.ShadowsService;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * With a client that delivers in turns ({@link DeliveryTurns}, as the NIO client does), the twin handles each
 * request on the delivering thread and commits a turn's requests once, when the turn ends; no reply leaves
 * before the commit that makes it true. The client here is a stand-in that delivers what the test says in one
 * turn; the twin, its store on disk and its shadow service are real.
 */
class TwinDeliveryTurnsTest {
  @TempDir Path dir;

  /** Delivers what the test gives it as one turn, on the test's thread; records what the twin publishes. */
  private static final class TurnClient extends AbstractMqttClient implements DeliveryTurns {
    final List<MqttMessage> published = new CopyOnWriteArrayList<>();
    final List<Runnable> turnEnds = new CopyOnWriteArrayList<>();

    TurnClient() {
      super("turns", MqttLimits.AWS_IOT_CORE, 1000);
      connected(false);
    }

    void deliverTurn(List<MqttMessage> messages) {
      messages.forEach(this::deliver);
    }

    void endTurn() {
      turnEnds.forEach(Runnable::run);
    }

    @Override
    public void onTurnEnd(Runnable onTurnEnd) {
      turnEnds.add(onTurnEnd);
    }

    @Override
    protected CompletableFuture<Void> doPublish(MqttMessage message) {
      published.add(message);
      return CompletableFuture.completedFuture(null);
    }

    @Override
    protected CompletableFuture<Void> doSubscribe(SubscriptionFilter filter) {
      return CompletableFuture.completedFuture(null);
    }

    @Override
    protected CompletableFuture<Void> doUnsubscribe(String filter) {
      return CompletableFuture.completedFuture(null);
    }

    @Override
    protected void doClose() {}
  }

  private static MqttMessage update(String thing, int value) {
    String body = "{\"state\":{\"reported\":{\"v\":" + value + "}},\"clientToken\":\"" + thing + "-" + value + "\"}";
    return MqttMessage.of("$aws/things/" + thing + "/shadow/update", body.getBytes(StandardCharsets.UTF_8),
        QoS.AT_LEAST_ONCE);
  }

  private static List<String> acceptedTopics(List<MqttMessage> published) {
    return published.stream().map(MqttMessage::topic).filter(t -> t.endsWith("/update/accepted")).toList();
  }

  @Test
  void the_requests_of_one_turn_share_one_commit_and_their_replies_wait_for_it() throws Exception {
    try (TurnClient client = new TurnClient();
        Twin twin = Twin.builder(client).stateDir(dir).service(new ShadowsService()).build()) {
      twin.start().get(5, TimeUnit.SECONDS);
      long before = twin.commits();
      List<MqttMessage> turn = new ArrayList<>();
      for (int i = 0; i < 5; i++) {
        turn.add(update("thing-" + i, i));
      }
      client.deliverTurn(turn);
      assertThat(acceptedTopics(client.published)).as("nothing answered before the turn's commit").isEmpty();
      assertThat(twin.commits()).isEqualTo(before);

      client.endTurn();
      assertThat(twin.commits()).as("one transaction for the turn's five requests").isEqualTo(before + 1);
      assertThat(acceptedTopics(client.published)).containsExactly(
          "$aws/things/thing-0/shadow/update/accepted", "$aws/things/thing-1/shadow/update/accepted",
          "$aws/things/thing-2/shadow/update/accepted", "$aws/things/thing-3/shadow/update/accepted",
          "$aws/things/thing-4/shadow/update/accepted");
    }
    // What the replies promised is on disk: a new twin on the same directory has all five shadows at version 1.
    try (TurnClient client = new TurnClient();
        Twin twin = Twin.builder(client).stateDir(dir).service(new ShadowsService()).build()) {
      twin.start().get(5, TimeUnit.SECONDS);
      List<MqttMessage> turn = new ArrayList<>();
      for (int i = 0; i < 5; i++) {
        turn.add(MqttMessage.of("$aws/things/thing-" + i + "/shadow/get", new byte[0], QoS.AT_LEAST_ONCE));
      }
      client.deliverTurn(turn);
      client.endTurn();
      List<String> versions = client.published.stream().filter(m -> m.topic().endsWith("/get/accepted"))
          .map(MqttMessage::payloadAsString).map(p -> p.replaceAll(".*\"version\":(\\d+).*", "$1")).toList();
      assertThat(versions).containsExactly("1", "1", "1", "1", "1");
    }
  }

  @Test
  void a_turn_of_one_thing_keeps_its_requests_in_order() throws Exception {
    try (TurnClient client = new TurnClient();
        Twin twin = Twin.builder(client).stateDir(dir).service(new ShadowsService()).build()) {
      twin.start().get(5, TimeUnit.SECONDS);
      client.deliverTurn(List.of(update("solo", 1), update("solo", 2), update("solo", 3)));
      client.endTurn();
      List<String> tokens = client.published.stream().filter(m -> m.topic().endsWith("/update/accepted"))
          .map(MqttMessage::payloadAsString).map(p -> p.replaceAll(".*\"clientToken\":\"([^\"]+)\".*", "$1"))
          .toList();
      assertThat(tokens).containsExactly("solo-1", "solo-2", "solo-3");
    }
  }
}
