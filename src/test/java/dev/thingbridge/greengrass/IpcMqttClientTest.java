package dev.thingbridge.greengrass;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import dev.thingbridge.mqtt.ConnectionState;
import dev.thingbridge.mqtt.MessageProperties;
import dev.thingbridge.mqtt.MqttClient;
import dev.thingbridge.mqtt.MqttMessage;
import dev.thingbridge.mqtt.MqttRequest;
import dev.thingbridge.mqtt.MqttRequester;
import dev.thingbridge.mqtt.MqttRefusedException;
import dev.thingbridge.mqtt.MqttTimeoutException;
import dev.thingbridge.mqtt.QoS;
import dev.thingbridge.mqtt.Subscription;
import dev.thingbridge.mqtt.SubscriptionFilter;
import dev.thingbridge.mqtt.SubscriptionListener;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** Greengrass-specific behaviour of {@link IpcMqttClient}: stream pooling, linger, settle, errors. */
@Timeout(60)
class IpcMqttClientTest {
  private static final Duration WAIT = Duration.ofSeconds(10);
  private IpcFixture fixture;
  private MqttClient publisher;

  @BeforeEach
  void setUp() throws Exception {
    fixture = new IpcFixture();
    publisher = fixture.broker.connect("cloud-side");
  }

  @AfterEach
  void tearDown() throws Exception {
    publisher.close();
    fixture.close();
  }

  private IpcMqttClient client(Duration linger, Duration settle) {
    return fixture.newIpcClient("thing-1", IpcMqttClient.builder(fixture.connectIpc()).linger(linger).settle(settle));
  }

  private void publish(String topic, String payload) throws Exception {
    publisher.publish(topic, payload.getBytes(StandardCharsets.UTF_8), QoS.AT_LEAST_ONCE, false).get(5, TimeUnit.SECONDS);
  }

  @Test
  void two_local_subscribers_on_one_filter_share_one_ipc_stream_and_both_receive() throws Exception {
    IpcMqttClient c = client(Duration.ofSeconds(5), Duration.ofMillis(500));
    Subscription a = c.subscribe("tb/shared/+", QoS.AT_LEAST_ONCE).get(5, TimeUnit.SECONDS);
    Subscription b = c.subscribe("tb/shared/+", QoS.AT_LEAST_ONCE).get(5, TimeUnit.SECONDS);

    publish("tb/shared/x", "hello");

    assertThat(a.next(WAIT).payloadAsString()).isEqualTo("hello");
    assertThat(b.next(WAIT).payloadAsString()).isEqualTo("hello");
    assertThat(fixture.nucleus.openIoTCoreStreams()).containsExactly("tb/shared/+");
    assertThat(fixture.nucleus.ioTCoreSubscribeRequests()).isEqualTo(1);
  }

  @Test
  void a_topic_outside_access_control_is_refused_with_not_authorized() {
    IpcMqttClient c = client(Duration.ofSeconds(5), Duration.ofMillis(500));

    assertThatThrownBy(() -> c.subscribe("forbidden/topic", QoS.AT_LEAST_ONCE).get(5, TimeUnit.SECONDS))
        .isInstanceOf(ExecutionException.class)
        .cause().isInstanceOfSatisfying(MqttRefusedException.class, e -> assertThat(e.reasonCode()).isEqualTo(0x87));
    assertThatThrownBy(() -> c.publish("forbidden/topic", new byte[1], QoS.AT_LEAST_ONCE, false).get(5, TimeUnit.SECONDS))
        .cause().isInstanceOfSatisfying(MqttRefusedException.class, e -> assertThat(e.reasonCode()).isEqualTo(0x87));
    assertThat(c.pooledFilters()).isEmpty();
  }

  @Test
  void a_subscribe_the_nucleus_never_answers_times_out_and_leaves_no_stream_in_the_pool() {
    fixture.nucleus.neverAnswer("SubscribeToIoTCore");
    GreengrassIpc ipc = GreengrassIpc.builder().socketPath(fixture.nucleus.socketPath())
        .authToken(fixture.nucleus.token()).operationTimeout(Duration.ofMillis(700)).connect();
    IpcMqttClient c = fixture.newIpcClient("thing-1", IpcMqttClient.builder(ipc).closeIpcOnClose(true));

    CompletableFuture<Subscription> pending = c.subscribe("tb/silent", QoS.AT_LEAST_ONCE);

    assertThatThrownBy(() -> pending.get(5, TimeUnit.SECONDS)).cause().isInstanceOf(MqttTimeoutException.class);
    assertThat(c.pooledFilters()).isEmpty();
  }

