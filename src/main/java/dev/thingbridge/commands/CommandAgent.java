package dev.thingbridge.commands;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.JavaType;
import com.fasterxml.jackson.databind.type.TypeFactory;
import dev.thingbridge.internal.Futures;
import dev.thingbridge.internal.NamedThreadFactory;
import dev.thingbridge.mqtt.MessageProperties;
import dev.thingbridge.mqtt.MqttClient;
import dev.thingbridge.mqtt.MqttMessage;
import dev.thingbridge.mqtt.MqttRequest;
import dev.thingbridge.mqtt.MqttRequester;
import dev.thingbridge.mqtt.QoS;
import dev.thingbridge.mqtt.Subscription;
import dev.thingbridge.mqtt.SubscriptionFilter;
import dev.thingbridge.mqtt.SubscriptionListener;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Serves AWS IoT Commands for one device, a thing or a plain MQTT client
 * (https://docs.aws.amazon.com/iot/latest/developerguide/iot-remote-command-execution-start-monitor.html).
 *
 * <p>Workflow: subscribe (QoS 1) to {@code $aws/commands/{things|clients}/{id}/executions/+/request/{json|cbor}}
 * (and the generic {@code .../request} when raw payloads are accepted); for each execution, once: decode the
 * payload into the payload type (a payload that does not decode is REJECTED with reason
 * {@code INVALID_PAYLOAD}), report IN_PROGRESS, run the handler, send its outcome and wait for the cloud's
 * accepted or rejected reply. A terminal status may be sent after the cloud marked the execution TIMED_OUT.
 *
 * <p>The status methods ({@link #succeed}, {@link #fail}, {@link #reject}, {@link #update}) are public for
 * devices that run commands themselves. Their futures complete on the accepted reply, or fail with
 * {@link CommandException} (the rejection's code), an MQTT timeout, or another MQTT error; bad arguments
 * (an execution id over 64 characters, a lowercase reason code) throw at once.
 *
 * <p>Threads: handlers run on {@code thingbridge-commands-N-worker-M} (a fixed pool); {@link #close()} stops them.
 *
 * @param <T> the payload type
 */
public final class CommandAgent<T> implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(CommandAgent.class);
  private static final int REMEMBERED = 512;

  private final MqttClient mqtt;
  private final CommandTopics topics;
  private final CommandFormat format;
  private final JavaType payloadType;
  private final CommandHandler<T> handler;
  private final boolean acceptRaw;
  private final boolean reportInProgress;
  private final Duration replyTimeout;
  private final CommandAgentListener listener;
  private final MqttRequester requester;
  private final ExecutorService workers;
  private final Map<String, Boolean> seen = new LinkedHashMap<>(16, 0.75f, false) {
    @Override
    protected boolean removeEldestEntry(Map.Entry<String, Boolean> eldest) {
      return size() > REMEMBERED;
    }
  };
  /** The last update sent per execution, so the next one waits for its answer. */
  private final Map<String, CompletableFuture<Void>> inFlight = new HashMap<>();
  private volatile Subscription subscription;
  private volatile boolean closed;

  private CommandAgent(Builder<T> b) {
    this.mqtt = b.mqtt;
    this.topics = b.topics == null ? CommandTopics.forThing(b.mqtt.clientId()) : b.topics;
    this.format = b.format;
    this.payloadType = b.payloadType;
    this.handler = b.handler;
    this.acceptRaw = b.acceptRaw;
    this.reportInProgress = b.reportInProgress;
    this.replyTimeout = b.replyTimeout;
    this.listener = b.listener;
    this.requester = new MqttRequester(mqtt);
    this.workers = Executors.newFixedThreadPool(b.concurrency,
        new NamedThreadFactory("thingbridge-commands-" + topics.deviceId() + "-worker", true));
  }

  /** A builder for an agent decoding payloads into {@code payloadType}. */
  public static <T> Builder<T> builder(MqttClient mqtt, Class<T> payloadType, CommandHandler<T> handler) {
    return new Builder<>(mqtt, TypeFactory.defaultInstance().constructType(payloadType), handler);
  }

  /** A builder for an agent decoding payloads into a generic type. */
  public static <T> Builder<T> builder(MqttClient mqtt, TypeReference<T> payloadType, CommandHandler<T> handler) {
    return new Builder<>(mqtt, TypeFactory.defaultInstance().constructType(payloadType), handler);
  }

  public CommandTopics topics() {
    return topics;
  }

  public CommandFormat format() {
    return format;
  }

  /** Subscribes to the request topics. Completes once the broker acknowledged them. */
  public CompletableFuture<Void> start() {
    List<SubscriptionFilter> filters = new ArrayList<>();
    filters.add(SubscriptionFilter.of(topics.requestFilter(format), QoS.AT_LEAST_ONCE));
    if (acceptRaw) {
      filters.add(SubscriptionFilter.of(topics.requestFilter(null), QoS.AT_LEAST_ONCE));
    }
    return mqtt.subscribe(filters, new SubscriptionListener() {
      @Override
      public void onMessage(MqttMessage message) {
        onRequest(message);
      }
    }).thenAccept(s -> subscription = s);
  }

  private void onRequest(MqttMessage message) {
    Optional<CommandTopic> parsed = CommandTopics.parse(message.topic());
    if (parsed.isEmpty() || parsed.get().kind() != CommandTopic.Kind.REQUEST
        || (parsed.get().format() != null && parsed.get().format() != format)) {
      return;
    }
    String id = parsed.get().executionId();
    synchronized (seen) {
      if (seen.put(id, Boolean.TRUE) != null) {
        log.debug("commands agent {}: execution {} delivered again; ignored", topics.deviceId(), id);
        return;
      }
    }
    try {
      workers.execute(() -> run(parsed.get(), message));
    } catch (RejectedExecutionException stopped) {
      log.debug("commands agent {} is closed; request {} dropped", topics.deviceId(), id);
    }
  }

  private void run(CommandTopic topic, MqttMessage message) {
    String id = topic.executionId();
    T payload = null;
    if (topic.format() != null) {
      try {
        payload = CommandCodec.decodePayload(message.payload(), topic.format(), payloadType);
      } catch (IllegalArgumentException e) {
        log.warn("commands agent {}: rejecting execution {}: {}", topics.deviceId(), id, e.getMessage());
        finish(id, CommandOutcome.rejected("INVALID_PAYLOAD", e.getMessage()));
        return;
      }
    }
    CommandRequest<T> request = new CommandRequest<>(id, topic.format(), payload, message.payload(),
        message.properties().contentType().orElse(null),
        message.properties().messageExpirySeconds().map(Duration::ofSeconds).orElse(null));
    if (reportInProgress) {
      reportInProgress(id).exceptionally(e -> {
        log.warn("commands agent {}: IN_PROGRESS of {} not accepted: {}", topics.deviceId(), id, Futures.unwrap(e).toString());
        return null;
      });
    }
    CommandOutcome outcome;
    try {
      outcome = handler.handle(request);
      if (outcome == null) {
        outcome = CommandOutcome.failed("HANDLER_ERROR", "the handler returned no outcome");
      }
    } catch (Exception e) {
      log.warn("commands agent {}: handler of {} failed: {}", topics.deviceId(), id, e.toString());
      outcome = CommandOutcome.failed("HANDLER_ERROR", e.getMessage() == null ? e.toString() : e.getMessage());
    }
    finish(id, outcome);
  }

  private void finish(String id, CommandOutcome outcome) {
    try {
      update(id, new CommandUpdate(id, outcome.status(), outcome.reason(), outcome.result()))
          .get(2 * replyTimeout.toMillis() + 1000, TimeUnit.MILLISECONDS); // may queue behind IN_PROGRESS
      log.info("commands agent {}: execution {} {}", topics.deviceId(), id, outcome.status());
      tell(() -> listener.onFinished(id, outcome));
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    } catch (Exception e) {
      Throwable cause = e instanceof java.util.concurrent.ExecutionException && e.getCause() != null
          ? Futures.unwrap(e.getCause()) : e;
      log.warn("commands agent {}: outcome of {} not accepted: {}", topics.deviceId(), id, cause.toString());
      if (cause instanceof CommandException ce) {
        tell(() -> listener.onRejected(id, outcome, ce));
      } else {
        tell(() -> listener.onUnconfirmed(id, outcome, cause));
      }
    }
  }

  private void tell(Runnable call) {
    try {
      call.run();
    } catch (RuntimeException e) {
      log.warn("commands agent listener threw {}", e.toString());
    }
  }

  /** Reports IN_PROGRESS (QoS 1). Completes on the accepted reply; need not be waited for. */
  public CompletableFuture<Void> reportInProgress(String executionId) {
    return update(executionId, new CommandUpdate(executionId, CommandStatus.IN_PROGRESS, null, null));
  }

  /** Reports SUCCEEDED with results and waits for the cloud's answer. */
  public CompletableFuture<Void> succeed(String executionId, Map<String, CommandResultValue> result) {
    return update(executionId, new CommandUpdate(executionId, CommandStatus.SUCCEEDED, null, result));
  }

  /** Reports FAILED with a reason and waits for the cloud's answer. */
  public CompletableFuture<Void> fail(String executionId, CommandStatusReason reason) {
    return update(executionId, new CommandUpdate(executionId, CommandStatus.FAILED, Objects.requireNonNull(reason), null));
  }

  /** Reports REJECTED with a reason and waits for the cloud's answer. */
  public CompletableFuture<Void> reject(String executionId, CommandStatusReason reason) {
    return update(executionId, new CommandUpdate(executionId, CommandStatus.REJECTED, Objects.requireNonNull(reason), null));
  }

  /**
   * Sends any status update at QoS 1 and waits for accepted or rejected. The Commands API has no client
   * token, and a reply names only the execution: so updates of one execution are sent one at a time, each
   * once the previous one was answered (or timed out), and a reply is always the answer to the one update
   * in flight for its execution.
   */
  public CompletableFuture<Void> update(String executionId, CommandUpdate update) {
    String topic = topics.response(executionId, format);
    MqttRequest request = new MqttRequest(topic, CommandCodec.encode(update, format),
        MessageProperties.builder().contentType(format.contentType()).build(),
        topics.accepted(executionId, format), topics.rejected(executionId, format),
        List.of(SubscriptionFilter.of(topics.acceptedFilter(format), QoS.AT_LEAST_ONCE),
            SubscriptionFilter.of(topics.rejectedFilter(format), QoS.AT_LEAST_ONCE)),
        null, replyTimeout);
    CompletableFuture<Void> result;
    synchronized (inFlight) {
      CompletableFuture<Void> previous = inFlight.getOrDefault(executionId, CompletableFuture.completedFuture(null));
      result = previous.handle((v, e) -> null).thenCompose(v -> send(executionId, topic, request));
      inFlight.put(executionId, result);
    }
    result.whenComplete((v, e) -> {
      synchronized (inFlight) {
        inFlight.remove(executionId, result);
      }
    });
    return result;
  }

  private CompletableFuture<Void> send(String executionId, String topic, MqttRequest request) {
    return requester.request(request, m -> (Void) null, reply -> new CommandException(topics.deviceId(), topic,
        executionId, CommandCodec.decodeRejection(reply.payload(), format)));
  }

  /** Unsubscribes, stops the workers (interrupting running handlers) and releases reply subscriptions. */
  @Override
  public void close() {
    if (closed) {
      return;
    }
    closed = true;
    Subscription s = subscription;
    if (s != null) {
      s.close();
    }
    workers.shutdownNow();
    try {
      workers.awaitTermination(2, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    requester.close();
  }

  /** Builds a {@link CommandAgent}. */
  public static final class Builder<T> {
    private final MqttClient mqtt;
    private final JavaType payloadType;
    private final CommandHandler<T> handler;
    private CommandTopics topics;
    private CommandFormat format = CommandFormat.JSON;
    private boolean acceptRaw;
    private boolean reportInProgress = true;
    private Duration replyTimeout = Duration.ofSeconds(5);
    private int concurrency = 4;
    private CommandAgentListener listener = CommandAgentListener.NONE;

    private Builder(MqttClient mqtt, JavaType payloadType, CommandHandler<T> handler) {
      this.mqtt = Objects.requireNonNull(mqtt, "mqtt");
      this.payloadType = payloadType;
      this.handler = Objects.requireNonNull(handler, "handler");
    }

    /** Serve the commands of this thing (default: the thing named like the MQTT client id). */
    public Builder<T> thing(String thingName) {
      this.topics = CommandTopics.forThing(thingName);
      return this;
    }

    /** Serve the commands targeted at a plain MQTT client id ({@code $aws/commands/clients/...}). */
    public Builder<T> client(String clientId) {
      this.topics = CommandTopics.forClient(clientId);
      return this;
    }

    /** JSON (default) or CBOR, for requests and status updates. */
    public Builder<T> format(CommandFormat value) {
      this.format = Objects.requireNonNull(value);
      return this;
    }

    /** Also take requests on the generic topic, handed over raw with their content type (default: no). */
    public Builder<T> acceptRaw(boolean value) {
      this.acceptRaw = value;
      return this;
    }

    /** Report IN_PROGRESS before running the handler (default: yes). */
    public Builder<T> reportInProgress(boolean value) {
      this.reportInProgress = value;
      return this;
    }

    /** How long to wait for the cloud's reply to a status update (default 5 s). */
    public Builder<T> replyTimeout(Duration value) {
      this.replyTimeout = Objects.requireNonNull(value);
      return this;
    }

    /** How many executions may run at once (default 4). */
    public Builder<T> concurrency(int value) {
      if (value < 1) {
        throw new IllegalArgumentException("concurrency must be at least 1");
      }
      this.concurrency = value;
      return this;
    }

    /** Observes finished executions (default: none). */
    public Builder<T> listener(CommandAgentListener value) {
      this.listener = Objects.requireNonNull(value);
      return this;
    }

    /** The agent; call {@link CommandAgent#start()} to run it. */
    public CommandAgent<T> build() {
      return new CommandAgent<>(this);
    }
  }
}
