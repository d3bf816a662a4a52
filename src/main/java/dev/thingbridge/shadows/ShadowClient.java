package dev.thingbridge.shadows;

import dev.thingbridge.mqtt.MessageProperties;
import dev.thingbridge.mqtt.MqttMessage;
import dev.thingbridge.mqtt.MqttRequest;
import dev.thingbridge.mqtt.MqttRequester;
import dev.thingbridge.mqtt.QoS;
import dev.thingbridge.mqtt.SubscriptionFilter;
import dev.thingbridge.shadows.ShadowTopic.Kind;
import dev.thingbridge.shadows.model.ShadowDeleted;
import dev.thingbridge.shadows.model.ShadowDocument;
import dev.thingbridge.shadows.model.ShadowError;
import dev.thingbridge.shadows.model.ShadowUpdateRequest;
import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.function.Function;

/**
 * The request/response operations of one Device Shadow over MQTT, untyped: GetThingShadow, UpdateThingShadow and
 * DeleteThingShadow as the device API has them. Each request carries a fresh {@code clientToken}, goes out at
 * QoS 1 after its reply topics are subscribed, and takes the reply with that token; others are ignored.
 *
 * <p>Every future completes with the decoded reply, or fails with {@link ShadowException} (the rejection with the
 * cloud's code and message), {@link dev.thingbridge.mqtt.MqttTimeoutException} (no reply within the timeout),
 * {@link dev.thingbridge.mqtt.MqttReplyDecodeException} (an unreadable reply) or the MQTT failure. Thread-safe;
 * shares the {@link MqttRequester} it is given (several shadows may share one).
 */
public final class ShadowClient {
  private final MqttRequester requester;
  private final ShadowTopics topics;
  private final Duration timeout;
  private final boolean sharedReplies;

  public ShadowClient(MqttRequester requester, ShadowTopics topics, Duration timeout) {
    this(requester, topics, timeout, false);
  }

  private ShadowClient(MqttRequester requester, ShadowTopics topics, Duration timeout, boolean sharedReplies) {
    this.requester = Objects.requireNonNull(requester, "requester");
    this.topics = Objects.requireNonNull(topics, "topics");
    this.timeout = Objects.requireNonNull(timeout, "timeout");
    if (timeout.isNegative() || timeout.isZero()) {
      throw new IllegalArgumentException("timeout must be positive: " + timeout);
    }
    this.sharedReplies = sharedReplies;
  }

  /**
   * A client of the same named shadow whose replies arrive through the thing-wide filters
   * ({@code .../shadow/name/+/get/accepted}, ...): clients of many named shadows of one thing that share a
   * requester then keep six reply subscriptions between them instead of six each.
   *
   * @throws IllegalStateException for the classic shadow
   */
  public ShadowClient sharingReplySubscriptions() {
    if (topics.shadowName().isEmpty()) {
      throw new IllegalStateException("only named shadows share reply subscriptions");
    }
    return new ShadowClient(requester, topics, timeout, true);
  }

  public ShadowTopics topics() {
    return topics;
  }

  /** A fresh correlation token (at most 64 characters, unique across restarts). */
  public String newClientToken() {
    return requester.newClientToken(topics.thingName());
  }

  /** GetThingShadow: the whole document; fails with {@link ShadowErrorCode#NOT_FOUND} when there is none. */
  public CompletableFuture<ShadowDocument> get() {
    return get(newClientToken());
  }

  /** GetThingShadow with a given correlation token. */
  public CompletableFuture<ShadowDocument> get(String token) {
    return send(Kind.GET, ShadowCodec.encodeTokenOnly(token), token, m -> ShadowCodec.decodeDocument(m.payload()));
  }

  /**
   * UpdateThingShadow: merges the request into the document (creating it if needed). A request without a token
   * gets a fresh one. Completes with the accepted reply (the request's sections, the new version).
   */
  public CompletableFuture<ShadowDocument> update(ShadowUpdateRequest request) {
    ShadowUpdateRequest r = request.clientToken() == null ? request.withClientToken(newClientToken()) : request;
    return send(Kind.UPDATE, ShadowCodec.encode(r), r.clientToken(), m -> ShadowCodec.decodeDocument(m.payload()));
  }

  /** DeleteThingShadow; fails with {@link ShadowErrorCode#NOT_FOUND} when there is no document. */
  public CompletableFuture<ShadowDeleted> delete() {
    return delete(newClientToken());
  }

  /** DeleteThingShadow with a given correlation token. */
  public CompletableFuture<ShadowDeleted> delete(String token) {
    return send(Kind.DELETE, ShadowCodec.encodeTokenOnly(token), token,
        m -> ShadowCodec.decodeDeleted(m.payload()));
  }

  private <T> CompletableFuture<T> send(Kind operation, byte[] payload, String token,
      Function<MqttMessage, T> decoder) {
    String topic = topics.topic(operation);
    Kind accepted = Kind.valueOf(operation.name() + "_ACCEPTED");
    Kind rejected = Kind.valueOf(operation.name() + "_REJECTED");
    List<SubscriptionFilter> filters = List.of(replyFilter(accepted), replyFilter(rejected));
    MqttRequest request = new MqttRequest(topic, payload, MessageProperties.NONE, topics.topic(accepted),
        topics.topic(rejected), filters, token, timeout);
    return requester.request(request, decoder, reply -> rejection(topic, token, reply));
  }

  private SubscriptionFilter replyFilter(Kind reply) {
    String filter = sharedReplies ? ShadowTopics.namedShadowsFilter(topics.prefix(), topics.thingName(), reply)
        : topics.topic(reply);
    return SubscriptionFilter.of(filter, QoS.AT_LEAST_ONCE);
  }

  private ShadowException rejection(String topic, String token, MqttMessage reply) {
    ShadowError error;
    try {
      error = ShadowCodec.decodeError(reply.payload());
    } catch (IllegalArgumentException e) {
      error = new ShadowError(0, "unreadable error document: " + e.getMessage(), null, token);
    }
    return new ShadowException(topics, topic, token, error);
  }
}
