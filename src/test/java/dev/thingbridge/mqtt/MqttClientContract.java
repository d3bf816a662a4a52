package dev.thingbridge.mqtt;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import dev.thingbridge.mqtt.internal.UnobservedPublisher;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The behaviour every {@link MqttClient} backend must show. Each backend's test extends this with a
 * {@link Fixture} that makes clients of that backend against a real broker (or bus, or fake nucleus).
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
public abstract class MqttClientContract {
  protected static final Duration WAIT = Duration.ofSeconds(20);

  /** Makes clients of one backend and controls what stands behind them. */
  public interface Fixture extends AutoCloseable {
    /** A new client, connected or connecting. The fixture closes it at the end. */
    MqttClient newClient(String clientId) throws Exception;

    /** Restarts what the clients talk to; with {@code keepSessions} their sessions survive. */
    void restartBroker(boolean keepSessions) throws Exception;

    /** Takes the broker away until {@link #startBroker}; used for "disconnect during publish". */
    void stopBroker() throws Exception;

    /** Brings the broker back after {@link #stopBroker}. */
    void startBroker(boolean keepSessions) throws Exception;

    /**
     * Cuts the clients' own connection until {@link #restoreClientConnections}: the broker for a direct
     * client, the nucleus for a Greengrass component.
     */
    default void cutClientConnections() throws Exception {
      stopBroker();
    }

    /** Lets the clients connect again after {@link #cutClientConnections}, their sessions kept. */
    default void restoreClientConnections() throws Exception {
      startBroker(true);
    }

    /**
     * A client that sees what reaches the broker, with a session that outlives {@link #cutClientConnections}
     * (a cloud-side client where the backend has one).
     */
    default MqttClient newObserver(String clientId) throws Exception {
      return newClient(clientId);
    }
  }

  protected Fixture fixture;
  private final String run = UUID.randomUUID().toString().substring(0, 8);

  protected abstract Fixture createFixture() throws Exception;

  @BeforeEach
  void setUpFixture() throws Exception {
    fixture = createFixture();
  }

  @AfterEach
  void tearDownFixture() throws Exception {
    if (fixture != null) {
      fixture.close();
    }
  }

  /**
   * Whether inbound messages carry the QoS they were published with. Greengrass IPC does not report it
   * (messages carry their stream's subscription QoS), so that backend answers false.
   */
  protected boolean reportsDeliveryQos() {
    return true;
  }

  protected String topic(String suffix) {
    return "tb/" + run + "/" + suffix;
  }

  protected MqttClient connected(String id) throws Exception {
    MqttClient c = fixture.newClient(id + "-" + run);
    c.awaitConnected(WAIT).get(WAIT.toSeconds() + 5, TimeUnit.SECONDS);
    return c;
  }

  private static byte[] bytes(String s) {
    return s.getBytes(StandardCharsets.UTF_8);
  }

  @Test
  void qos0_and_qos1_messages_make_the_round_trip() throws Exception {
    MqttClient pub = connected("pub");
    MqttClient sub = connected("sub");
    Subscription s = sub.subscribe(topic("rt"), QoS.AT_LEAST_ONCE).get(20, TimeUnit.SECONDS);

    pub.publish(topic("rt"), bytes("zero"), QoS.AT_MOST_ONCE, false).get(20, TimeUnit.SECONDS);
    pub.publish(topic("rt"), bytes("one"), QoS.AT_LEAST_ONCE, false).get(20, TimeUnit.SECONDS);

    MqttMessage first = s.next(WAIT);
    MqttMessage second = s.next(WAIT);
    assertThat(first.payloadAsString()).isEqualTo("zero");
    if (reportsDeliveryQos()) {
      assertThat(first.qos()).isEqualTo(QoS.AT_MOST_ONCE);
    }
    assertThat(second.payloadAsString()).isEqualTo("one");
    assertThat(second.qos()).isEqualTo(QoS.AT_LEAST_ONCE);
    assertThat(second.topic()).isEqualTo(topic("rt"));
  }

