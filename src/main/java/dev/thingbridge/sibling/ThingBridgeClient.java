package dev.thingbridge.sibling;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A sibling component's client of the thingbridge component's local API, over its own Greengrass IPC connection.
 * It depends on nothing but the AWS IoT Device SDK (IPC) and Jackson.
 *
 * <pre>{@code
 * try (ThingBridgeClient tb = ThingBridgeClient.builder("com.example.Fan").build()) {
 *   JsonNode doc = tb.shadows().get(null, "fan").get(5, TimeUnit.SECONDS);
 *   tb.shadows().watch(null, "fan", delta -> fan.apply(delta.state()));
 *   tb.jobs().claim(null, "rotate-logs", job -> { rotate(job.document()); return JobResult.succeeded(); });
 *   tb.commands().claim(null, "blink", cmd -> { blink(); return CommandResult.succeeded(Map.of()); });
 * }
 * }</pre>
 *
 * <p>Every request carries a fresh correlation id and waits at most the request timeout; a request in flight
 * when the nucleus connection drops is sent again after the reconnect, and one still unanswered is sent again
 * after 1, 2, 4 and then every 5 seconds, since a request or answer published while the other side re-subscribes
 * is lost (the component answers a repeated correlation id from its first answer, so nothing runs twice). Claims,
 * watches and event subscriptions are leases the client renews by itself, at once after a reconnect, so nothing
 * handed to this sibling is lost.
 * Failures are {@link LocalApiException}s with a {@link LocalApiErrorCode}.
 *
 * <p>Threads: {@code thingbridge-sibling-dispatch} delivers watch and event callbacks in order (keep them quick);
 * job and command workers run on {@code thingbridge-sibling-worker-N}.
 */
public final class ThingBridgeClient implements AutoCloseable {
  /** The socket path variable the nucleus sets. */
  public static final String SOCKET_ENV = "AWS_GG_NUCLEUS_DOMAIN_SOCKET_FILEPATH_FOR_COMPONENT";
  /** The IPC token variable the nucleus sets. */
  public static final String TOKEN_ENV = "SVCUID";

  static final ObjectMapper JSON = new ObjectMapper();
  /** When an unanswered request is first sent again; each later repeat waits twice as long, up to RESEND_MAX. */
  static final Duration RESEND_FIRST = Duration.ofSeconds(1);
  static final Duration RESEND_MAX = Duration.ofSeconds(5);
  private static final System.Logger LOG = System.getLogger(ThingBridgeClient.class.getName());

  private final String component;
  private final String prefix;
  private final Duration requestTimeout;
  private final SiblingConnection connection;
  private final String responseTopic;
  private final String eventTopic;
  private final String idPrefix = UUID.randomUUID().toString().substring(0, 8);
  private final AtomicLong ids = new AtomicLong();
  private final Map<String, Pending> pending = new ConcurrentHashMap<>();
  private final ExecutorService workers;
  private final Renewals renewals;
  private final Shadows shadows;
  private final Jobs jobs;
  private final Commands commands;
  private final Events events;
  private volatile boolean closed;

  /** A request waiting for its answer, and the next time it is sent again. */
  private static final class Pending {
    final String topic;
    final byte[] payload;
    final String operation;
    final CompletableFuture<JsonNode> result;
    volatile ScheduledFuture<?> resend;

    Pending(String topic, byte[] payload, String operation, CompletableFuture<JsonNode> result) {
      this.topic = topic;
      this.payload = payload;
      this.operation = operation;
      this.result = result;
    }
  }

  private ThingBridgeClient(Builder b) {
    this.component = b.component;
    this.prefix = b.prefix;
    this.requestTimeout = b.requestTimeout;
    this.responseTopic = LocalApiTopics.response(prefix, component);
    this.eventTopic = LocalApiTopics.event(prefix, component);
    this.workers = Executors.newCachedThreadPool(SiblingConnection.named("thingbridge-sibling-worker"));
    this.connection = new SiblingConnection(b.socketPath, b.token, List.of(responseTopic, eventTopic),
        b.connectTimeout, new SiblingConnection.Listener() {
          @Override
          public void onMessage(String topic, byte[] payload) {
            ThingBridgeClient.this.onMessage(topic, payload);
          }

          @Override
          public void onReconnected() {
            resendPending();
            renewals.renewAllNow();
          }
        });
    this.renewals = new Renewals(this, connection.scheduler());
    this.shadows = new Shadows(this);
    this.jobs = new Jobs(this);
    this.commands = new Commands(this);
    this.events = new Events(this);
  }

  /** A builder for component {@code componentName} (its name in its recipe: its topics carry it). */
  public static Builder builder(String componentName) {
    return new Builder(componentName);
  }

  /** The sibling's component name. */
  public String componentName() {
    return component;
  }

