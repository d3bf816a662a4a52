package dev.thingbridge.mqtt.local.server;

import static dev.thingbridge.mqtt.local.server.MqttServerProtocolTest.WAIT;
import static dev.thingbridge.mqtt.local.server.MqttServerProtocolTest.subscribe;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.thingbridge.mqtt.MessageProperties;
import dev.thingbridge.mqtt.MqttMessage;
import dev.thingbridge.mqtt.MqttTimeoutException;
import dev.thingbridge.mqtt.QoS;
import dev.thingbridge.mqtt.Subscription;
import dev.thingbridge.mqtt.local.LocalBroker;
import dev.thingbridge.mqtt.local.LocalMqttClient;
import dev.thingbridge.mqtt.codec.Packet;
import dev.thingbridge.mqtt.codec.Packet.Connect;
import dev.thingbridge.mqtt.codec.Packet.Disconnect;
import dev.thingbridge.mqtt.codec.Packet.PubAck;
import dev.thingbridge.mqtt.codec.Packet.Publish;
import dev.thingbridge.mqtt.codec.Packet.SubAck;
import dev.thingbridge.mqtt.codec.Packet.Will;
import dev.thingbridge.mqtt.codec.ReasonCodes;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Sessions that outlive connections, wills, message expiry, and flow control towards slow clients. */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class MqttServerSessionTest {
  private LocalBroker bus;
  private MqttServer server;
  private LocalMqttClient publisher;

  @BeforeEach
  void start() throws IOException {
    bus = new LocalBroker();
    server = MqttServer.start(bus, MqttServerOptions.builder().port(0).maxQueuedMessages(10).build());
    publisher = bus.connect("publisher");
  }

  @AfterEach
  void stop() {
    publisher.close();
    server.close();
  }

  private void publish(String topic, String payload, QoS qos) throws Exception {
    publisher.publish(topic, payload.getBytes(StandardCharsets.UTF_8), qos, false).get(5, TimeUnit.SECONDS);
  }

  private static String text(Publish p) {
    return new String(p.payload(), StandardCharsets.UTF_8);
  }

  @ParameterizedTest
  @ValueSource(ints = {4, 5})
  void qos1_messages_published_while_offline_arrive_after_reconnect_and_qos0_do_not(int version) throws Exception {
    try (RawClient c = RawClient.connect(server, version, "dev", false, 600)) {
      c.send(subscribe(1, "cmd/#", 1));
      c.expect(SubAck.class, WAIT);
      c.drop();
    }
    await().atMost(WAIT).until(() -> server.stats().connections() == 0);
    publish("cmd/1", "one", QoS.AT_LEAST_ONCE);
    publish("cmd/2", "zero", QoS.AT_MOST_ONCE);
    publish("cmd/3", "two", QoS.AT_LEAST_ONCE);
    assertThat(held(server, "dev")).isEqualTo(2);

    try (RawClient c = RawClient.connect(server, version, "dev", false, 600)) {
      assertThat(c.connack().sessionPresent()).isTrue();
      Publish first = c.expect(Publish.class, WAIT);
      Publish second = c.expect(Publish.class, WAIT);
      assertThat(List.of(text(first), text(second))).containsExactly("one", "two");
      assertThat(first.qos()).isEqualTo(1);
      c.send(new PubAck(first.packetId(), 0, null));
      c.send(new PubAck(second.packetId(), 0, null));
      assertThat(c.receive(Duration.ofMillis(300))).as("QoS 0 is not kept for an offline session").isNull();
      await().atMost(WAIT).until(() -> held(server, "dev") == 0);
    }
  }

  @Test
  void an_unacknowledged_publish_is_resent_with_dup_and_its_packet_id_after_reconnect() throws Exception {
    int id;
    try (RawClient c = RawClient.connect(server, 5, "forgetful", false, 600)) {
      c.send(subscribe(1, "job", 1));
      c.expect(SubAck.class, WAIT);
      publish("job", "do it", QoS.AT_LEAST_ONCE);
      Publish p = c.expect(Publish.class, WAIT);
      assertThat(p.dup()).isFalse();
      id = p.packetId();
      c.drop(); // no PUBACK
    }
    try (RawClient c = RawClient.connect(server, 5, "forgetful", false, 600)) {
      Publish again = c.expect(Publish.class, WAIT);
      assertThat(again.dup()).isTrue();
      assertThat(again.packetId()).isEqualTo(id);
      assertThat(text(again)).isEqualTo("do it");
    }
  }

  @Test
  void a_session_ends_when_its_expiry_runs_out_or_at_once_with_expiry_0() throws Exception {
    try (RawClient c = RawClient.connect(server, 5, "short", false, 1)) {
      c.drop();
    }
    await().atMost(WAIT).until(() -> held(server, "short") == -1); // expired after its 1 s
    try (RawClient c = RawClient.connect(server, 5, "short", false, 1)) {
      assertThat(c.connack().sessionPresent()).isFalse();
    }
    try (RawClient c = RawClient.connect(server, 5, "none", false, 0)) {
      c.send(new Disconnect(0, null, null));
      c.awaitClose(WAIT);
    }
    await().atMost(WAIT).until(() -> held(server, "none") == -1);
  }

  @Test
  void a_will_goes_out_on_a_dropped_connection_and_on_0x04_but_not_on_a_normal_disconnect() throws Exception {
    Subscription wills = publisher.subscribe("wills/#", QoS.AT_LEAST_ONCE).get(5, TimeUnit.SECONDS);
    MessageProperties props = MessageProperties.builder().contentType("text/plain").responseTopic("r")
        .correlationData(new byte[] {7}).build();
    Connect base = Connect.of(5, "w1", true, 60, 0)
        .withWill(new Will("wills/w1", "gone".getBytes(StandardCharsets.UTF_8), 1, false, props, 0));
    try (RawClient c = RawClient.connect(server, base)) {
      c.drop();
    }
    MqttMessage will = wills.next(WAIT);
    assertThat(will.payloadAsString()).isEqualTo("gone");
    assertThat(will.properties().contentType()).contains("text/plain");
    assertThat(will.properties().correlationData()).hasValueSatisfying(b -> assertThat(b).containsExactly(7));

    try (RawClient c = RawClient.connect(server, base)) {
      c.send(new Disconnect(0, null, null));
      c.awaitClose(WAIT);
    }
    try (RawClient c = RawClient.connect(server, base)) {
      c.send(new Disconnect(ReasonCodes.DISCONNECT_WITH_WILL, null, null));
      c.awaitClose(WAIT);
    }
    assertThat(wills.next(WAIT).payloadAsString()).isEqualTo("gone");
    assertThatNothingMore(wills);
  }

  @Test
  void a_delayed_will_waits_and_is_dropped_when_the_client_comes_back_in_time() throws Exception {
    Subscription wills = publisher.subscribe("wills/#", QoS.AT_LEAST_ONCE).get(5, TimeUnit.SECONDS);
    Connect delayed = Connect.of(5, "w2", false, 60, 600)
        .withWill(new Will("wills/w2", "late".getBytes(StandardCharsets.UTF_8), 1, false, MessageProperties.NONE, 2));
    try (RawClient c = RawClient.connect(server, delayed)) {
      c.drop();
    }
    await().atMost(WAIT).until(() -> server.session("w2").map(s -> !s.online()).orElse(false));
    try (RawClient c = RawClient.connect(server, delayed)) {
      assertThat(c.connack().sessionPresent()).isTrue();
      assertThatNothingMore(wills); // back within the delay: no will
      c.drop();
    }
    long dropped = System.nanoTime();
    assertThat(wills.next(WAIT).payloadAsString()).isEqualTo("late");
    assertThat(System.nanoTime() - dropped).isGreaterThan(TimeUnit.MILLISECONDS.toNanos(1500));
  }

  @Test
  void a_taken_over_connection_publishes_its_will() throws Exception {
    Subscription wills = publisher.subscribe("wills/#", QoS.AT_LEAST_ONCE).get(5, TimeUnit.SECONDS);
    Connect c1 = Connect.of(5, "w3", true, 60, 0)
        .withWill(new Will("wills/w3", "kicked".getBytes(StandardCharsets.UTF_8), 0, false, MessageProperties.NONE, 0));
    try (RawClient first = RawClient.connect(server, c1);
        RawClient second = RawClient.connect(server, Connect.of(5, "w3", true, 60, 0))) {
      assertThat(first.awaitClose(WAIT)).isInstanceOf(Disconnect.class);
      assertThat(wills.next(WAIT).payloadAsString()).isEqualTo("kicked");
      assertThat(second.connack().reasonCode()).isZero();
    }
  }

  @Test
  void queued_messages_expire_and_the_rest_arrive_with_their_expiry_counted_down() throws Exception {
    try (RawClient c = RawClient.connect(server, 5, "exp", false, 600)) {
      c.send(subscribe(1, "e/#", 1));
      c.expect(SubAck.class, WAIT);
      c.drop();
    }
    await().atMost(WAIT).until(() -> server.stats().connections() == 0);
    publisher.publish(new MqttMessage("e/short", "x".getBytes(), QoS.AT_LEAST_ONCE, false,
        MessageProperties.builder().messageExpirySeconds(1L).build())).get(5, TimeUnit.SECONDS);
    publisher.publish(new MqttMessage("e/long", "y".getBytes(), QoS.AT_LEAST_ONCE, false,
        MessageProperties.builder().messageExpirySeconds(100L).build())).get(5, TimeUnit.SECONDS);
    // Expiry is checked when a message goes out, so both are still held two seconds on.
    await().pollDelay(Duration.ofMillis(2100)).atMost(WAIT).until(() -> held(server, "exp") == 2);
    try (RawClient c = RawClient.connect(server, 5, "exp", false, 600)) {
      Publish p = c.expect(Publish.class, WAIT);
      assertThat(p.topic()).isEqualTo("e/long");
      assertThat(p.properties().messageExpirySeconds()).hasValueSatisfying(v -> assertThat(v).isBetween(90L, 98L));
      assertThat(c.receive(Duration.ofMillis(300))).isNull();
    }
  }

  @Test
  void the_clients_receive_maximum_limits_unacknowledged_publishes() throws Exception {
    try (RawClient c = RawClient.connect(server, Connect.of(5, "rm", true, 60, 0).withLimits(2, 0))) {
      c.send(subscribe(1, "f", 1));
      c.expect(SubAck.class, WAIT);
      for (int i = 0; i < 5; i++) {
        publish("f", "m" + i, QoS.AT_LEAST_ONCE);
      }
      Publish a = c.expect(Publish.class, WAIT);
      Publish b = c.expect(Publish.class, WAIT);
      assertThat(c.receive(Duration.ofMillis(400))).as("a third would exceed receive maximum 2").isNull();
      c.send(new PubAck(a.packetId(), 0, null));
      assertThat(text(c.expect(Publish.class, WAIT))).isEqualTo("m2");
      assertThat(List.of(text(a), text(b))).containsExactly("m0", "m1");
    }
  }

  @Test
  void a_message_over_the_clients_maximum_packet_size_is_dropped_for_that_client_only() throws Exception {
    try (RawClient c = RawClient.connect(server, Connect.of(5, "tiny", true, 60, 0).withLimits(100, 100))) {
      c.send(subscribe(1, "g", 1));
      c.expect(SubAck.class, WAIT);
      publish("g", "x".repeat(200), QoS.AT_LEAST_ONCE);
      publish("g", "small", QoS.AT_LEAST_ONCE);
      assertThat(text(c.expect(Publish.class, WAIT))).isEqualTo("small");
      await().atMost(WAIT).until(() -> held(server, "tiny") == 1); // only "small" waits for its PUBACK
    }
  }

  @Test
  void a_client_that_does_not_acknowledge_loses_new_messages_beyond_its_quota_and_nobody_waits() throws Exception {
    try (RawClient slow = RawClient.connect(server, Connect.of(5, "slow", true, 60, 0).withLimits(1, 0));
        RawClient fast = RawClient.connect(server, 5, "fast", true, 0)) {
      slow.send(subscribe(1, "h", 1));
      slow.expect(SubAck.class, WAIT);
      fast.send(subscribe(1, "h", 0));
      fast.expect(SubAck.class, WAIT);
      // "fast" reads each message before the next is published: it never holds more than its quota of 10
      // even when a loaded machine leaves its I/O thread unscheduled for a while (then a burst of 30 would
      // rightly overflow its queue as well). Only the publish calls are timed.
      long publishing = 0;
      List<String> fastGot = new ArrayList<>();
      for (int i = 0; i < 30; i++) {
        long start = System.nanoTime();
        publish("h", "m" + i, QoS.AT_LEAST_ONCE);
        publishing += System.nanoTime() - start;
        fastGot.add(text(fast.expect(Publish.class, WAIT)));
      }
      assertThat(publishing).as("the publisher is never held up").isLessThan(TimeUnit.SECONDS.toNanos(5));
      assertThat(fastGot).hasSize(30).startsWith("m0").endsWith("m29");
      assertThat(held(server, "slow")).isEqualTo(10); // 1 in flight + 9 queued
      assertThat(server.stats().droppedMessages()).isEqualTo(20);
      Publish first = slow.expect(Publish.class, WAIT);
      assertThat(text(first)).isEqualTo("m0");
    }
  }

  @Test
  void the_server_bounds_its_sessions_and_their_queued_bytes_as_a_whole() throws Exception {
    try (MqttServer small = MqttServer.start(bus, MqttServerOptions.builder().port(0).maxSessions(2)
        .maxHeldBytesTotal(100).build())) {
      for (String id : List.of("s1", "s2")) {
        try (RawClient c = RawClient.connect(small, 5, id, false, 600)) {
          c.send(subscribe(1, "big/#", 1));
          c.expect(SubAck.class, WAIT);
          c.drop();
        }
      }
      try (RawClient third = RawClient.open(small, 5)) {
        third.send(Connect.of(5, "s3", true, 60, 0));
        assertThat(third.awaitClose(WAIT)).isInstanceOfSatisfying(Packet.Connack.class,
            a -> assertThat(a.reasonCode()).isEqualTo(ReasonCodes.QUOTA_EXCEEDED));
      }
      publish("big/1", "x".repeat(40), QoS.AT_LEAST_ONCE); // 45 bytes held by each of the two sessions: 90
      publish("big/2", "y".repeat(40), QoS.AT_LEAST_ONCE); // would pass 100 in total: dropped for both
      assertThat(held(small, "s1") + held(small, "s2")).isEqualTo(2);
      assertThat(small.stats().droppedMessages()).isEqualTo(2);
      try (RawClient back = RawClient.connect(small, 5, "s1", false, 600)) {
        Publish p = back.expect(Publish.class, WAIT);
        assertThat(p.topic()).isEqualTo("big/1");
        back.send(new PubAck(p.packetId(), 0, null));
        await().atMost(WAIT).until(() -> held(small, "s1") == 0);
      }
      publish("big/3", "z".repeat(40), QoS.AT_LEAST_ONCE); // room again for s1, not for s2
      assertThat(held(small, "s1")).isEqualTo(1);
    }
  }

  @Test
  void unsubscribe_says_which_filters_existed_and_stops_delivery() throws Exception {
    try (RawClient c = RawClient.connect(server, 5, "unsub", true, 0)) {
      c.send(subscribe(1, "u/#", 1));
      c.expect(SubAck.class, WAIT);
      c.send(new Packet.Unsubscribe(2, List.of("u/#", "never/subscribed")));
      assertThat(c.expect(Packet.UnsubAck.class, WAIT).reasonCodes())
          .containsExactly(ReasonCodes.SUCCESS, ReasonCodes.NO_SUBSCRIPTION_EXISTED);
      publish("u/x", "gone", QoS.AT_LEAST_ONCE);
      assertThat(c.receive(Duration.ofMillis(300))).isNull();
    }
  }

  private static void assertThatNothingMore(Subscription s) throws InterruptedException {
    try {
      MqttMessage m = s.next(Duration.ofMillis(700));
      throw new AssertionError("unexpected message " + m);
    } catch (MqttTimeoutException expected) {
      // nothing came
    }
  }

  private static int held(MqttServer server, String clientId) {
    return server.session(clientId).map(MqttServer.SessionInfo::heldMessages).orElse(-1);
  }
}