  @Test
  void subscribe_completes_only_after_the_nucleus_answered_and_earlier_messages_are_dropped() throws Exception {
    fixture.nucleus.delayAnswers("SubscribeToIoTCore", Duration.ofMillis(800));
    IpcMqttClient c = client(Duration.ofSeconds(5), Duration.ofMillis(500));

    CompletableFuture<Subscription> pending = c.subscribe("tb/early", QoS.AT_LEAST_ONCE);
    // The nucleus has subscribed upstream but not answered yet: this message is dropped, as Greengrass does.
    await().atMost(WAIT).until(() -> !fixture.nucleus.openIoTCoreStreams().isEmpty());
    publish("tb/early", "too-early");
    assertThat(pending).isNotDone();

    Subscription s = pending.get(5, TimeUnit.SECONDS);
    publish("tb/early", "on-time");
    assertThat(s.next(WAIT).payloadAsString()).isEqualTo("on-time");
    assertThat(fixture.nucleus.droppedBeforeResponse()).isEqualTo(1);
  }

  /**
   * A request made while the nucleus restarts is held, and sent only once its reply subscription is back: the
   * nucleus answers the re-subscribe late here and drops what arrives before its answer, as Greengrass does, so a
   * request sent at the reconnect would be acted on by the cloud and its reply lost (a job's update applied,
   * unanswered, the agent left a version behind).
   */
  @Test
  void a_request_held_through_a_nucleus_restart_goes_out_after_its_reply_subscription_is_back() throws Exception {
    IpcMqttClient c = client(Duration.ofSeconds(5), Duration.ZERO);
    MqttRequester requester = new MqttRequester(c);
    MqttRequest request = new MqttRequest("tb/req", "ping".getBytes(StandardCharsets.UTF_8), MessageProperties.NONE,
        "tb/req/accepted", "tb/req/rejected", List.of(SubscriptionFilter.of("tb/req/+", QoS.AT_LEAST_ONCE)), null,
        Duration.ofSeconds(4));
    // The cloud answers every request at once.
    publisher.subscribe(List.of(SubscriptionFilter.of("tb/req", QoS.AT_LEAST_ONCE)), new SubscriptionListener() {
      @Override
      public void onMessage(MqttMessage m) {
        publisher.publish("tb/req/accepted", m.payload(), QoS.AT_LEAST_ONCE, false);
      }
    }).get(5, TimeUnit.SECONDS);
    try {
      assertThat(requester.request(request, MqttMessage::payloadAsString).get(5, TimeUnit.SECONDS)).isEqualTo("ping");

      fixture.nucleus.refuseConnections();
      fixture.nucleus.dropConnections();
      await().atMost(WAIT).until(() -> c.state() == ConnectionState.CONNECTING);
      CompletableFuture<String> held = requester.request(request, MqttMessage::payloadAsString);
      fixture.nucleus.delayAnswers("SubscribeToIoTCore", Duration.ofMillis(800));
      fixture.nucleus.acceptConnections();

      assertThat(held.get(WAIT.toMillis(), TimeUnit.MILLISECONDS)).isEqualTo("ping");
      assertThat(fixture.nucleus.droppedBeforeResponse()).as("no reply came before its subscription").isZero();
    } finally {
      requester.close();
    }
  }

  @Test
  void a_released_stream_lingers_and_is_reused_when_subscribed_again() throws Exception {
    IpcMqttClient c = client(Duration.ofSeconds(30), Duration.ofMillis(500));
    c.subscribe("tb/linger", QoS.AT_LEAST_ONCE).get(5, TimeUnit.SECONDS).unsubscribe().get(5, TimeUnit.SECONDS);
    assertThat(c.pooledFilters()).containsExactly("tb/linger");

    Subscription again = c.subscribe("tb/linger", QoS.AT_LEAST_ONCE).get(5, TimeUnit.SECONDS);
    publish("tb/linger", "reused");

    assertThat(again.next(WAIT).payloadAsString()).isEqualTo("reused");
    assertThat(fixture.nucleus.ioTCoreSubscribeRequests()).isEqualTo(1);
    assertThat(c.recentlyTerminated()).isEmpty();
  }