  /** Device shadows: get, update, delete, watch. */
  public Shadows shadows() {
    return shadows;
  }

  /** Jobs: claim a job kind and run its executions. */
  public Jobs jobs() {
    return jobs;
  }

  /** Commands: claim a command by name and answer its executions. */
  public Commands commands() {
    return commands;
  }

  /** Event streams (OTA, MCU, provisioning, Defender, ...), and the status, provisioning and Defender calls. */
  public Events events() {
    return events;
  }

  /** Whether the IPC connection is up right now. */
  public boolean isConnected() {
    return connection.isConnected();
  }

  /**
   * Sends one request and waits for its answer: the response's {@code result}, or a {@link LocalApiException}
   * with the component's error, UNAUTHORIZED when this component's accessControl does not allow the topic, or
   * TIMEOUT after the request timeout.
   *
   * @param body the request's fields ({@code correlationId} is added); null for none
   */
  public CompletableFuture<JsonNode> call(String service, String operation, ObjectNode body) {
    return call(service, operation, body, requestTimeout);
  }

  /** How long a call waits for its answer unless given its own timeout. */
  public Duration requestTimeout() {
    return requestTimeout;
  }

  /** {@link #call(String, String, ObjectNode)} with its own timeout. */
  public CompletableFuture<JsonNode> call(String service, String operation, ObjectNode body, Duration timeout) {
    String name = service + "/" + operation;
    if (closed) {
      return CompletableFuture.failedFuture(new LocalApiException(LocalApiErrorCode.UNAVAILABLE, name,
          "the client is closed"));
    }
    String id = idPrefix + "-" + ids.incrementAndGet();
    ObjectNode request = body == null ? JsonNodeFactory.instance.objectNode() : body.deepCopy();
    request.put("correlationId", id);
    byte[] payload;
    try {
      payload = JSON.writeValueAsBytes(request);
    } catch (IOException e) {
      return CompletableFuture.failedFuture(new LocalApiException(LocalApiErrorCode.BAD_REQUEST, name,
          "the request cannot be encoded: " + e.getMessage(), e));
    }
    String topic = LocalApiTopics.request(prefix, component, service, operation);
    CompletableFuture<JsonNode> result = new CompletableFuture<>();
    Pending p = new Pending(topic, payload, name, result);
    pending.put(id, p);
    ScheduledFuture<?> timer = connection.scheduler().schedule(() -> result.completeExceptionally(
        new LocalApiException(LocalApiErrorCode.TIMEOUT, name, "no answer from the thingbridge component within "
            + timeout.toMillis() + " ms (is it running, and does its prefix match '" + prefix + "'?)")),
        timeout.toMillis(), TimeUnit.MILLISECONDS);
    result.whenComplete((v, e) -> {
      timer.cancel(false);
      ScheduledFuture<?> resend = p.resend;
      if (resend != null) {
        resend.cancel(false);
      }
      pending.remove(id);
    });
    connection.publish(topic, payload).whenComplete((v, e) -> {
      if (e instanceof LocalApiException l && l.code() == LocalApiErrorCode.UNAUTHORIZED) {
        result.completeExceptionally(new LocalApiException(LocalApiErrorCode.UNAUTHORIZED, name, l.getMessage(),
            l.getCause()));
      }
      // UNAVAILABLE: sent again after the reconnect, within the timeout.
    });
    resendLater(p, RESEND_FIRST);
    return result;
  }

  /**
   * Sends a request again while it is unanswered, at growing intervals: local pub/sub keeps nothing for a
   * subscriber that is not there, so a request published while the component re-subscribes after a nucleus
   * restart (this sibling may be back first), or an answer published while this sibling re-subscribes, is gone,
   * and no reconnect of this sibling's own will send it again. The component answers a repeat from the first
   * run's outcome, so nothing runs twice.
   */
  private void resendLater(Pending p, Duration delay) {
    if (p.result.isDone() || closed) {
      return;
    }
    try {
      p.resend = connection.scheduler().schedule(() -> {
        if (p.result.isDone() || closed) {
          return;
        }
        connection.publish(p.topic, p.payload);
        Duration doubled = delay.multipliedBy(2);
        resendLater(p, doubled.compareTo(RESEND_MAX) > 0 ? RESEND_MAX : doubled);
      }, delay.toMillis(), TimeUnit.MILLISECONDS);
    } catch (RejectedExecutionException closing) {
      // the client is closing
    }
  }

  private void resendPending() {
    pending.values().forEach(p -> connection.publish(p.topic, p.payload));
  }

