package dev.thingbridge.mqtt.local.server;

import static dev.thingbridge.mqtt.local.server.MqttServerProtocolTest.WAIT;
import static dev.thingbridge.mqtt.local.server.MqttServerProtocolTest.publish;
import static dev.thingbridge.mqtt.local.server.MqttServerProtocolTest.subscribe;
import static org.assertj.core.api.Assertions.assertThat;

import dev.thingbridge.mqtt.MessageProperties;
import dev.thingbridge.mqtt.MessageProperties.UserProperty;
import dev.thingbridge.mqtt.MqttMessage;
import dev.thingbridge.mqtt.QoS;
import dev.thingbridge.mqtt.Subscription;
import dev.thingbridge.mqtt.local.LocalBroker;
import dev.thingbridge.mqtt.local.LocalMqttClient;
import dev.thingbridge.mqtt.codec.Packet.PubAck;
import dev.thingbridge.mqtt.codec.Packet.Publish;
import dev.thingbridge.mqtt.codec.Packet.SubAck;
import dev.thingbridge.mqtt.codec.Packet.Subscribe;
import dev.thingbridge.mqtt.codec.Packet.TopicSubscription;
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

/**
 * What network clients receive, and that they share one bus with in-process clients: No Local,
 * subscription identifiers, retained messages and their options, the {@code $} topic rule, MQTT 5
 * properties end to end, and many connections at once.
 */
@Timeout(value = 90, unit = TimeUnit.SECONDS)
class MqttServerRoutingTest {
  private static final MessageProperties ALL = MessageProperties.builder().contentType("application/json")
      .responseTopic("reply/here").correlationData(new byte[] {1, 2, 3}).payloadIsUtf8(true)
      .messageExpirySeconds(300L).userProperties(List.of(new UserProperty("k", "v"))).build();

  private LocalBroker bus;
  private MqttServer server;
  private LocalMqttClient inProcess;

  @BeforeEach
  void start() throws IOException {
    bus = new LocalBroker();
    server = MqttServer.start(bus, MqttServerOptions.builder().port(0).build());
    inProcess = bus.connect("in-process");
  }

  @AfterEach
  void stop() {
    inProcess.close();
    server.close();
  }

  private static Subscribe subscribeWith(int packetId, int subscriptionId, TopicSubscription... filters) {
    return new Subscribe(packetId, subscriptionId, List.of(filters), List.of());
  }

  private static String text(Publish p) {
    return new String(p.payload(), StandardCharsets.UTF_8);
  }

  @Test
  void no_local_keeps_a_clients_own_messages_from_it() throws Exception {
    try (RawClient c = RawClient.connect(server, 5, "nl", true, 0)) {
      c.send(subscribeWith(1, 0, new TopicSubscription("nl/#", 1, true, false, 0)));
      c.expect(SubAck.class, WAIT);
      c.send(publish("nl/own", "mine", 1, 2));
      c.expect(PubAck.class, WAIT);
      inProcess.publish("nl/other", "theirs".getBytes(), QoS.AT_LEAST_ONCE, false).get(5, TimeUnit.SECONDS);
      Publish p = c.expect(Publish.class, WAIT);
      assertThat(text(p)).isEqualTo("theirs");
      assertThat(c.receive(Duration.ofMillis(300))).isNull();
    }
  }

  @Test
  void overlapping_subscriptions_deliver_once_with_every_subscription_identifier_at_the_highest_qos()
      throws Exception {
    try (RawClient c = RawClient.connect(server, 5, "ids", true, 0)) {
      c.send(subscribeWith(1, 5, new TopicSubscription("a/+", 0, false, false, 0)));
      c.send(subscribeWith(2, 7, new TopicSubscription("a/#", 1, false, false, 0)));
      c.expect(SubAck.class, WAIT);
      c.expect(SubAck.class, WAIT);
      inProcess.publish("a/b", "x".getBytes(), QoS.AT_LEAST_ONCE, false).get(5, TimeUnit.SECONDS);
      Publish p = c.expect(Publish.class, WAIT);
      assertThat(p.subscriptionIds()).containsExactly(5, 7);
      assertThat(p.qos()).isEqualTo(1);
      assertThat(c.receive(Duration.ofMillis(300))).isNull();
    }
  }

  @Test
  void retained_messages_follow_retain_handling_and_retain_as_published() throws Exception {
    inProcess.publish("r/1", "kept".getBytes(), QoS.AT_LEAST_ONCE, true).get(5, TimeUnit.SECONDS);
    try (RawClient c = RawClient.connect(server, 5, "ret", true, 0)) {
      c.send(subscribe(1, "r/#", 1));
      c.expect(SubAck.class, WAIT);
      Publish retained = c.expect(Publish.class, WAIT);
      assertThat(retained.retain()).isTrue();
      assertThat(text(retained)).isEqualTo("kept");
      c.send(new PubAck(retained.packetId(), 0, null));

      c.send(subscribeWith(2, 0, new TopicSubscription("r/#", 1, false, false, 1))); // exists: no retained
      c.send(subscribeWith(3, 0, new TopicSubscription("r/+", 1, false, true, 2))); // never retained, RAP
      c.expect(SubAck.class, WAIT);
      c.expect(SubAck.class, WAIT);
      assertThat(c.receive(Duration.ofMillis(300))).isNull();

      inProcess.publish("r/2", "live".getBytes(), QoS.AT_LEAST_ONCE, true).get(5, TimeUnit.SECONDS);
      assertThat(c.expect(Publish.class, WAIT).retain()).as("retain as published on r/+").isTrue();
    }
    try (RawClient c = RawClient.connect(server, 4, "ret311", true, 0)) {
      inProcess.publish("r/1", new byte[0], QoS.AT_LEAST_ONCE, true).get(5, TimeUnit.SECONDS); // clears r/1
      c.send(subscribe(1, "r/#", 1));
      c.expect(SubAck.class, WAIT);
      Publish only = c.expect(Publish.class, WAIT);
      assertThat(only.topic()).isEqualTo("r/2");
      assertThat(c.receive(Duration.ofMillis(300))).isNull();
    }
  }

