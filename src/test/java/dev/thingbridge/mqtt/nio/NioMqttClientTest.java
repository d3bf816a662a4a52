package dev.thingbridge.mqtt.nio;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import dev.thingbridge.mqtt.ConnectionListener;
import dev.thingbridge.mqtt.MqttEndpoint;
import dev.thingbridge.mqtt.MqttMessage;
import dev.thingbridge.mqtt.MqttNotConnectedException;
import dev.thingbridge.mqtt.MqttRefusedException;
import dev.thingbridge.mqtt.MqttTimeoutException;
import dev.thingbridge.mqtt.QoS;
import dev.thingbridge.mqtt.codec.Packet;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * What the NIO client does on the wire where Mosquitto cannot be made to misbehave on cue (the contract suite
 * covers the rest against a real Mosquitto): a scripted broker on a loopback socket plays each case.
 */
@Timeout(value = 30, unit = TimeUnit.SECONDS)
class NioMqttClientTest {
  private final ScriptedBroker broker = newBroker();
  private final List<NioMqttClient> clients = new ArrayList<>();

  private static ScriptedBroker newBroker() {
    try {
      return new ScriptedBroker();
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }

  @AfterEach
  void tearDown() throws Exception {
    clients.forEach(NioMqttClient::close);
    broker.close();
  }

  private NioMqttOptions.Builder options() {
    return NioMqttOptions.builder(broker.endpoint(), "nio-test")
        .reconnectDelay(Duration.ofMillis(50), Duration.ofMillis(200));
  }

  private NioMqttClient started(NioMqttOptions o) {
    NioMqttClient c = NioMqttClient.start(o);
    clients.add(c);
    return c;
  }

  private static MqttMessage message(String topic, String text) {
    return MqttMessage.of(topic, text.getBytes(StandardCharsets.UTF_8), QoS.AT_LEAST_ONCE);
  }

  @Test
  void the_connect_carries_the_options_and_a_refusal_fails_connect_with_the_brokers_code() throws Exception {
    CompletableFuture<Throwable> failure = CompletableFuture.supplyAsync(() -> {
      try {
        NioMqttClient.connect(options().keepAlive(Duration.ofSeconds(17)).sessionExpiry(Duration.ofSeconds(300))
            .build(), Duration.ofSeconds(10)).close();
        return null;
      } catch (Exception e) {
        return e;
      }
    });
    Packet.Connect connect = broker.accept();
    assertThat(connect.protocolVersion()).isEqualTo(Packet.V5);
    assertThat(connect.clientId()).isEqualTo("nio-test");
    assertThat(connect.keepAliveSeconds()).isEqualTo(17);
    assertThat(connect.sessionExpirySeconds()).isEqualTo(300);
    assertThat(connect.cleanStart()).as("the first connection starts clean").isTrue();
    broker.send(Packet.Connack.refused(0x87, "not authorized here"));
    assertThat(failure.get(10, TimeUnit.SECONDS)).isInstanceOf(MqttRefusedException.class)
        .hasMessageContaining("not authorized here");
    assertThat(((MqttRefusedException) failure.get()).reasonCode()).isEqualTo(0x87);
  }

  @Test
  void connect_to_a_closed_port_fails_fast_with_a_clear_error() throws Exception {
    int port;
    try (ServerSocket s = new ServerSocket(0)) {
      port = s.getLocalPort();
    }
    long start = System.nanoTime();
    assertThatThrownBy(() -> NioMqttClient.connect(
        NioMqttOptions.builder(MqttEndpoint.plain("127.0.0.1", port), "x").build(), Duration.ofSeconds(10)))
        .isInstanceOf(MqttNotConnectedException.class).hasMessageContaining("127.0.0.1:" + port);
    assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(5));
  }