  private void onMessage(String topic, byte[] payload) {
    JsonNode message;
    try {
      message = JSON.readTree(payload);
    } catch (IOException e) {
      LOG.log(System.Logger.Level.WARNING, "thingbridge sibling: unreadable message on " + topic);
      return;
    }
    if (message == null || !message.isObject()) {
      return;
    }
    if (topic.equals(responseTopic)) {
      onResponse(message);
    } else if (topic.equals(eventTopic)) {
      onEvent((ObjectNode) message);
    }
  }

  private void onResponse(JsonNode message) {
    Pending p = pending.get(message.path("correlationId").asText(""));
    if (p == null) {
      return; // an answer to a request that timed out, or a repeat
    }
    if (message.path("ok").asBoolean(false)) {
      p.result.complete(message.path("result"));
    } else {
      JsonNode error = message.path("error");
      p.result.completeExceptionally(new LocalApiException(LocalApiErrorCode.of(error.path("code").asText(null)),
          p.operation, error.path("message").asText("")));
    }
  }

  private void onEvent(ObjectNode event) {
    switch (event.path("type").asText("")) {
      case "job.execution" -> jobs.onExecution(event);
      case "job.cancelled" -> jobs.onCancelled(event);
      case "command.execution" -> commands.onExecution(event);
      case "shadow.delta" -> shadows.onDelta(event);
      default -> events.onEvent(event);
    }
  }

  // ---- for the views ----

  Renewals renewals() {
    return renewals;
  }

  ExecutorService workers() {
    return workers;
  }

  SiblingConnection connection() {
    return connection;
  }

  static ObjectNode body(String thing) {
    ObjectNode b = JsonNodeFactory.instance.objectNode();
    if (thing != null) {
      b.put("thing", thing);
    }
    return b;
  }

  /** Stops renewing, releases the claims (best effort), closes the IPC connection and the worker threads. */
  @Override
  public void close() {
    if (closed) {
      return;
    }
    renewals.releaseAll(Duration.ofMillis(500));
    closed = true;
    pending.values().forEach(p -> p.result.completeExceptionally(
        new LocalApiException(LocalApiErrorCode.UNAVAILABLE, p.operation, "the client was closed")));
    connection.close();
    workers.shutdownNow();
  }

  /** Configures a {@link ThingBridgeClient}. */
  public static final class Builder {
    private final String component;
    private String prefix = LocalApiTopics.DEFAULT_PREFIX;
    private String socketPath = System.getenv(SOCKET_ENV);
    private String token = System.getenv(TOKEN_ENV);
    private Duration requestTimeout = Duration.ofSeconds(35);
    private Duration connectTimeout = Duration.ofSeconds(5);

    private Builder(String component) {
      this.component = LocalApiTopics.checkComponentName(component);
    }

    /** The thingbridge component's {@code localApi.topicPrefix} (default {@code thingbridge}). */
    public Builder topicPrefix(String value) {
      this.prefix = LocalApiTopics.checkPrefix(value);
      return this;
    }

    /** The nucleus socket (default: {@value #SOCKET_ENV}). */
    public Builder socketPath(String value) {
      this.socketPath = value;
      return this;
    }

    /** The component's IPC token (default: {@value #TOKEN_ENV}). Never logged. */
    public Builder authToken(String value) {
      this.token = value;
      return this;
    }

    /**
     * How long a request waits for its answer (default 35 s, a little more than the component's own 30 s limit,
     * so that a slow cloud shows as the component's TIMEOUT rather than the client's).
     */
    public Builder requestTimeout(Duration value) {
      if (value.isNegative() || value.isZero()) {
        throw new IllegalArgumentException("requestTimeout must be positive");
      }
      this.requestTimeout = value;
      return this;
    }

    public Builder connectTimeout(Duration value) {
      if (value.isNegative() || value.isZero()) {
        throw new IllegalArgumentException("connectTimeout must be positive");
      }
      this.connectTimeout = value;
      return this;
    }

    /**
     * Connects to the nucleus and subscribes to this component's responses and events.
     *
     * @throws LocalApiException UNAUTHORIZED when the token is refused or the accessControl does not allow the
     *     subscriptions; UNAVAILABLE when the nucleus cannot be reached
     * @throws IllegalStateException without a socket path or a token
     */
    public ThingBridgeClient build() {
      if (socketPath == null || socketPath.isBlank() || token == null || token.isBlank()) {
        throw new IllegalStateException("no Greengrass IPC socket or token: run as a Greengrass component ("
            + SOCKET_ENV + " and " + TOKEN_ENV + ") or give them to the builder");
      }
      ThingBridgeClient c = new ThingBridgeClient(this);
      try {
        c.connection.connect();
      } catch (RuntimeException e) {
        c.connection.close();
        c.workers.shutdownNow();
        throw e;
      }
      return c;
    }
  }

  static <T> T require(T value, String name) {
    return Objects.requireNonNull(value, name);
  }
}
