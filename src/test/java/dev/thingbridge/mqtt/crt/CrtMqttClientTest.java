package dev.thingbridge.mqtt.crt;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import dev.thingbridge.mqtt.ConnectionListener;
import dev.thingbridge.mqtt.ConnectionState;
import dev.thingbridge.mqtt.MessageProperties;
import dev.thingbridge.mqtt.MessageProperties.UserProperty;
import dev.thingbridge.mqtt.MqttEndpoint;
import dev.thingbridge.mqtt.MqttMessage;
import dev.thingbridge.mqtt.MqttNotConnectedException;
import dev.thingbridge.mqtt.MqttSessionLostException;
import dev.thingbridge.mqtt.MqttTimeoutException;
import dev.thingbridge.mqtt.QoS;
import dev.thingbridge.mqtt.Subscription;
import dev.thingbridge.mqtt.SubscriptionFilter;
import dev.thingbridge.testing.Mosquitto;
import dev.thingbridge.testing.TestPki;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** The direct backend's own behaviour against a real Mosquitto with mutual TLS. */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class CrtMqttClientTest {
  private static final Duration WAIT = Duration.ofSeconds(10);

  @TempDir Path dir;
  private TestPki pki;
  private TestPki.ClientCredentials device;
  private Mosquitto broker;
  private final List<CrtMqttClient> clients = new ArrayList<>();

  @BeforeEach
  void startBroker() throws Exception {
    pki = TestPki.create(dir.resolve("pki"));
    device = pki.newClient("device");
    broker = Mosquitto.tls(dir.resolve("broker"), pki);
  }

  @AfterEach
  void stopEverything() {
    clients.forEach(CrtMqttClient::close);
    broker.close();
  }

  private CrtMqttClient connect(CrtMqttOptions options) throws InterruptedException {
    CrtMqttClient c = CrtMqttClient.connect(options, WAIT);
    clients.add(c);
    return c;
  }

  private CrtMqttClient connect(String id) throws InterruptedException {
    return connect(CrtTestSetup.options(broker, device, id).build());
  }

  @Test
  void a_client_certificate_from_another_ca_is_refused_with_a_typed_error_and_no_hang() {
    TestPki stranger = TestPki.create(dir.resolve("other-pki"), "other");
    TestPki.ClientCredentials foreign = stranger.newClient("intruder");
    CrtMqttOptions options = CrtTestSetup.options(broker, foreign, "intruder").build();

    long start = System.nanoTime();
    assertThatThrownBy(() -> CrtMqttClient.connect(options, WAIT))
        .isInstanceOf(MqttNotConnectedException.class)
        .hasMessageContaining("could not connect to " + broker.endpoint());
    assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(WAIT);
  }

  @Test
  void a_broker_certificate_from_an_untrusted_ca_fails_the_handshake() {
    TestPki stranger = TestPki.create(dir.resolve("other-pki"), "other");
    // The CRT alone notices this only when its TLS negotiation times out; connect's TLS probe names it.
    CrtMqttOptions options = CrtTestSetup.options(broker, device, "trusting-the-wrong-ca")
        .certificateAuthority(stranger.caFile())
        .connectTimeout(Duration.ofSeconds(1))
        .build();

    assertThatThrownBy(() -> CrtMqttClient.connect(options, Duration.ofSeconds(60)))
        .isInstanceOf(MqttNotConnectedException.class)
        .hasMessageContaining("not trusted");
  }

  @Test
  void await_connected_times_out_when_nothing_listens() throws Exception {
    int closedPort;
    try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      closedPort = s.getLocalPort();
    }
    CrtMqttClient c = CrtMqttClient.start(CrtMqttOptions.builder(MqttEndpoint.plain("127.0.0.1", closedPort), "lonely")
        .reconnectDelay(Duration.ofMillis(50), Duration.ofMillis(200))
        .build());
    clients.add(c);

    CompletableFuture<Void> connected = c.awaitConnected(Duration.ofMillis(700));
    assertThatThrownBy(() -> connected.get(5, TimeUnit.SECONDS))
        .isInstanceOf(ExecutionException.class)
        .hasCauseInstanceOf(MqttTimeoutException.class);
    assertThat(c.state()).isEqualTo(ConnectionState.CONNECTING);
    await().atMost(WAIT).untilAsserted(() -> assertThat(c.lastConnectionFailure())
        .hasMessageContaining("AWS_IO_SOCKET_CONNECTION_REFUSED"));
  }

  @Test
  void mqtt5_properties_survive_a_round_trip() throws Exception {
    CrtMqttClient pub = connect("props-pub");
    CrtMqttClient sub = connect("props-sub");
    Subscription s = sub.subscribe("tb/props", QoS.AT_LEAST_ONCE).get(10, TimeUnit.SECONDS);
    MessageProperties props = MessageProperties.builder()
        .contentType("application/cbor")
        .messageExpirySeconds(120L)
        .responseTopic("tb/props/reply")
        .correlationData(new byte[] {1, 2, 3, (byte) 0xff})
        .payloadIsUtf8(false)
        .userProperties(List.of(new UserProperty("a", "1"), new UserProperty("a", "2"), new UserProperty("ü", "ß")))
        .build();

    pub.publish(new MqttMessage("tb/props", new byte[] {9, 8, 7}, QoS.AT_LEAST_ONCE, false, props))
        .get(10, TimeUnit.SECONDS);

    MqttMessage got = s.next(WAIT);
    assertThat(got.payload()).containsExactly(9, 8, 7);
    assertThat(got.properties().contentType()).contains("application/cbor");
    assertThat(got.properties().messageExpirySeconds()).hasValueSatisfying(v -> assertThat(v).isBetween(119L, 120L));
    assertThat(got.properties().responseTopic()).contains("tb/props/reply");
    assertThat(got.properties().correlationData()).hasValueSatisfying(
        v -> assertThat(v).containsExactly(1, 2, 3, 0xff));
    assertThat(got.properties().payloadIsUtf8()).contains(false);
    assertThat(got.properties().userProperties()).containsExactly(
        new UserProperty("a", "1"), new UserProperty("a", "2"), new UserProperty("ü", "ß"));
  }

  @Test
  void no_local_keeps_a_clients_own_publishes_away_from_it() throws Exception {
    CrtMqttClient self = connect("nolocal-self");
    CrtMqttClient other = connect("nolocal-other");
    Subscription s = self.subscribe(List.of(new SubscriptionFilter("tb/nolocal", QoS.AT_LEAST_ONCE, true)))
        .get(10, TimeUnit.SECONDS);

    self.publish("tb/nolocal", bytes("mine"), QoS.AT_LEAST_ONCE, false).get(10, TimeUnit.SECONDS);
    other.publish("tb/nolocal", bytes("theirs"), QoS.AT_LEAST_ONCE, false).get(10, TimeUnit.SECONDS);

    assertThat(s.next(WAIT).payloadAsString()).isEqualTo("theirs");
    assertThatThrownBy(() -> s.next(Duration.ofMillis(300))).isInstanceOf(MqttTimeoutException.class);
  }

  @Test
  void overlapping_filters_deliver_one_copy_to_each_subscription() throws Exception {
    CrtMqttClient pub = connect("overlap-pub");
    CrtMqttClient sub = connect("overlap-sub");
    Subscription both = sub.subscribe(List.of(SubscriptionFilter.of("tb/o/+/x", QoS.AT_LEAST_ONCE),
        SubscriptionFilter.of("tb/o/#", QoS.AT_MOST_ONCE))).get(10, TimeUnit.SECONDS);

    pub.publish("tb/o/a/x", bytes("1"), QoS.AT_LEAST_ONCE, false).get(10, TimeUnit.SECONDS);
    pub.publish("tb/o/a/y", bytes("2"), QoS.AT_LEAST_ONCE, false).get(10, TimeUnit.SECONDS);

    MqttMessage first = both.next(WAIT);
    assertThat(first.payloadAsString()).isEqualTo("1");
    assertThat(first.qos()).isEqualTo(QoS.AT_LEAST_ONCE);
    assertThat(both.next(WAIT).payloadAsString()).isEqualTo("2");
    assertThatThrownBy(() -> both.next(Duration.ofMillis(300))).isInstanceOf(MqttTimeoutException.class);
  }

  @Test
  void with_the_default_session_behaviour_mosquitto_keeps_the_session_from_the_second_connection_on()
      throws Exception {
    CrtMqttClient pub = connect("rejoin-pub");
    CrtMqttClient sub = connect("rejoin-sub");
    List<Boolean> sessionPresent = new CopyOnWriteArrayList<>();
    sub.addConnectionListener(new ConnectionListener() {
      @Override
      public void onConnected(boolean present) {
        sessionPresent.add(present);
      }
    });
    Subscription s = sub.subscribe("tb/rejoin", QoS.AT_LEAST_ONCE).get(10, TimeUnit.SECONDS);

    // The first connection used clean start, and Mosquitto 2.0 does not save such a session.
    broker.restart(true);
    await().atMost(WAIT).until(() -> sessionPresent.size() == 1);
    assertThatThrownBy(() -> s.next(WAIT)).isInstanceOf(MqttSessionLostException.class);
    pub.awaitConnected(WAIT).get(15, TimeUnit.SECONDS);
    pub.publish("tb/rejoin", bytes("renewed"), QoS.AT_LEAST_ONCE, false).get(10, TimeUnit.SECONDS);
    assertThat(s.next(WAIT).payloadAsString()).isEqualTo("renewed");

    // The reconnect resumed (clean start 0), so from now on the session survives restarts.
    broker.restart(true);
    await().atMost(WAIT).until(() -> sessionPresent.size() == 2);
    assertThat(sessionPresent).containsExactly(false, true);
    pub.awaitConnected(WAIT).get(15, TimeUnit.SECONDS);
    pub.publish("tb/rejoin", bytes("kept"), QoS.AT_LEAST_ONCE, false).get(10, TimeUnit.SECONDS);
    // At least once: if the broker stopped before our PUBACK of "renewed" reached it, the kept session
    // delivers "renewed" again (with DUP) before "kept".
    String next = s.next(WAIT).payloadAsString();
    if (next.equals("renewed")) {
      next = s.next(WAIT).payloadAsString();
    }
    assertThat(next).isEqualTo("kept");
  }

  @Test
  void offline_qos0_fails_at_once_and_qos1_waits_for_the_reconnect() throws Exception {
    CrtMqttClient pub = connect("offline-pub");
    CrtMqttClient sub = connect(CrtTestSetup.options(broker, device, "offline-sub")
        .sessionBehavior(SessionBehavior.REJOIN_ALWAYS).build());
    Subscription s = sub.subscribe("tb/offline", QoS.AT_LEAST_ONCE).get(10, TimeUnit.SECONDS);

    broker.stop();
    await().atMost(WAIT).until(() -> pub.state() == ConnectionState.CONNECTING);
    CompletableFuture<Void> qos0 = pub.publish("tb/offline", bytes("zero"), QoS.AT_MOST_ONCE, false);
    CompletableFuture<Void> qos1 = pub.publish("tb/offline", bytes("one"), QoS.AT_LEAST_ONCE, false);
    assertThatThrownBy(() -> qos0.get(5, TimeUnit.SECONDS)).hasCauseInstanceOf(MqttNotConnectedException.class);
    assertThat(qos1).isNotDone();

    broker.start(true);
    qos1.get(15, TimeUnit.SECONDS);
    assertThat(s.next(WAIT).payloadAsString()).isEqualTo("one");
  }

  @Test
  void ec_client_keys_work_and_pki_writes_keys_the_way_aws_iot_does() throws Exception {
    TestPki.ClientCredentials ec = pki.newEcClient("ec-device");
    assertThat(Files.readString(device.privateKey())).startsWith("-----BEGIN RSA PRIVATE KEY-----");
    assertThat(Files.readString(ec.privateKey())).startsWith("-----BEGIN EC PRIVATE KEY-----");

    CrtMqttClient c = connect(CrtTestSetup.options(broker, ec, "ec-device").build());
    assertThat(c.state()).isEqualTo(ConnectionState.CONNECTED);
    assertThat(broker.log()).contains("ec-device");
  }

  @Test
  void tls_files_for_a_plain_endpoint_or_missing_files_are_rejected_when_building_options() {
    assertThatThrownBy(() -> CrtMqttOptions.builder(MqttEndpoint.plain("127.0.0.1", 1883), "x")
        .clientCertificate(device.certificate(), device.privateKey()).build())
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("plain TCP");
    assertThatThrownBy(() -> CrtMqttOptions.builder(broker.endpoint(), "x")
        .clientCertificate(dir.resolve("missing.pem"), device.privateKey()).build())
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("missing.pem");
  }

  private static byte[] bytes(String s) {
    return s.getBytes(StandardCharsets.UTF_8);
  }
}