  @Test
  void wildcards_match_per_mqtt_and_aws_reserved_topics_work() throws Exception {
    MqttClient pub = connected("pub");
    MqttClient sub = connected("sub");
    String thing = "thing-" + run;
    Subscription plus = sub.subscribe(topic("+/state"), QoS.AT_LEAST_ONCE).get(20, TimeUnit.SECONDS);
    Subscription hash = sub.subscribe(topic("#"), QoS.AT_LEAST_ONCE).get(20, TimeUnit.SECONDS);
    Subscription aws = sub.subscribe("$aws/things/" + thing + "/shadow/+/accepted", QoS.AT_LEAST_ONCE)
        .get(20, TimeUnit.SECONDS);

    pub.publish(topic("a/state"), bytes("p1"), QoS.AT_LEAST_ONCE, false).get(20, TimeUnit.SECONDS);
    pub.publish(topic("a/b/state"), bytes("p2"), QoS.AT_LEAST_ONCE, false).get(20, TimeUnit.SECONDS);
    pub.publish("$aws/things/" + thing + "/shadow/get/accepted", bytes("p3"), QoS.AT_LEAST_ONCE, false)
        .get(20, TimeUnit.SECONDS);

    assertThat(plus.next(WAIT).payloadAsString()).isEqualTo("p1");
    assertThat(hash.next(WAIT).payloadAsString()).isEqualTo("p1");
    assertThat(hash.next(WAIT).payloadAsString()).isEqualTo("p2");
    MqttMessage reserved = aws.next(WAIT);
    assertThat(reserved.payloadAsString()).isEqualTo("p3");
    assertThat(reserved.topic()).isEqualTo("$aws/things/" + thing + "/shadow/get/accepted");
    // "+/state" saw only the one-level topic, and nothing further arrives anywhere.
    assertThatThrownBy(() -> plus.next(Duration.ofMillis(300))).isInstanceOf(MqttTimeoutException.class);
    assertThatThrownBy(() -> hash.next(Duration.ofMillis(300))).isInstanceOf(MqttTimeoutException.class);
  }

  @Test
  void ten_thousand_messages_arrive_in_order() throws Exception {
    MqttClient pub = connected("pub");
    MqttClient sub = connected("sub");
    int count = 10_000;
    List<Integer> received = Collections.synchronizedList(new ArrayList<>());
    sub.subscribe(List.of(SubscriptionFilter.of(topic("order"), QoS.AT_LEAST_ONCE)),
        m -> received.add(Integer.parseInt(m.payloadAsString()))).get(20, TimeUnit.SECONDS);

    List<CompletableFuture<Void>> acks = new ArrayList<>();
    for (int i = 0; i < count; i++) {
      acks.add(pub.publish(topic("order"), bytes(Integer.toString(i)), QoS.AT_LEAST_ONCE, false));
      if (acks.size() >= 100) { // at most 100 in flight, as AWS IoT Core allows
        acks.remove(0).get(30, TimeUnit.SECONDS);
      }
    }
    CompletableFuture.allOf(acks.toArray(CompletableFuture[]::new)).get(60, TimeUnit.SECONDS);

    await().atMost(Duration.ofSeconds(60)).until(() -> received.size() >= count);
    List<Integer> expected = new ArrayList<>();
    for (int i = 0; i < count; i++) {
      expected.add(i);
    }
    assertThat(received).containsExactlyElementsOf(expected);
  }