  @Test
  void an_unclaimed_stream_is_terminated_after_the_linger_and_recorded() throws Exception {
    IpcMqttClient c = client(Duration.ofMillis(100), Duration.ofMillis(500));
    c.subscribe("tb/evict", QoS.AT_LEAST_ONCE).get(5, TimeUnit.SECONDS).unsubscribe().get(5, TimeUnit.SECONDS);

    await().atMost(WAIT).until(() -> c.pooledFilters().isEmpty());
    assertThat(c.recentlyTerminated()).containsExactly("tb/evict");
    await().atMost(WAIT).until(() -> fixture.nucleus.openIoTCoreStreams().isEmpty());
  }

  @Test
  void a_stream_reclaimed_before_its_linger_ran_out_is_not_evicted() throws Exception {
    IpcMqttClient c = client(Duration.ofMillis(300), Duration.ofMillis(500));
    c.subscribe("tb/keep", QoS.AT_LEAST_ONCE).get(5, TimeUnit.SECONDS).unsubscribe().get(5, TimeUnit.SECONDS);
    Subscription active = c.subscribe("tb/keep", QoS.AT_LEAST_ONCE).get(5, TimeUnit.SECONDS);

    // Well past the linger: the pending eviction must have found the slot claimed again.
    publisher.subscribe("tb/marker", QoS.AT_LEAST_ONCE).get(5, TimeUnit.SECONDS);
    await().pollDelay(Duration.ofMillis(900)).atMost(WAIT).until(() -> true);
    publish("tb/keep", "still-here");

    assertThat(active.next(WAIT).payloadAsString()).isEqualTo("still-here");
    assertThat(c.pooledFilters()).containsExactly("tb/keep");
    assertThat(c.recentlyTerminated()).isEmpty();
    assertThat(fixture.nucleus.ioTCoreSubscribeRequests()).isEqualTo(1);
  }

  @Test
  void a_filter_reopened_right_after_termination_waits_out_the_settle_time() throws Exception {
    Duration settle = Duration.ofMillis(1000);
    IpcMqttClient c = client(Duration.ZERO, settle);
    c.subscribe("tb/settle", QoS.AT_LEAST_ONCE).get(5, TimeUnit.SECONDS).unsubscribe().get(5, TimeUnit.SECONDS);
    assertThat(c.recentlyTerminated()).containsExactly("tb/settle");

    long start = System.nanoTime();
    Subscription s = c.subscribe("tb/settle", QoS.AT_LEAST_ONCE).get(5, TimeUnit.SECONDS);
    long tookMs = (System.nanoTime() - start) / 1_000_000;

    assertThat(tookMs).isGreaterThanOrEqualTo(settle.toMillis() - 200);
    publish("tb/settle", "after-settle");
    assertThat(s.next(WAIT).payloadAsString()).isEqualTo("after-settle");
    assertThat(fixture.nucleus.ioTCoreSubscribeRequests()).isEqualTo(2);
  }

  @Test
  void a_qos_upgrade_replaces_the_stream_and_each_message_arrives_once() throws Exception {
    IpcMqttClient c = client(Duration.ofSeconds(5), Duration.ofMillis(500));
    Subscription low = c.subscribe("tb/upgrade", QoS.AT_MOST_ONCE).get(5, TimeUnit.SECONDS);
    Subscription high = c.subscribe("tb/upgrade", QoS.AT_LEAST_ONCE).get(5, TimeUnit.SECONDS);

    await().atMost(WAIT).until(() -> fixture.nucleus.openIoTCoreStreams().equals(List.of("tb/upgrade")));
    publish("tb/upgrade", "once");

    assertThat(high.next(WAIT).payloadAsString()).isEqualTo("once");
    assertThat(low.next(WAIT).payloadAsString()).isEqualTo("once");
    assertThatThrownBy(() -> high.next(Duration.ofMillis(300))).isInstanceOf(MqttTimeoutException.class);
    assertThat(c.pooledFilters()).containsExactly("tb/upgrade");
  }
}
