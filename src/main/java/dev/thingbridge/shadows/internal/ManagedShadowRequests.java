package dev.thingbridge.shadows.internal;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.thingbridge.mqtt.MessageProperties;
import dev.thingbridge.mqtt.MqttMessage;
import dev.thingbridge.mqtt.MqttReplyDecodeException;
import dev.thingbridge.mqtt.MqttRequest;
import dev.thingbridge.mqtt.MqttRequester;
import dev.thingbridge.shadows.ShadowManagerException;
import dev.thingbridge.shadows.internal.ManagedShadowCodec.Envelope;
import dev.thingbridge.shadows.internal.ManagedShadowCodec.ErrorReply;
import dev.thingbridge.shadows.internal.RequestPacer.Priority;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;

/**
 * GET, UPDATE and DELETE of one named shadow at a time, for the shadow manager: QoS 1 through an
 * {@link MqttRequester} (whose wildcard reply subscriptions all shadows share), a fresh {@code clientToken} per
 * request to match the reply, paced by a {@link RequestPacer}, and a throttled request (429) retried after a
 * jittered back-off. Rejections become {@link ShadowManagerException}s with the service's code and message.
 */
public final class ManagedShadowRequests {
  /** Attempts of a request the service throttles (429) before the 429 is returned. */
  static final int THROTTLE_ATTEMPTS = 4;
  private static final long THROTTLE_BACKOFF_MILLIS = 500;

  private final MqttRequester requester;
  private final ManagedShadowTopics topics;
  private final RequestPacer pacer;
  private final ScheduledExecutorService scheduler;
  private final String tokenPrefix;
  private final Duration timeout;

  /**
   * @param tokenPrefix starts every client token of this manager, so deltas its own updates caused are known
   */
  public ManagedShadowRequests(MqttRequester requester, ManagedShadowTopics topics, RequestPacer pacer,
      ScheduledExecutorService scheduler, String tokenPrefix, Duration timeout) {
    this.requester = requester;
    this.topics = topics;
    this.pacer = pacer;
    this.scheduler = scheduler;
    this.tokenPrefix = tokenPrefix;
    this.timeout = timeout;
  }

  /** Whether a client token is one of this manager's (a delta it caused itself). */
  public boolean isOwnToken(String clientToken) {
    return clientToken != null && clientToken.length() > tokenPrefix.length()
        && clientToken.startsWith(tokenPrefix) && clientToken.charAt(tokenPrefix.length()) == ':';
  }

  /** {@code /get}: the whole document. */
  public CompletableFuture<Envelope> get(String shadowName, Priority priority) {
    return send(shadowName, "get", null, priority, 1);
  }

  /** {@code /update} with a {@code state} of {@code desired} and/or {@code reported}. */
  public CompletableFuture<Envelope> update(String shadowName, ObjectNode state, Priority priority) {
    return send(shadowName, "update", state, priority, 1);
  }

  /** {@code /delete}. */
  public CompletableFuture<Envelope> delete(String shadowName, Priority priority) {
    return send(shadowName, "delete", null, priority, 1);
  }

  private CompletableFuture<Envelope> send(String shadowName, String operation, ObjectNode state,
      Priority priority, int attempt) {
    CompletableFuture<Envelope> result = new CompletableFuture<>();
    String token = requester.newClientToken(tokenPrefix);
    byte[] payload = state == null ? ManagedShadowCodec.tokenOnly(token) : ManagedShadowCodec.update(state, token);
    MqttRequest request = new MqttRequest(topics.request(shadowName, operation), payload, MessageProperties.NONE,
        topics.accepted(shadowName, operation), topics.rejected(shadowName, operation),
        topics.replyFilters(operation), token, timeout);
    pacer.submit(priority, () -> requester.request(request, reply -> ManagedShadowCodec.envelope(reply.payload()),
            reply -> rejection(shadowName, token, reply)))
        .whenComplete((envelope, error) -> {
          if (error == null) {
            result.complete(envelope);
            return;
          }
          Throwable cause = unwrap(error);
          RuntimeException mapped = map(shadowName, token, cause);
          if (mapped instanceof ShadowManagerException e && e.code() == 429 && attempt < THROTTLE_ATTEMPTS) {
            long backoff = THROTTLE_BACKOFF_MILLIS << (attempt - 1);
            long delay = backoff / 2 + ThreadLocalRandom.current().nextLong(backoff);
            try {
              scheduler.schedule(() -> send(shadowName, operation, state, priority, attempt + 1)
                  .whenComplete((v, e2) -> complete(result, v, e2)), delay, TimeUnit.MILLISECONDS);
              return;
            } catch (java.util.concurrent.RejectedExecutionException closed) {
              // shutting down: report the 429
            }
          }
          result.completeExceptionally(mapped);
        });
    return result;
  }

  private static <T> void complete(CompletableFuture<T> target, T value, Throwable error) {
    if (error != null) {
      target.completeExceptionally(unwrap(error));
    } else {
      target.complete(value);
    }
  }

  private static ShadowManagerException rejection(String shadowName, String token, MqttMessage reply) {
    ErrorReply e = ManagedShadowCodec.error(reply.payload());
    return new ShadowManagerException(ShadowManagerException.Reason.REJECTED, shadowName, e.code(), e.message(), token);
  }

  private static RuntimeException map(String shadowName, String token, Throwable cause) {
    if (cause instanceof MqttReplyDecodeException d) {
      return new ShadowManagerException(ShadowManagerException.Reason.MALFORMED_REPLY, shadowName, 0,
          d.getCause() == null ? d.getMessage() : d.getCause().getMessage(), token);
    }
    return cause instanceof RuntimeException re ? re : new CompletionException(cause);
  }

  /** The cause under {@link CompletionException} and {@link ExecutionException} wrappers. */
  public static Throwable unwrap(Throwable e) {
    while ((e instanceof CompletionException || e instanceof ExecutionException) && e.getCause() != null) {
      e = e.getCause();
    }
    return e;
  }
}
