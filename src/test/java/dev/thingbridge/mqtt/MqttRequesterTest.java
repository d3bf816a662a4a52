package dev.thingbridge.mqtt;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.thingbridge.mqtt.local.LocalBroker;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class MqttRequesterTest {
  private static final Duration WAIT = Duration.ofSeconds(5);

  private final LocalBroker broker = new LocalBroker();
  private final MqttClient device = broker.connect("dev-1");
  private final MqttClient cloud = broker.connect("cloud");
  private final MqttRequester requester = new MqttRequester(device);

  @AfterEach
  void close() {
    requester.close();
    device.close();
    cloud.close();
  }

  private static MqttRequest req(String token, Duration timeout) {
    return MqttRequest.of("svc/op", ("{\"clientToken\":\"" + token + "\"}").getBytes(StandardCharsets.UTF_8),
        "svc/op/accepted", "svc/op/rejected", token, timeout);
  }

  private Subscription requests() throws Exception {
    return cloud.subscribe("svc/op", QoS.AT_LEAST_ONCE).get(5, TimeUnit.SECONDS);
  }

  private void reply(String topic, String payload) throws Exception {
    cloud.publish(MqttMessage.of(topic, payload, QoS.AT_LEAST_ONCE)).get(5, TimeUnit.SECONDS);
  }

  @Test
  void accepted_reply_with_the_request_token_completes_with_the_decoded_payload() throws Exception {
    Subscription in = requests();
    CompletableFuture<String> f = requester.request(req("t1", WAIT), MqttMessage::payloadAsString);
    MqttMessage sent = in.next(WAIT);
    assertThat(sent.qos()).isEqualTo(QoS.AT_LEAST_ONCE);
    reply("svc/op/accepted", "{\"clientToken\":\"t1\",\"ok\":true}");
    assertThat(f.get(5, TimeUnit.SECONDS)).contains("\"ok\":true");
  }

  @Test
  void replies_for_other_tokens_and_duplicates_are_ignored() throws Exception {
    Subscription in = requests();
    CompletableFuture<String> a = requester.request(req("a", WAIT), MqttMessage::payloadAsString);
    CompletableFuture<String> b = requester.request(req("b", WAIT), MqttMessage::payloadAsString);
    in.next(WAIT);
    in.next(WAIT);
    reply("svc/op/accepted", "{\"clientToken\":\"someone-else\",\"n\":0}");
    reply("svc/op/accepted", "{\"clientToken\":\"b\",\"n\":1}");
    reply("svc/op/accepted", "{\"clientToken\":\"b\",\"n\":2}");
    assertThat(b.get(5, TimeUnit.SECONDS)).contains("\"n\":1");
    assertThat(a).isNotDone();
    reply("svc/op/accepted", "{\"clientToken\":\"a\",\"n\":3}");
    assertThat(a.get(5, TimeUnit.SECONDS)).contains("\"n\":3");
    assertThat(requester.pendingCount()).isZero();
  }

  @Test
  void rejected_reply_fails_with_the_error_document() throws Exception {
    Subscription in = requests();
    CompletableFuture<String> f = requester.request(req("t2", WAIT), MqttMessage::payloadAsString);
    in.next(WAIT);
    reply("svc/op/rejected", "{\"clientToken\":\"t2\",\"code\":\"VersionMismatch\"}");
    assertThatThrownBy(() -> f.get(5, TimeUnit.SECONDS))
        .isInstanceOf(ExecutionException.class)
        .cause()
        .isInstanceOfSatisfying(MqttRejectedException.class,
            e -> assertThat(e.reply().payloadAsString()).contains("VersionMismatch"));
  }

  /** A service's own error type, made from the rejected reply. */
  static final class ServiceError extends Exception {
    private static final long serialVersionUID = 1L;

    ServiceError(String message) {
      super(message);
    }
  }

  @Test
  void a_rejected_reply_fails_with_the_exception_the_service_makes_of_it() throws Exception {
    Subscription in = requests();
    CompletableFuture<String> f = requester.request(req("t5", WAIT), MqttMessage::payloadAsString,
        reply -> new ServiceError("service says " + reply.payloadAsString()));
    CompletableFuture<String> g = requester.request(req("t6", WAIT), MqttMessage::payloadAsString, reply -> {
      throw new IllegalArgumentException("unreadable");
    });
    in.next(WAIT);
    in.next(WAIT);
    reply("svc/op/rejected", "{\"clientToken\":\"t5\",\"code\":409}");
    reply("svc/op/rejected", "{\"clientToken\":\"t6\",\"code\":500}");

    assertThatThrownBy(() -> f.get(5, TimeUnit.SECONDS)).cause().isInstanceOf(ServiceError.class)
        .hasMessageContaining("\"code\":409");
    assertThatThrownBy(() -> g.get(5, TimeUnit.SECONDS)).cause().isInstanceOf(MqttReplyDecodeException.class)
        .hasMessageContaining("unreadable");
  }

  @Test
  void no_reply_fails_with_a_timeout_and_leaves_nothing_pending() {
    CompletableFuture<String> f = requester.request(req("t3", Duration.ofMillis(200)), MqttMessage::payloadAsString);
    assertThatThrownBy(() -> f.get(5, TimeUnit.SECONDS)).cause().isInstanceOf(MqttTimeoutException.class);
    assertThat(requester.pendingCount()).isZero();
  }

  @Test
  void a_reply_that_cannot_be_decoded_fails_as_a_decode_error_not_a_transport_error() throws Exception {
    Subscription in = requests();
    CompletableFuture<Integer> f = requester.request(req("t4", WAIT), m -> Integer.parseInt("x"));
    in.next(WAIT);
    reply("svc/op/accepted", "{\"clientToken\":\"t4\"}");
    assertThatThrownBy(() -> f.get(5, TimeUnit.SECONDS)).cause().isInstanceOf(MqttReplyDecodeException.class);
  }

  @Test
  void requests_without_token_are_matched_in_order() throws Exception {
    Subscription in = requests();
    MqttRequest r1 = MqttRequest.of("svc/op", new byte[0], "svc/op/accepted", "svc/op/rejected", null, WAIT);
    MqttRequest r2 = MqttRequest.of("svc/op", new byte[0], "svc/op/accepted", "svc/op/rejected", null, WAIT);
    CompletableFuture<String> f1 = requester.request(r1, MqttMessage::payloadAsString);
    in.next(WAIT);
    CompletableFuture<String> f2 = requester.request(r2, MqttMessage::payloadAsString);
    in.next(WAIT);
    reply("svc/op/accepted", "first");
    reply("svc/op/rejected", "second");
    assertThat(f1.get(5, TimeUnit.SECONDS)).isEqualTo("first");
    assertThatThrownBy(() -> f2.get(5, TimeUnit.SECONDS)).cause().isInstanceOf(MqttRejectedException.class);
  }

  @Test
  void the_reply_subscription_is_made_once_and_kept_across_requests() throws Exception {
    Subscription in = requests();
    // A wildcard reply filter shared by requests to different ids.
    List<SubscriptionFilter> filters = List.of(SubscriptionFilter.of("svc/+/accepted", QoS.AT_LEAST_ONCE),
        SubscriptionFilter.of("svc/+/rejected", QoS.AT_LEAST_ONCE));
    for (int i = 0; i < 3; i++) {
      MqttRequest r = new MqttRequest("svc/op", new byte[0], MessageProperties.NONE, "svc/op/accepted",
          "svc/op/rejected", filters, "k" + i, WAIT);
      CompletableFuture<String> f = requester.request(r, MqttMessage::payloadAsString);
      in.next(WAIT);
      reply("svc/op/accepted", "{\"clientToken\":\"k" + i + "\"}");
      assertThat(f.get(5, TimeUnit.SECONDS)).contains("k" + i);
    }
    // The subscription stays after the requests: a late reply to a later request is still received.
    MqttRequest late = new MqttRequest("svc/op", new byte[0], MessageProperties.NONE, "svc/op/accepted",
        "svc/op/rejected", filters, "late", WAIT);
    CompletableFuture<String> f = requester.request(late, MqttMessage::payloadAsString);
    in.next(WAIT);
    reply("svc/op/accepted", "{\"clientToken\":\"late\"}");
    assertThat(f.get(5, TimeUnit.SECONDS)).contains("late");
  }

  @Test
  void close_fails_pending_requests_with_closed() {
    CompletableFuture<String> f = requester.request(req("t5", WAIT), MqttMessage::payloadAsString);
    requester.close();
    assertThatThrownBy(() -> f.get(5, TimeUnit.SECONDS)).cause().isInstanceOf(MqttClosedException.class);
    assertThat(requester.request(req("t6", WAIT), MqttMessage::payloadAsString))
        .failsWithin(WAIT).withThrowableOfType(ExecutionException.class)
        .withCauseInstanceOf(MqttClosedException.class);
  }

  @Test
  void reply_filters_must_cover_both_reply_topics() {
    assertThatThrownBy(() -> new MqttRequest("svc/op", new byte[0], MessageProperties.NONE, "svc/op/accepted",
        "svc/op/rejected", List.of(SubscriptionFilter.of("svc/op/accepted", QoS.AT_LEAST_ONCE)), "t", WAIT))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("must cover");
  }

  @Test
  void json_client_token_is_read_from_the_top_level_only() {
    assertThat(MqttRequester.jsonClientToken(MqttMessage.of("t", "{\"a\":{\"clientToken\":\"x\"},\"clientToken\":\"y\"}",
        QoS.AT_MOST_ONCE))).isEqualTo("y");
    assertThat(MqttRequester.jsonClientToken(MqttMessage.of("t", "not json", QoS.AT_MOST_ONCE))).isNull();
    assertThat(MqttRequester.jsonClientToken(MqttMessage.of("t", "{\"clientToken\":5}", QoS.AT_MOST_ONCE))).isNull();
  }
}