  @Test
  void publishes_beyond_the_brokers_receive_maximum_wait_for_a_puback_in_order() throws Exception {
    NioMqttClient c = started(options().build());
    broker.acceptAndAck(false, 2);
    c.awaitConnected(Duration.ofSeconds(5)).get(10, TimeUnit.SECONDS);
    List<CompletableFuture<Void>> sent = new ArrayList<>();
    for (int i = 0; i < 4; i++) {
      sent.add(c.publish(message("t/" + i, "m" + i)));
    }
    Packet.Publish first = broker.expect(Packet.Publish.class);
    Packet.Publish second = broker.expect(Packet.Publish.class);
    assertThat(List.of(first.topic(), second.topic())).containsExactly("t/0", "t/1");
    assertThat(broker.read(Duration.ofMillis(300))).as("a third publish over the receive maximum of 2").isNull();
    broker.send(new Packet.PubAck(first.packetId(), 0, null));
    assertThat(broker.expect(Packet.Publish.class).topic()).isEqualTo("t/2");
    sent.get(0).get(5, TimeUnit.SECONDS);
    assertThat(sent.get(3)).isNotDone();
  }

  @Test
  void an_unacknowledged_publish_is_sent_again_with_dup_when_the_session_is_resumed() throws Exception {
    NioMqttClient c = started(options().build());
    broker.acceptAndAck(false, null);
    c.awaitConnected(Duration.ofSeconds(5)).get(10, TimeUnit.SECONDS);
    CompletableFuture<Void> sent = c.publish(message("t/resend", "once"));
    Packet.Publish original = broker.expect(Packet.Publish.class);
    assertThat(original.dup()).isFalse();
    broker.cut();
    Packet.Connect again = broker.acceptAndAck(true, null);
    assertThat(again.cleanStart()).as("a reconnect resumes the session").isFalse();
    Packet.Publish resent = broker.expect(Packet.Publish.class);
    assertThat(resent.dup()).isTrue();
    assertThat(resent.packetId()).isEqualTo(original.packetId());
    assertThat(new String(resent.payload(), StandardCharsets.UTF_8)).isEqualTo("once");
    assertThat(sent).isNotDone();
    broker.send(new Packet.PubAck(resent.packetId(), 0, null));
    sent.get(5, TimeUnit.SECONDS);
  }

  @Test
  void a_refused_puback_fails_the_publish_and_a_missing_one_times_out() throws Exception {
    NioMqttClient c = started(options().ackTimeout(Duration.ofMillis(400)).build());
    broker.acceptAndAck(false, null);
    c.awaitConnected(Duration.ofSeconds(5)).get(10, TimeUnit.SECONDS);
    CompletableFuture<Void> refused = c.publish(message("t/refused", "x"));
    broker.send(new Packet.PubAck(broker.expect(Packet.Publish.class).packetId(), 0x97, "quota exceeded for t"));
    assertThatThrownBy(() -> refused.get(5, TimeUnit.SECONDS)).isInstanceOf(ExecutionException.class)
        .cause().isInstanceOf(MqttRefusedException.class).hasMessageContaining("quota exceeded for t");
    CompletableFuture<Void> unanswered = c.publish(message("t/silent", "x"));
    broker.expect(Packet.Publish.class);
    assertThatThrownBy(() -> unanswered.get(5, TimeUnit.SECONDS)).isInstanceOf(ExecutionException.class)
        .cause().isInstanceOf(MqttTimeoutException.class).hasMessageContaining("t/silent");
  }