  @Test
  void wildcards_at_the_first_level_do_not_match_dollar_topics_as_on_aws_iot() throws Exception {
    try (RawClient c = RawClient.connect(server, 5, "dollar", true, 0)) {
      c.send(new Subscribe(1, 0, List.of(new TopicSubscription("#", 1, false, false, 0),
          new TopicSubscription("+/things/t1/shadow/update", 1, false, false, 0)), List.of()));
      c.expect(SubAck.class, WAIT);
      inProcess.publish("$aws/things/t1/shadow/update", "{}".getBytes(), QoS.AT_LEAST_ONCE, false)
          .get(5, TimeUnit.SECONDS);
      inProcess.publish("plain/topic", "p".getBytes(), QoS.AT_LEAST_ONCE, false).get(5, TimeUnit.SECONDS);
      assertThat(c.expect(Publish.class, WAIT).topic()).isEqualTo("plain/topic");
      c.send(subscribe(2, "$aws/things/+/shadow/#", 1));
      c.expect(SubAck.class, WAIT);
      inProcess.publish("$aws/things/t1/shadow/update", "{}".getBytes(), QoS.AT_LEAST_ONCE, false)
          .get(5, TimeUnit.SECONDS);
      assertThat(c.expect(Publish.class, WAIT).topic()).isEqualTo("$aws/things/t1/shadow/update");
    }
  }

  @Test
  void mqtt5_properties_cross_between_network_and_in_process_clients_and_drop_for_311() throws Exception {
    Subscription s = inProcess.subscribe("props/#", QoS.AT_LEAST_ONCE).get(5, TimeUnit.SECONDS);
    try (RawClient v5 = RawClient.connect(server, 5, "p5", true, 0);
        RawClient v311 = RawClient.connect(server, 4, "p311", true, 0)) {
      v5.send(subscribe(1, "back/#", 1));
      v5.expect(SubAck.class, WAIT);
      v311.send(subscribe(1, "back/#", 1));
      v311.expect(SubAck.class, WAIT);

      v5.send(new Publish("props/in", "{\"a\":1}".getBytes(StandardCharsets.UTF_8), 1, false, false, 9, ALL, 0,
          List.of()));
      v5.expect(PubAck.class, WAIT);
      MqttMessage got = s.next(WAIT);
      assertThat(got.properties()).isEqualTo(ALL);

      inProcess.publish(new MqttMessage("back/out", "{}".getBytes(), QoS.AT_LEAST_ONCE, false, ALL))
          .get(5, TimeUnit.SECONDS);
      Publish p5 = v5.expect(Publish.class, WAIT);
      assertThat(p5.properties().contentType()).contains("application/json");
      assertThat(p5.properties().responseTopic()).contains("reply/here");
      assertThat(p5.properties().correlationData()).hasValueSatisfying(b -> assertThat(b).containsExactly(1, 2, 3));
      assertThat(p5.properties().userProperties()).containsExactly(new UserProperty("k", "v"));
      assertThat(p5.properties().payloadIsUtf8()).contains(true);
      assertThat(p5.properties().messageExpirySeconds()).hasValueSatisfying(v -> assertThat(v).isBetween(299L, 300L));
      Publish p311 = v311.expect(Publish.class, WAIT);
      assertThat(p311.properties().isEmpty()).isTrue();
      assertThat(text(p311)).isEqualTo("{}");
    }
  }

  @Test
  void a_hundred_and_fifty_connections_each_get_a_broadcast() throws Exception {
    List<RawClient> clients = new ArrayList<>();
    try {
      for (int i = 0; i < 150; i++) {
        RawClient c = RawClient.connect(server, i % 3 == 0 ? 4 : 5, "many-" + i, true, 0);
        c.send(subscribe(1, "all", 1));
        clients.add(c);
      }
      for (RawClient c : clients) {
        c.expect(SubAck.class, WAIT);
      }
      assertThat(server.stats().connections()).isEqualTo(150);
      inProcess.publish("all", "hello".getBytes(), QoS.AT_LEAST_ONCE, false).get(5, TimeUnit.SECONDS);
      for (RawClient c : clients) {
        assertThat(text(c.expect(Publish.class, WAIT))).isEqualTo("hello");
      }
    } finally {
      for (RawClient c : clients) {
        c.close();
      }
    }
  }
}
