package dev.thingbridge.mqtt;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import dev.thingbridge.internal.Futures;
import dev.thingbridge.internal.NamedThreadFactory;
import java.io.IOException;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Request/response over MQTT, written once for every AWS IoT service that answers on an
 * {@code accepted}/{@code rejected} topic pair (the role of the AWS SDK's {@code submitOperation}).
 *
 * <p>For each {@link #request}: the reply filters are subscribed first and the request is published only
 * once the broker acknowledged them, so a reply cannot overtake its subscription; the request goes out
 * at QoS 1; the first reply on the accepted or rejected topic that carries the request's {@code clientToken}
 * completes it. Replies for other tokens (another request, another client) and duplicates of a reply
 * already taken are ignored. Requests without a token (Commands) are matched to replies in request order,
 * per reply topic.
 *
 * <p>Reply subscriptions are kept for the requester's life and shared by all its requests, so a busy
 * service does not churn SUBSCRIBE/UNSUBSCRIBE (which, through Greengrass IPC, races replies); {@link
 * #close()} releases them.
 *
 * <p>Threads: futures complete on the MQTT client's delivery threads or on this requester's timer thread
 * ({@code thingbridge-mqtt-requests-N}); callers that block in a dependent stage should hop to their own
 * executor.
 */
public final class MqttRequester implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(MqttRequester.class);
  private static final JsonFactory JSON = new JsonFactory();

  private final MqttClient mqtt;
  private final Function<MqttMessage, String> tokenReader;
  private final ScheduledThreadPoolExecutor timer;
  private final SecureRandom random = new SecureRandom();
  private final AtomicLong sequence = new AtomicLong();
  private final Object lock = new Object();
  private final Map<String, CompletableFuture<Subscription>> subscriptions = new LinkedHashMap<>();
  private final Map<String, List<Pending<?>>> pendingByTopic = new HashMap<>();
  private final SubscriptionListener listener = new SubscriptionListener() {
    @Override
    public void onMessage(MqttMessage message) {
      dispatch(message);
    }
  };
  private boolean closed;

  /** A requester that reads the correlation token from the reply's top-level JSON {@code clientToken}. */
  public MqttRequester(MqttClient mqtt) {
    this(mqtt, MqttRequester::jsonClientToken);
  }

  /**
   * A requester with its own way of reading the correlation token from a reply.
   *
   * @param tokenReader returns the reply's token, or null when it has none or cannot be read
   */
  public MqttRequester(MqttClient mqtt, Function<MqttMessage, String> tokenReader) {
    this.mqtt = mqtt;
    this.tokenReader = tokenReader;
    this.timer = new ScheduledThreadPoolExecutor(1,
        new NamedThreadFactory("thingbridge-mqtt-requests-" + mqtt.clientId(), true));
    this.timer.setRemoveOnCancelPolicy(true);
  }

  /** The client this requester publishes through. */
  public MqttClient client() {
    return mqtt;
  }

  /**
   * A fresh correlation token: the prefix (usually the thing name, cut to keep the token within AWS's
   * 64-character limit), a sequence number and 48 random bits, so tokens differ across restarts too.
   */
  public String newClientToken(String prefix) {
    String head = prefix.length() > 32 ? prefix.substring(0, 32) : prefix;
    byte[] r = new byte[6];
    random.nextBytes(r);
    return head + ":" + sequence.incrementAndGet() + ":" + HexFormat.of().formatHex(r);
  }

  /**
   * Sends a request and waits for its reply; a rejection fails the future with {@link MqttRejectedException}.
   * Services with their own error type use {@link #request(MqttRequest, Function, Function)}.
   */
  public <T> CompletableFuture<T> request(MqttRequest request, Function<MqttMessage, T> decoder) {
    return request(request, decoder, reply -> new MqttRejectedException(request, reply));
  }

  /**
   * Sends a request and waits for its reply.
   *
   * @param decoder turns the accepted reply into the result; an exception from it fails the future with
   *     {@link MqttReplyDecodeException}
   * @param rejection turns the rejected reply into the service's exception (a Jobs error code, a Shadow status,
   *     a Commands error), which fails the future as it is; an exception thrown by it fails the future with
   *     {@link MqttReplyDecodeException}
   * @return completes with the decoded accepted reply; or fails with the rejection's exception, {@link
   *     MqttTimeoutException} (no reply within the request's timeout), the {@link MqttException} of a failed
   *     subscribe or publish, or {@link MqttClosedException}
   */
  public <T> CompletableFuture<T> request(MqttRequest request, Function<MqttMessage, T> decoder,
      Function<MqttMessage, ? extends Exception> rejection) {
    Pending<T> pending = new Pending<>(request, decoder, rejection);
    List<CompletableFuture<Subscription>> acks = new ArrayList<>();
    List<SubscriptionFilter> missing = new ArrayList<>();
    synchronized (lock) {
      if (closed) {
        return CompletableFuture.failedFuture(new MqttClosedException("the requester is closed"));
      }
      pendingByTopic.computeIfAbsent(request.acceptedTopic(), k -> new ArrayList<>()).add(pending);
      pendingByTopic.computeIfAbsent(request.rejectedTopic(), k -> new ArrayList<>()).add(pending);
      for (SubscriptionFilter f : request.replyFilters()) {
        CompletableFuture<Subscription> existing = subscriptions.get(f.filter());
        if (existing == null) {
          missing.add(f);
        } else {
          acks.add(existing);
        }
      }
      if (!missing.isEmpty()) {
        CompletableFuture<Subscription> sub = mqtt.subscribe(missing, listener);
        for (SubscriptionFilter f : missing) {
          subscriptions.put(f.filter(), sub);
        }
        acks.add(sub);
        sub.whenComplete((s, e) -> {
          if (e != null) {
            forget(missing, sub);
          }
        });
      }
    }
    pending.timeoutTask = schedule(pending);
    CompletableFuture.allOf(acks.toArray(CompletableFuture[]::new)).whenComplete((ok, e) -> {
      if (e != null) {
        finish(pending, null, Futures.unwrap(e));
        return;
      }
      if (pending.result.isDone()) {
        return;
      }
      mqtt.publish(new MqttMessage(request.topic(), request.payload(), QoS.AT_LEAST_ONCE, false,
              request.properties()))
          .whenComplete((v, pe) -> {
            if (pe != null) {
              finish(pending, null, Futures.unwrap(pe));
            }
          });
    });
    return pending.result;
  }

  private ScheduledFuture<?> schedule(Pending<?> pending) {
    try {
      return timer.schedule(
          () -> finish(pending, null, new MqttTimeoutException(
              "reply to " + pending.request.topic() + " (token " + pending.request.clientToken() + ")",
              pending.request.timeout())),
          pending.request.timeout().toMillis(), TimeUnit.MILLISECONDS);
    } catch (java.util.concurrent.RejectedExecutionException e) {
      finish(pending, null, new MqttClosedException("the requester is closed"));
      return null;
    }
  }

  private void forget(List<SubscriptionFilter> filters, CompletableFuture<Subscription> failed) {
    synchronized (lock) {
      for (SubscriptionFilter f : filters) {
        subscriptions.remove(f.filter(), failed);
      }
    }
  }

  private void dispatch(MqttMessage message) {
    Pending<?> taken = null;
    synchronized (lock) {
      List<Pending<?>> candidates = pendingByTopic.get(message.topic());
      if (candidates == null || candidates.isEmpty()) {
        return;
      }
      String token = null;
      boolean tokenRead = false;
      for (Pending<?> p : candidates) {
        if (p.request.clientToken() == null) {
          taken = p;
          break;
        }
        if (!tokenRead) {
          token = tokenReader.apply(message);
          tokenRead = true;
        }
        if (p.request.clientToken().equals(token)) {
          taken = p;
          break;
        }
      }
    }
    if (taken == null) {
      log.debug("reply on {} matches no pending request; ignored", message.topic());
      return;
    }
    finish(taken, message, null);
  }

  /** Completes a pending request once: with a reply, or with an error. */
  private <T> void finish(Pending<T> pending, MqttMessage reply, Throwable error) {
    synchronized (lock) {
      if (!pending.claimed) {
        pending.claimed = true;
        remove(pending.request.acceptedTopic(), pending);
        remove(pending.request.rejectedTopic(), pending);
      } else {
        return;
      }
    }
    if (pending.timeoutTask != null) {
      pending.timeoutTask.cancel(false);
    }
    if (error != null) {
      pending.result.completeExceptionally(error);
    } else if (reply.topic().equals(pending.request.acceptedTopic())) {
      T value;
      try {
        value = pending.decoder.apply(reply);
      } catch (RuntimeException e) {
        pending.result.completeExceptionally(new MqttReplyDecodeException(
            "could not decode the reply on " + reply.topic() + ": " + e.getMessage(), e));
        return;
      }
      pending.result.complete(value);
    } else {
      Exception rejected;
      try {
        rejected = pending.rejection.apply(reply);
      } catch (RuntimeException e) {
        rejected = new MqttReplyDecodeException(
            "could not read the rejection on " + reply.topic() + ": " + e.getMessage(), e);
      }
      pending.result.completeExceptionally(rejected);
    }
  }

  private void remove(String topic, Pending<?> pending) {
    List<Pending<?>> list = pendingByTopic.get(topic);
    if (list == null) {
      return;
    }
    for (Iterator<Pending<?>> it = list.iterator(); it.hasNext(); ) {
      if (it.next() == pending) {
        it.remove();
        break;
      }
    }
    if (list.isEmpty()) {
      pendingByTopic.remove(topic);
    }
  }

  /** Number of requests waiting for a reply. */
  public int pendingCount() {
    synchronized (lock) {
      return (int) pendingByTopic.values().stream().flatMap(List::stream).distinct().count();
    }
  }

  /** Fails every pending request with {@link MqttClosedException} and releases the reply subscriptions. */
  @Override
  public void close() {
    List<Pending<?>> open;
    List<CompletableFuture<Subscription>> subs;
    synchronized (lock) {
      if (closed) {
        return;
      }
      closed = true;
      open = pendingByTopic.values().stream().flatMap(List::stream).distinct().toList();
      subs = subscriptions.values().stream().distinct().toList();
      subscriptions.clear();
    }
    for (Pending<?> p : open) {
      finish(p, null, new MqttClosedException("the requester was closed"));
    }
    for (CompletableFuture<Subscription> s : subs) {
      s.thenAccept(Subscription::close);
    }
    timer.shutdownNow();
  }

  /** The top-level {@code clientToken} string of a JSON reply, or null. Reads no further than needed. */
  public static String jsonClientToken(MqttMessage message) {
    try (JsonParser p = JSON.createParser(message.payload())) {
      if (p.nextToken() != JsonToken.START_OBJECT) {
        return null;
      }
      while (p.nextToken() == JsonToken.FIELD_NAME) {
        String name = p.currentName();
        JsonToken value = p.nextToken();
        if ("clientToken".equals(name)) {
          return value == JsonToken.VALUE_STRING ? p.getText() : null;
        }
        p.skipChildren();
      }
      return null;
    } catch (IOException | RuntimeException e) {
      return null;
    }
  }

  private static final class Pending<T> {
    final MqttRequest request;
    final Function<MqttMessage, T> decoder;
    final Function<MqttMessage, ? extends Exception> rejection;
    final CompletableFuture<T> result = new CompletableFuture<>();
    volatile ScheduledFuture<?> timeoutTask;
    boolean claimed; // guarded by lock

    Pending(MqttRequest request, Function<MqttMessage, T> decoder,
        Function<MqttMessage, ? extends Exception> rejection) {
      this.request = request;
      this.decoder = decoder;
      this.rejection = rejection;
    }
  }
}