  @Test
  void replies_published_on_the_delivery_thread_leave_with_the_requests_puback_in_one_write() throws Exception {
    NioMqttClient c = started(options().build());
    broker.acceptAndAck(false, null);
    c.awaitConnected(Duration.ofSeconds(5)).get(10, TimeUnit.SECONDS);
    // A hand-off listener runs on the client's I/O thread, as the twin's does, and answers each request twice.
    c.subscribe(List.of(dev.thingbridge.mqtt.SubscriptionFilter.of("req/+", QoS.AT_LEAST_ONCE)),
        new dev.thingbridge.mqtt.internal.HandOffListener() {
          @Override
          public void onMessage(MqttMessage m) {
            c.publish(message(m.topic() + "/accepted", "a"));
            c.publish(message(m.topic() + "/documents", "d"));
          }
        });
    Packet.Subscribe subscribe = broker.expect(Packet.Subscribe.class);
    broker.send(new Packet.SubAck(subscribe.packetId(), List.of(1), null));
    await().atMost(Duration.ofSeconds(5)).until(() -> c.socketWrites() >= 2); // CONNECT, SUBSCRIBE
    Thread.sleep(100); // let the SUBACK's turn end before counting
    long before = c.socketWrites();

    broker.send(new Packet.Publish("req/1", "r".getBytes(StandardCharsets.UTF_8), 1, false, false, 7,
        dev.thingbridge.mqtt.MessageProperties.NONE, 0, List.of()));
    List<String> seen = new ArrayList<>();
    for (int i = 0; i < 3; i++) {
      Packet p = broker.read(Duration.ofSeconds(5));
      seen.add(p instanceof Packet.PubAck a ? "PUBACK " + a.packetId() : ((Packet.Publish) p).topic());
    }
    assertThat(seen).containsExactly("req/1/accepted", "req/1/documents", "PUBACK 7");
    await().atMost(Duration.ofSeconds(5)).until(() -> c.socketWrites() > before);
    assertThat(c.socketWrites() - before).as("the PUBACK and both replies in one write").isEqualTo(1);
  }

  @Test
  void keep_alive_pings_and_a_missing_pingresp_makes_the_client_reconnect() throws Exception {
    NioMqttClient c = started(options().keepAlive(Duration.ofSeconds(1)).build());
    broker.acceptAndAck(false, null);
    c.awaitConnected(Duration.ofSeconds(5)).get(10, TimeUnit.SECONDS);
    broker.expect(Packet.PingReq.class);
    broker.send(new Packet.PingResp());
    broker.expect(Packet.PingReq.class);
    // No answer this time: after a keep-alive without PINGRESP the client gives up on the connection.
    Packet.Connect again = broker.acceptAndAck(true, null);
    assertThat(again.clientId()).isEqualTo("nio-test");
  }

  @Test
  void a_disconnect_from_the_broker_is_reported_with_the_reason_codes_name() throws Exception {
    NioMqttClient c = started(options().build());
    List<String> reasons = new CopyOnWriteArrayList<>();
    c.addConnectionListener(new ConnectionListener() {
      @Override
      public void onDisconnected(String reason) {
        reasons.add(reason);
      }
    });
    broker.acceptAndAck(false, null);
    c.awaitConnected(Duration.ofSeconds(5)).get(10, TimeUnit.SECONDS);
    broker.send(new Packet.Disconnect(0x8E, null, "another client took the id"));
    await().atMost(Duration.ofSeconds(5)).until(() -> !reasons.isEmpty());
    assertThat(reasons.get(0)).contains("SESSION_TAKEN_OVER").contains("another client took the id");
  }

  @Test
  void a_malformed_packet_drops_the_connection_and_the_client_comes_back() throws Exception {
    NioMqttClient c = started(options().build());
    broker.acceptAndAck(false, null);
    c.awaitConnected(Duration.ofSeconds(5)).get(10, TimeUnit.SECONDS);
    broker.sendRaw(new byte[] {(byte) 0x30, 2, 0, 9}); // a PUBLISH whose topic length runs past its end
    broker.acceptAndAck(true, null);
    await().atMost(Duration.ofSeconds(5)).until(() -> c.state() == dev.thingbridge.mqtt.ConnectionState.CONNECTED);
    CompletableFuture<Void> sent = c.publish(message("t/after", "ok"));
    broker.send(new Packet.PubAck(broker.expect(Packet.Publish.class).packetId(), 0, null));
    sent.get(5, TimeUnit.SECONDS);
  }
}
