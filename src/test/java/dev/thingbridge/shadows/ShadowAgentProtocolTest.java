package dev.thingbridge.shadows;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowable;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.thingbridge.mqtt.MqttClient;
import dev.thingbridge.mqtt.MqttTimeoutException;
import dev.thingbridge.mqtt.local.LocalBroker;
import dev.thingbridge.testing.CloudTwin;
import dev.thingbridge.testing.CloudTwin.Request;
import dev.thingbridge.twin.TwinScript.Fault;
import dev.thingbridge.shadows.schema.ShadowSchema;
import dev.thingbridge.shadows.store.InMemoryKeyValueStore;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The agent's algorithms against the twin with its shadow service silenced, so that the test writes every answer
 * message by message: echo, empty and stale deltas, crossed versions, the single-flight initial sync,
 * cancellation during the sync, a lost acknowledgement (rustot #139) and typed rejections.
 */
class ShadowAgentProtocolTest {
  private static final String THING = "dev-1";
  private static final Duration WAIT = Duration.ofSeconds(5);
  private static final String BASE = "$aws/things/" + THING + "/shadow/";

  record Counter(int count, String note) {}

  private final LocalBroker broker = new LocalBroker();
  private CloudTwin cloud;
  private MqttClient device;
  private final InMemoryKeyValueStore store = new InMemoryKeyValueStore();
  private Shadow<Counter> shadow;

  @BeforeEach
  void setUp() throws Exception {
    cloud = new CloudTwin(broker, THING);
    cloud.script.fault(BASE + "+", Fault.SILENT); // the test answers
    device = broker.connect(THING);
  }

  @AfterEach
  void tearDown() {
    if (shadow != null) {
      shadow.close();
    }
    device.close();
    cloud.close();
  }

  private Shadow<Counter> shadow(ShadowOptions options) {
    shadow = Shadow.builder(device, THING, ShadowSchema.of(Counter.class), store).options(options).build();
    return shadow;
  }

  private static <T> T get(CompletableFuture<T> f) throws Exception {
    return f.get(10, TimeUnit.SECONDS);
  }

  private static ShadowException rejectionOf(CompletableFuture<?> f) {
    Throwable t = catchThrowable(() -> get(f));
    assertThat(t).isInstanceOf(ExecutionException.class).hasCauseInstanceOf(ShadowException.class);
    return (ShadowException) t.getCause();
  }

  /** The next classic shadow request; fails the test if it is not of {@code operation} or none comes. */
  private Request expect(String operation) throws TimeoutException, InterruptedException {
    Request r = cloud.awaitRequest(BASE + "+");
    assertThat(r.topic()).as("the next request, %s", r.body()).isEqualTo(BASE + operation);
    return r;
  }

  private String operation(Request r) {
    return r.topic().substring(BASE.length());
  }

  private void accept(Request r, long version) throws Exception {
    String state = r.body().has("state") ? r.body().get("state").toString() : "{}";
    cloud.publish(BASE + operation(r) + "/accepted", "{\"state\":" + state + ",\"version\":" + version
        + ",\"timestamp\":1,\"clientToken\":\"" + r.token() + "\"}");
  }

  private void reject(Request r, int code, String message) throws Exception {
    cloud.publish(BASE + operation(r) + "/rejected", "{\"code\":" + code + ",\"message\":\"" + message
        + "\",\"clientToken\":\"" + r.token() + "\"}");
  }

  private void document(Request get, String state, long version) throws Exception {
    cloud.publish(BASE + "get/accepted", "{\"state\":" + state + ",\"version\":" + version
        + ",\"timestamp\":1,\"clientToken\":\"" + get.token() + "\"}");
  }

  private void delta(String state, long version, String token) throws Exception {
    cloud.publish(BASE + "update/delta", "{\"state\":" + state + ",\"version\":" + version + ",\"timestamp\":1"
        + (token == null ? "" : ",\"clientToken\":\"" + token + "\"") + "}");
  }

  /** Goes live: the GET is answered with a document at {@code version} without a delta. */
  private void liveAt(long version) throws Exception {
    CompletableFuture<Counter> sync = shadow.sync();
    document(expect("get"), "{\"desired\":{\"count\":0},\"reported\":{\"count\":0}}", version);
    get(sync);
  }

  @Test
  void echoes_of_our_own_updates_empty_deltas_and_stale_deltas_are_skipped() throws Exception {
    shadow(ShadowOptions.defaults());
    liveAt(5);

    delta("{\"count\":1}", 6, "app-1");
    DeltaEvent<Counter> first = get(shadow.nextDelta(WAIT));
    Request ack = expect("update");
    assertThat(ack.body().at("/state/reported")).isEqualTo(AgentRig.json("{\"count\":1}"));
    accept(ack, 7);
    assertThat(get(first.acknowledged())).isEqualTo(7);

    delta("{\"count\":99}", 8, ack.token()); // the echo of our acknowledgement
    delta("{}", 9, "app-2");                 // nothing pending
    delta("{\"count\":50}", 6, "app-1");     // a duplicate of what was applied
    delta("{\"count\":3}", 10, "app-3");

    DeltaEvent<Counter> next = get(shadow.nextDelta(WAIT));
    assertThat(next.version()).isEqualTo(10);
    assertThat(next.previous().count()).isEqualTo(1);
    assertThat(next.state().count()).isEqualTo(3);
    assertThat(expect("update").body().at("/state/reported/count").asInt()).isEqualTo(3);
  }

  @Test
  void a_delta_older_than_a_version_already_seen_is_checked_with_a_get() throws Exception {
    shadow(ShadowOptions.defaults());
    liveAt(5);
    CompletableFuture<Counter> report = shadow.updateReported(c -> new Counter(c.count(), "hello"));
    accept(expect("update"), 7);
    get(report);

    delta("{\"count\":4}", 6, "app-1"); // crossed our update: not trusted as the latest word
    Request get = expect("get");
    document(get, "{\"desired\":{\"count\":4},\"reported\":{\"count\":0,\"note\":\"hello\"},"
        + "\"delta\":{\"count\":4}}", 7);

    DeltaEvent<Counter> event = get(shadow.nextDelta(WAIT));
    assertThat(event.version()).isEqualTo(7);
    assertThat(event.state()).isEqualTo(new Counter(4, "hello"));
  }

  @Test
  void concurrent_first_publishes_share_one_get_and_a_404_creates_the_whole_document() throws Exception {
    shadow(ShadowOptions.defaults());
    CompletableFuture<Counter> a = shadow.updateReported(c -> new Counter(c.count(), "a"));
    CompletableFuture<Counter> b = shadow.updateReported(c -> new Counter(c.count(), "b"));

    reject(expect("get"), 404, "No shadow exists with name: ''");
    Request create = expect("update");
    assertThat(create.body().at("/state/desired").has("count")).isTrue();
    assertThat(create.body().at("/state/reported").has("note")).isTrue();
    accept(create, 1);
    Request first = expect("update");
    assertThat(first.body().at("/state/reported")).isEqualTo(AgentRig.json("{\"note\":\"a\"}"));
    accept(first, 2);
    Request second = expect("update");
    assertThat(second.body().at("/state/reported")).isEqualTo(AgentRig.json("{\"note\":\"b\"}"));
    accept(second, 3);

    assertThat(get(b).note()).isEqualTo("b");
    assertThat(a).isDone();
    assertThatThrownBy(() -> cloud.script.awaitRequest(BASE + "+", Duration.ofMillis(200))).as("no second GET")
        .isInstanceOf(TimeoutException.class);
  }

  @Test
  void a_wait_cancelled_during_the_initial_sync_leaves_no_half_live_shadow() throws Exception {
    shadow(ShadowOptions.builder().requestTimeout(Duration.ofMillis(300)).build());
    CompletableFuture<DeltaEvent<Counter>> waiting = shadow.nextDelta(WAIT);
    expect("get"); // never answered
    waiting.cancel(false);

    // The next wait subscribes and drains again, so the delta pending in the cloud is not missed.
    CompletableFuture<DeltaEvent<Counter>> again = shadow.nextDelta(WAIT);
    Request get = expect("get");
    document(get, "{\"desired\":{\"count\":2},\"reported\":{\"count\":0},\"delta\":{\"count\":2}}", 3);

    assertThat(get(again).state().count()).isEqualTo(2);
  }

  @Test
  void a_lost_acknowledgement_keeps_the_applied_state_and_the_shadow_keeps_working() throws Exception {
    shadow(ShadowOptions.builder().ackTimeout(Duration.ofMillis(300)).build());
    liveAt(1);

    delta("{\"count\":5}", 2, "app");
    DeltaEvent<Counter> event = get(shadow.nextDelta(WAIT));
    expect("update"); // never answered

    assertThatThrownBy(() -> get(event.acknowledged())).isInstanceOf(ExecutionException.class)
        .hasCauseInstanceOf(MqttTimeoutException.class);
    assertThat(shadow.state().count()).isEqualTo(5);

    delta("{\"count\":6}", 3, "app");
    assertThat(get(shadow.nextDelta(WAIT)).state().count()).isEqualTo(6);
  }

  @Test
  void rejections_carry_the_clouds_code_and_message_and_400_is_not_not_found() throws Exception {
    shadow(ShadowOptions.defaults());
    CompletableFuture<Counter> sync = shadow.sync();
    reject(expect("get"), 403, "Forbidden");
    ShadowException e = rejectionOf(sync);
    assertThat(e.code()).isEqualTo(ShadowErrorCode.FORBIDDEN);
    assertThat(e.status()).isEqualTo(403);
    assertThat(e.cloudMessage()).isEqualTo("Forbidden");
    assertThat(e.thingName()).isEqualTo(THING);
    assertThat(e.topic()).isEqualTo("$aws/things/dev-1/shadow/get");

    CompletableFuture<Counter> retry = shadow.sync();
    reject(expect("get"), 400, "Invalid JSON");
    assertThat(rejectionOf(retry).code()).isEqualTo(ShadowErrorCode.BAD_REQUEST);
  }

  @Test
  void an_update_rejected_for_size_fails_with_413_and_the_next_sync_reports_the_whole_state() throws Exception {
    shadow(ShadowOptions.defaults());
    liveAt(1);
    CompletableFuture<Counter> report = shadow.updateReported(c -> new Counter(c.count(), "x".repeat(50)));
    reject(expect("update"), 413, "The payload exceeds the maximum size allowed");
    assertThat(rejectionOf(report).code()).isEqualTo(ShadowErrorCode.PAYLOAD_TOO_LARGE);
    assertThat(shadow.state().note()).as("the device's own state did change").hasSize(50);

    CompletableFuture<Counter> sync = shadow.sync();
    document(expect("get"), "{\"reported\":{\"count\":0}}", 1);
    Request full = expect("update");
    assertThat(full.body().at("/state/reported/note").asText()).hasSize(50);
    accept(full, 2);
    get(sync);
  }

  @Test
  void an_untyped_shadow_merges_deltas_like_aws_and_reports_them_back() throws Exception {
    Shadow<ObjectNode> json = Shadow.untyped(device, THING, store).build();
    try {
      get(json.load());
      CompletableFuture<ObjectNode> sync = json.sync();
      reject(expect("get"), 404, "none");
      accept(expect("update"), 1);
      get(sync);
      CompletableFuture<ObjectNode> set = json.updateDesired(s -> {
        s.putObject("a").put("b", 0).put("c", 2);
        return s;
      });
      Request update = expect("update");
      assertThat(update.body().at("/state/desired")).isEqualTo(AgentRig.json("{\"a\":{\"b\":0,\"c\":2}}"));
      accept(update, 2);
      get(set);

      delta("{\"a\":{\"b\":1}}", 3, "app");
      DeltaEvent<ObjectNode> event = get(json.nextDelta(WAIT));

      assertThat(event.state()).isEqualTo(AgentRig.json("{\"a\":{\"b\":1,\"c\":2}}"));
      assertThat(expect("update").body().at("/state/reported"))
          .isEqualTo(AgentRig.json("{\"a\":{\"b\":1}}"));
    } finally {
      json.close();
    }
  }
}
