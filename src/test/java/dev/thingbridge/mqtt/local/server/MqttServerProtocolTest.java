package dev.thingbridge.mqtt.local.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import dev.thingbridge.mqtt.MessageProperties;
import dev.thingbridge.mqtt.QoS;
import dev.thingbridge.mqtt.Subscription;
import dev.thingbridge.mqtt.local.LocalBroker;
import dev.thingbridge.mqtt.local.LocalMqttClient;
import dev.thingbridge.mqtt.codec.Packet;
import dev.thingbridge.mqtt.codec.Packet.Connack;
import dev.thingbridge.mqtt.codec.Packet.Connect;
import dev.thingbridge.mqtt.codec.Packet.Disconnect;
import dev.thingbridge.mqtt.codec.Packet.PubAck;
import dev.thingbridge.mqtt.codec.Packet.Publish;
import dev.thingbridge.mqtt.codec.Packet.SubAck;
import dev.thingbridge.mqtt.codec.Packet.Subscribe;
import dev.thingbridge.mqtt.codec.Packet.TopicSubscription;
import dev.thingbridge.mqtt.codec.ReasonCodes;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.HexFormat;
import java.util.List;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The server's side of CONNECT, keep-alive, takeover and every protocol violation, checked packet by packet
 * with a bare client ({@link RawClient}) over loopback, for MQTT 5 and MQTT 3.1.1.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class MqttServerProtocolTest {
  static final Duration WAIT = Duration.ofSeconds(10);

  private LocalBroker bus;
  private MqttServer server;

  @BeforeEach
  void start() throws IOException {
    bus = new LocalBroker();
    server = MqttServer.start(bus, MqttServerOptions.builder().port(0).maximumPacketSize(4096)
        .connectTimeout(Duration.ofSeconds(2)).build());
  }

  @AfterEach
  void stop() {
    server.close();
  }

  static Publish publish(String topic, String payload, int qos, int packetId) {
    return new Publish(topic, payload.getBytes(StandardCharsets.UTF_8), qos, false, false, packetId,
        MessageProperties.NONE, 0, List.of());
  }

  static Subscribe subscribe(int packetId, String filter, int qos) {
    return new Subscribe(packetId, 0, List.of(new TopicSubscription(filter, qos, false, false, 0)), List.of());
  }

  @Test
  void connack_announces_the_limits_and_an_assigned_client_id() throws Exception {
    try (RawClient c = RawClient.connect(server, Connect.of(5, "", true, 0, 0xFFFF_FFFFL))) {
      Connack ack = c.connack();
      assertThat(ack.sessionPresent()).isFalse();
      assertThat(ack.assignedClientId()).startsWith("thingbridge-");
      assertThat(ack.maximumQos()).isEqualTo(1);
      assertThat(ack.receiveMaximum()).isEqualTo(100);
      assertThat(ack.maximumPacketSize()).isEqualTo(4096L);
      assertThat(ack.serverKeepAlive()).as("keep-alive 0 gets the ceiling").isEqualTo(1200);
      assertThat(ack.sessionExpirySeconds()).as("'never' is capped at 1 h").isEqualTo(3600L);
      assertThat(ack.sharedSubscriptionAvailable()).isFalse();
    }
  }

  @Test
  void an_mqtt_311_client_with_an_empty_id_needs_a_clean_session() throws Exception {
    try (RawClient c = RawClient.open(server, 4)) {
      c.send(Connect.of(4, "", false, 30, 0));
      Packet p = c.awaitClose(WAIT);
      assertThat(p).isEqualTo(Connack.refused(ReasonCodes.V4_IDENTIFIER_REJECTED, null));
    }
    try (RawClient c = RawClient.connect(server, Connect.of(4, "", true, 30, 0))) {
      assertThat(c.connack().reasonCode()).isZero();
    }
  }

  @ParameterizedTest
  @ValueSource(ints = {4, 5})
  void a_second_connection_with_the_same_id_takes_the_session_over(int version) throws Exception {
    try (RawClient first = RawClient.connect(server, version, "dup", false, 600)) {
      first.send(subscribe(1, "t/#", 1));
      first.expect(SubAck.class, WAIT);
      try (RawClient second = RawClient.connect(server, version, "dup", false, 600)) {
        assertThat(second.connack().sessionPresent()).isTrue();
        Packet last = first.awaitClose(WAIT);
        if (version == 5) {
          assertThat(last).isEqualTo(new Disconnect(ReasonCodes.SESSION_TAKEN_OVER, null, "session taken over"));
        } else {
          assertThat(last).as("MQTT 3.1.1 has no server DISCONNECT").isNull();
        }
        try (LocalMqttClient pub = bus.connect("pub")) {
          pub.publish("t/x", "hi".getBytes(), QoS.AT_LEAST_ONCE, false).get(5, TimeUnit.SECONDS);
        }
        assertThat(second.expect(Publish.class, WAIT).topic()).as("the subscription moved along").isEqualTo("t/x");
      }
    }
  }

  @Test
  void silence_beyond_one_and_a_half_keep_alives_closes_with_0x8d() throws Exception {
    // Timed from before CONNECT: the server's clock starts when it reads CONNECT, and on a loaded machine the
    // CONNACK can take a while to come back.
    long start = System.nanoTime();
    try (RawClient c = RawClient.connect(server, Connect.of(5, "sleepy", true, 1, 0))) {
      Packet last = c.awaitClose(WAIT);
      long millis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
      assertThat(last).isEqualTo(new Disconnect(ReasonCodes.KEEP_ALIVE_TIMEOUT, null, "keep alive timeout"));
      assertThat(millis).isBetween(1500L, 4000L);
    }
    try (RawClient c = RawClient.connect(server, Connect.of(5, "pinger", true, 1, 0))) {
      for (int i = 0; i < 6; i++) {
        // a ping every half keep-alive keeps the connection
        await().pollDelay(Duration.ofMillis(500)).atMost(WAIT)
            .until(() -> server.stats().connections() >= 1);
        c.send(new Packet.PingReq());
        assertThat(c.expect(Packet.PingResp.class, WAIT)).isNotNull();
      }
    }
  }

  @Test
  void a_connection_that_sends_no_connect_is_closed_after_the_connect_timeout() throws Exception {
    try (RawClient c = RawClient.open(server, 5)) {
      assertThat(c.awaitClose(WAIT)).isNull();
    }
  }

  @Test
  void qos_2_publish_is_refused_with_0x9b_and_qos_2_subscribe_is_granted_qos_1() throws Exception {
    try (RawClient c = RawClient.connect(server, 5, "q2", true, 0)) {
      c.send(subscribe(1, "a", 2));
      assertThat(c.expect(SubAck.class, WAIT).reasonCodes()).containsExactly(1);
      c.send(publish("a", "x", 2, 2));
      Packet last = c.awaitClose(WAIT);
      assertThat(last).isInstanceOfSatisfying(Disconnect.class,
          d -> assertThat(d.reasonCode()).isEqualTo(ReasonCodes.QOS_NOT_SUPPORTED));
    }
    try (RawClient c = RawClient.connect(server, 4, "q2-311", true, 0)) {
      c.send(subscribe(1, "a", 2));
      assertThat(c.expect(SubAck.class, WAIT).reasonCodes()).containsExactly(1);
      c.send(publish("a", "x", 2, 2));
      assertThat(c.awaitClose(WAIT)).isNull();
    }
  }

  @Test
  void topic_aliases_shared_subscriptions_and_bad_filters_are_refused() throws Exception {
    try (RawClient c = RawClient.connect(server, 5, "refusals", true, 0)) {
      c.send(new Subscribe(1, 0, List.of(new TopicSubscription("$share/g/a", 1, false, false, 0),
          new TopicSubscription("a/#/b", 1, false, false, 0),
          new TopicSubscription("ok/+", 0, false, false, 0)), List.of()));
      assertThat(c.expect(SubAck.class, WAIT).reasonCodes()).containsExactly(
          ReasonCodes.SHARED_SUBSCRIPTIONS_NOT_SUPPORTED, ReasonCodes.TOPIC_FILTER_INVALID, 0);
      c.send(new Publish("a", new byte[0], 0, false, false, 0, MessageProperties.NONE, 3, List.of()));
      assertThat(c.awaitClose(WAIT)).isInstanceOfSatisfying(Disconnect.class,
          d -> assertThat(d.reasonCode()).isEqualTo(ReasonCodes.TOPIC_ALIAS_INVALID));
    }
  }

  @Test
  void a_payload_that_is_not_the_utf8_it_claims_gets_puback_0x99_and_is_not_routed() throws Exception {
    LocalMqttClient watcher = bus.connect("watcher");
    Subscription s = watcher.subscribe("u", QoS.AT_LEAST_ONCE).get(5, TimeUnit.SECONDS);
    try (RawClient c = RawClient.connect(server, 5, "utf8", true, 0)) {
      MessageProperties utf8 = MessageProperties.builder().payloadIsUtf8(true).build();
      c.send(new Publish("u", new byte[] {(byte) 0xC3}, 1, false, false, 5, utf8, 0, List.of()));
      PubAck ack = c.expect(PubAck.class, WAIT);
      assertThat(ack.reasonCode()).isEqualTo(ReasonCodes.PAYLOAD_FORMAT_INVALID);
      c.send(new Publish("u", "ü".getBytes(StandardCharsets.UTF_8), 1, false, false, 6, utf8, 0, List.of()));
      assertThat(c.expect(PubAck.class, WAIT).reasonCode()).isZero();
    }
    assertThat(s.next(WAIT).payloadAsString()).isEqualTo("ü");
    watcher.close();
  }

  @Test
  void a_packet_over_the_maximum_size_closes_with_0x95() throws Exception {
    try (RawClient c = RawClient.connect(server, 5, "big", true, 0)) {
      c.send(publish("a", "x".repeat(5000), 0, 0));
      assertThat(c.awaitClose(WAIT)).isInstanceOfSatisfying(Disconnect.class,
          d -> assertThat(d.reasonCode()).isEqualTo(ReasonCodes.PACKET_TOO_LARGE));
    }
  }

  @Test
  void unsupported_protocol_versions_get_the_connack_they_can_read() throws Exception {
    try (RawClient c = RawClient.open(server, 4)) {
      c.sendBytes(HexFormat.of().parseHex("100f00064d514973647003020000000178"));
      assertThat(c.awaitClose(WAIT)).isEqualTo(Connack.refused(ReasonCodes.V4_UNACCEPTABLE_PROTOCOL_VERSION, null));
    }
    try (RawClient c = RawClient.open(server, 5)) {
      c.sendBytes(HexFormat.of().parseHex("100d00044d51545406020000000178"));
      assertThat(c.awaitClose(WAIT)).isEqualTo(Connack.refused(ReasonCodes.UNSUPPORTED_PROTOCOL_VERSION, null));
    }
  }

  @Test
  void malformed_packets_close_only_their_own_connection() throws Exception {
    LocalMqttClient inProcess = bus.connect("in-process");
    Subscription seen = inProcess.subscribe("healthy/#", QoS.AT_LEAST_ONCE).get(5, TimeUnit.SECONDS);
    try (RawClient good = RawClient.connect(server, 5, "good", true, 0)) {
      good.send(subscribe(1, "healthy/#", 1));
      good.expect(SubAck.class, WAIT);
      Random random = new Random(7);
      for (int i = 0; i < 40; i++) {
        try (RawClient bad = RawClient.connect(server, i % 2 == 0 ? 5 : 4, "bad-" + i, true, 0)) {
          byte[] garbage = new byte[1 + random.nextInt(60)];
          random.nextBytes(garbage);
          garbage[0] = (byte) (0x30 | random.nextInt(16)); // mostly broken PUBLISHes and other types
          try {
            bad.sendBytes(garbage);
            bad.send(new Packet.PingReq());
            bad.receive(Duration.ofMillis(50));
          } catch (IOException closed) {
            // the server closed it: that is the point
          }
        }
      }
      good.send(publish("healthy/1", "still here", 1, 2));
      assertThat(good.expect(PubAck.class, WAIT).reasonCode()).isZero();
      assertThat(new String(good.expect(Publish.class, WAIT).payload(), StandardCharsets.UTF_8))
          .isEqualTo("still here");
    }
    assertThat(seen.next(WAIT).payloadAsString()).isEqualTo("still here");
    await().atMost(WAIT).until(() -> server.stats().connections() == 0);
    inProcess.close();
  }

  @Test
  void a_stopped_bus_refuses_connects_with_0x88_and_drops_connections_with_0x8b() throws Exception {
    try (RawClient c = RawClient.connect(server, 5, "bus-watch", true, 0)) {
      bus.stop();
      // 0x88 is a CONNACK-only code: in a DISCONNECT the aws-crt client rejects it and misses the event.
      assertThat(c.awaitClose(WAIT)).isInstanceOfSatisfying(Disconnect.class,
          d -> assertThat(d.reasonCode()).isEqualTo(ReasonCodes.SERVER_SHUTTING_DOWN));
    }
    try (RawClient c = RawClient.open(server, 5)) {
      c.send(Connect.of(5, "late", true, 30, 0));
      assertThat(c.awaitClose(WAIT)).isInstanceOfSatisfying(Connack.class,
          a -> assertThat(a.reasonCode()).isEqualTo(ReasonCodes.SERVER_UNAVAILABLE));
    }
    bus.start(true);
    try (RawClient c = RawClient.connect(server, 5, "late", true, 0)) {
      assertThat(c.connack().reasonCode()).isZero();
    }
  }

  @Test
  void closing_the_server_says_shutting_down_and_frees_the_port() throws Exception {
    RawClient c = RawClient.connect(server, 5, "bye", true, 0);
    int port = server.port();
    server.close();
    assertThat(c.awaitClose(WAIT)).isInstanceOfSatisfying(Disconnect.class,
        d -> assertThat(d.reasonCode()).isEqualTo(ReasonCodes.SERVER_SHUTTING_DOWN));
    c.close();
    server = MqttServer.start(bus, MqttServerOptions.builder().port(port).build());
    assertThat(server.port()).isEqualTo(port);
    assertThatThrownBy(() -> MqttServer.start(bus, MqttServerOptions.builder().port(port).build()))
        .isInstanceOf(java.net.BindException.class);
  }
}