  @Test
  void payload_at_the_limit_passes_and_over_it_fails_with_a_typed_error() throws Exception {
    MqttClient pub = connected("pub");
    MqttClient sub = connected("sub");
    int limit = pub.limits().maxPayloadBytes();
    Subscription s = sub.subscribe(topic("big"), QoS.AT_LEAST_ONCE).get(20, TimeUnit.SECONDS);

    byte[] atLimit = new byte[limit];
    atLimit[limit - 1] = 42;
    pub.publish(topic("big"), atLimit, QoS.AT_LEAST_ONCE, false).get(30, TimeUnit.SECONDS);
    assertThat(s.next(WAIT).payload()).isEqualTo(atLimit);

    CompletableFuture<Void> tooBig = pub.publish(topic("big"), new byte[limit + 1], QoS.AT_LEAST_ONCE, false);
    assertThatThrownBy(() -> tooBig.get(20, TimeUnit.SECONDS))
        .isInstanceOf(ExecutionException.class)
        .hasCauseInstanceOf(MqttPayloadTooLargeException.class);
    assertThatThrownBy(() -> pub.publish("bad/+/topic", bytes("x"), QoS.AT_MOST_ONCE, false))
        .isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void several_subscribers_on_one_filter_each_receive_and_unsubscribe_stops_only_one() throws Exception {
    MqttClient pub = connected("pub");
    MqttClient sub = connected("sub");
    Subscription a = sub.subscribe(topic("shared"), QoS.AT_LEAST_ONCE).get(20, TimeUnit.SECONDS);
    Subscription b = sub.subscribe(topic("shared"), QoS.AT_LEAST_ONCE).get(20, TimeUnit.SECONDS);

    pub.publish(topic("shared"), bytes("1"), QoS.AT_LEAST_ONCE, false).get(20, TimeUnit.SECONDS);
    assertThat(a.next(WAIT).payloadAsString()).isEqualTo("1");
    assertThat(b.next(WAIT).payloadAsString()).isEqualTo("1");

    a.unsubscribe().get(20, TimeUnit.SECONDS);
    pub.publish(topic("shared"), bytes("2"), QoS.AT_LEAST_ONCE, false).get(20, TimeUnit.SECONDS);
    assertThat(b.next(WAIT).payloadAsString()).isEqualTo("2");
    assertThatThrownBy(() -> a.next(Duration.ofMillis(200))).isInstanceOf(MqttClosedException.class);

    b.unsubscribe().get(20, TimeUnit.SECONDS);
    Subscription watcher = sub.subscribe(topic("other"), QoS.AT_LEAST_ONCE).get(20, TimeUnit.SECONDS);
    pub.publish(topic("shared"), bytes("3"), QoS.AT_LEAST_ONCE, false).get(20, TimeUnit.SECONDS);
    pub.publish(topic("other"), bytes("marker"), QoS.AT_LEAST_ONCE, false).get(20, TimeUnit.SECONDS);
    // The marker on another topic proves the broker had the chance to deliver "3", and did not.
    assertThat(watcher.next(WAIT).payloadAsString()).isEqualTo("marker");
    assertThatThrownBy(() -> b.next(Duration.ofMillis(200))).isInstanceOf(MqttClosedException.class);
  }

  @Test
  void restart_with_kept_session_is_silent_and_subscriptions_keep_working() throws Exception {
    MqttClient pub = connected("pub");
    MqttClient sub = connected("sub");
    AtomicInteger lost = new AtomicInteger();
    List<String> got = new CopyOnWriteArrayList<>();
    sub.subscribe(List.of(SubscriptionFilter.of(topic("keep"), QoS.AT_LEAST_ONCE)), new SubscriptionListener() {
      @Override
      public void onMessage(MqttMessage message) {
        got.add(message.payloadAsString());
      }

      @Override
      public void onSessionLost() {
        lost.incrementAndGet();
      }
    }).get(20, TimeUnit.SECONDS);

    fixture.restartBroker(true);
    pub.awaitConnected(WAIT).get(30, TimeUnit.SECONDS);
    sub.awaitConnected(WAIT).get(30, TimeUnit.SECONDS);
    pub.publish(topic("keep"), bytes("after"), QoS.AT_LEAST_ONCE, false).get(30, TimeUnit.SECONDS);

    await().atMost(WAIT).until(() -> got.contains("after"));
    assertThat(lost.get()).isZero();
  }

  @Test
  void restart_without_session_signals_session_lost_and_renews_subscriptions() throws Exception {
    MqttClient pub = connected("pub");
    MqttClient sub = connected("sub");
    Subscription s = sub.subscribe(topic("lost"), QoS.AT_LEAST_ONCE).get(20, TimeUnit.SECONDS);

    fixture.restartBroker(false);
    sub.awaitConnected(WAIT).get(30, TimeUnit.SECONDS);

    assertThatThrownBy(() -> s.next(WAIT)).isInstanceOf(MqttSessionLostException.class);
    pub.awaitConnected(WAIT).get(30, TimeUnit.SECONDS);
    pub.publish(topic("lost"), bytes("again"), QoS.AT_LEAST_ONCE, false).get(30, TimeUnit.SECONDS);
    assertThat(s.next(WAIT).payloadAsString()).isEqualTo("again");
  }

  @Test
  void a_removed_connection_listener_hears_no_later_reconnect() throws Exception {
    MqttClient c = connected("observed");
    List<String> kept = new CopyOnWriteArrayList<>();
    List<String> removed = new CopyOnWriteArrayList<>();
    ConnectionListener keeper = new ConnectionListener() {
      @Override
      public void onConnected(boolean sessionPresent) {
        kept.add("connected");
      }
    };
    ConnectionListener leaver = new ConnectionListener() {
      @Override
      public void onConnected(boolean sessionPresent) {
        removed.add("connected");
      }
    };
    c.addConnectionListener(keeper);
    c.addConnectionListener(leaver);
    fixture.restartBroker(false); // the one restart every backend, IPC included, reports
    await().atMost(WAIT).until(() -> kept.size() == 1 && removed.size() == 1);

    c.removeConnectionListener(leaver);
    c.removeConnectionListener(leaver); // a second removal is harmless
    fixture.restartBroker(false); // the one restart every backend, IPC included, reports

    await().atMost(WAIT).until(() -> kept.size() == 2);
    await().during(Duration.ofMillis(300)).atMost(WAIT).until(() -> removed.size() == 1);
  }

  @Test
  void a_publish_during_a_broker_outage_reaches_subscribers_once_it_is_back() throws Exception {
    MqttClient pub = connected("pub");
    MqttClient sub = connected("sub");
    Subscription s = sub.subscribe(topic("outage"), QoS.AT_LEAST_ONCE).get(20, TimeUnit.SECONDS);

    fixture.stopBroker();
    CompletableFuture<Void> during = pub.publish(topic("outage"), bytes("during"), QoS.AT_LEAST_ONCE, false);
    fixture.startBroker(true);

    during.get(60, TimeUnit.SECONDS);
    pub.awaitConnected(WAIT).get(30, TimeUnit.SECONDS);
    pub.publish(topic("outage"), bytes("after"), QoS.AT_LEAST_ONCE, false).get(30, TimeUnit.SECONDS);
    assertThat(receiveThrough(s, "after")).containsExactly("during", "after");
  }

  @Test
  void qos1_publishes_made_while_disconnected_are_held_and_sent_in_order_once_reconnected() throws Exception {
    MqttClient pub = connected("held-pub");
    MqttClient observer = fixture.newObserver("held-observer-" + run);
    observer.awaitConnected(WAIT).get(30, TimeUnit.SECONDS);
    Subscription s = observer.subscribe(topic("held"), QoS.AT_LEAST_ONCE).get(20, TimeUnit.SECONDS);

    fixture.cutClientConnections();
    await().atMost(WAIT).until(() -> pub.state() == ConnectionState.CONNECTING);
    List<CompletableFuture<Void>> held = new ArrayList<>();
    for (int i = 0; i < 5; i++) {
      held.add(pub.publish(topic("held"), bytes("held-" + i), QoS.AT_LEAST_ONCE, false));
    }
    CompletableFuture<Void> qos0 = pub.publish(topic("held"), bytes("qos0"), QoS.AT_MOST_ONCE, false);
    assertThatThrownBy(() -> qos0.get(20, TimeUnit.SECONDS)).hasCauseInstanceOf(MqttNotConnectedException.class);
    assertThat(held).noneMatch(CompletableFuture::isDone);
    fixture.restoreClientConnections();

    for (CompletableFuture<Void> f : held) {
      f.get(60, TimeUnit.SECONDS);
    }
    pub.publish(topic("held"), bytes("after"), QoS.AT_LEAST_ONCE, false).get(30, TimeUnit.SECONDS);
    assertThat(receiveThrough(s, "after")).containsExactly("held-0", "held-1", "held-2", "held-3", "held-4", "after");
  }

  /**
   * Payloads up to and including {@code last}, a redelivered copy of the one before dropped: QoS 1 allows a
   * broker to deliver again a message whose acknowledgement was in flight when the connection broke.
   */
  private static List<String> receiveThrough(Subscription s, String last) throws Exception {
    List<String> got = new ArrayList<>();
    while (!got.contains(last)) {
      String next = s.next(WAIT).payloadAsString();
      if (got.isEmpty() || !got.get(got.size() - 1).equals(next)) {
        got.add(next);
      }
    }
    return got;
  }

  @Test
  void closing_the_client_ends_subscriptions_and_fails_later_calls() throws Exception {
    MqttClient c = connected("closer");
    Subscription s = c.subscribe(topic("x"), QoS.AT_MOST_ONCE).get(20, TimeUnit.SECONDS);
    c.close();
    assertThat(c.state()).isEqualTo(ConnectionState.CLOSED);
    assertThatThrownBy(() -> s.next(Duration.ofSeconds(1))).isInstanceOf(MqttClosedException.class);
    assertThatThrownBy(() -> c.publish(topic("x"), bytes("y"), QoS.AT_MOST_ONCE, false).get(5, TimeUnit.SECONDS))
        .hasCauseInstanceOf(MqttClosedException.class);
  }

  @Test
  void an_unobserved_publish_arrives_in_order_and_a_failure_is_reported_on_a_client_thread() throws Exception {
    MqttClient pub = connected("quiet");
    MqttClient sub = connected("quiet-sub");
    Subscription s = sub.subscribe(topic("quiet"), QoS.AT_LEAST_ONCE).get(20, TimeUnit.SECONDS);
    assertThat(pub).isInstanceOf(UnobservedPublisher.class);
    var quiet = (UnobservedPublisher) pub;
    List<Throwable> failures = new CopyOnWriteArrayList<>();
    for (int i = 0; i < 20; i++) {
      quiet.publishUnobserved(MqttMessage.of(topic("quiet"), "m" + i, QoS.AT_LEAST_ONCE), failures::add);
    }
    for (int i = 0; i < 20; i++) {
      assertThat(s.next(WAIT).payloadAsString()).isEqualTo("m" + i);
    }
    assertThat(failures).isEmpty();

    var tooBig = new CompletableFuture<String>();
    byte[] overLimit = new byte[pub.limits().maxPayloadBytes() + 1];
    quiet.publishUnobserved(MqttMessage.of(topic("quiet"), overLimit, QoS.AT_LEAST_ONCE),
        e -> tooBig.complete(e.getClass().getSimpleName() + " on " + Thread.currentThread().getName()));
    assertThat(tooBig.get(10, TimeUnit.SECONDS)).startsWith("MqttPayloadTooLargeException on thingbridge-mqtt-");

    pub.close();
    var closed = new CompletableFuture<Throwable>();
    quiet.publishUnobserved(MqttMessage.of(topic("quiet"), "late", QoS.AT_LEAST_ONCE), closed::complete);
    assertThat(closed.get(10, TimeUnit.SECONDS)).isInstanceOf(MqttClosedException.class);
  }
}
