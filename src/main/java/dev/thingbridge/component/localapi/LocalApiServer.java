package dev.thingbridge.component.localapi;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.thingbridge.greengrass.LocalTopicMessage;
import dev.thingbridge.internal.NamedThreadFactory;
import dev.thingbridge.sibling.LocalApiErrorCode;
import dev.thingbridge.sibling.LocalApiTopics;
import java.io.IOException;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Serves thingbridge's local API to sibling components (see {@link LocalApiTopics} for the topics): it takes
 * each request from {@code <prefix>/<caller>/<service>/<operation>}, hands it to the {@link ApiService} of that
 * name and publishes the outcome to {@code <prefix>/<caller>/response}:
 *
 * <pre>{@code
 * {"correlationId":"c-7","operation":"shadow/get","ok":true,"result":{...}}
 * {"correlationId":"c-8","operation":"jobs/claim","ok":false,"error":{"code":"CONFLICT","message":"..."}}
 * }</pre>
 *
 * <p>Rules: the body is a JSON object (binary message; a JSON message is accepted too) of at most {@code
 * maxRequestBytes} with a {@code correlationId} of 1-64 of {@code [A-Za-z0-9._:-]}; every call is bounded by
 * {@code callTimeout}; a request repeated with the same correlation id (a client re-sending after a reconnect, or
 * one still waiting for its answer) is answered from the first one's outcome instead of running twice, for {@link
 * #DEDUP_WINDOW}; a repeat that arrives while the first still runs gets that run's one answer.
 */
public final class LocalApiServer implements AutoCloseable {
  /** How long a response is remembered for a request that is sent again. */
  static final Duration DEDUP_WINDOW = Duration.ofMinutes(2);
  static final int DEDUP_ENTRIES = 2048;
  private static final Logger log = LoggerFactory.getLogger(LocalApiServer.class);
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final Pattern CORRELATION_ID = Pattern.compile("[A-Za-z0-9._:-]{1,64}");

  private final LocalBus bus;
  private final String prefix;
  private final Map<String, ApiService> services = new LinkedHashMap<>();
  private final Duration callTimeout;
  private final int maxRequestBytes;
  private final EventSender events;
  private final ScheduledExecutorService timer;
  private final Map<String, Remembered> recent = new LinkedHashMap<>(64, 0.75f, false) {
    @Override
    protected boolean removeEldestEntry(Map.Entry<String, Remembered> eldest) {
      return size() > DEDUP_ENTRIES;
    }
  };
  private volatile AutoCloseable subscription;
  private volatile boolean closed;

  private record Remembered(CompletableFuture<byte[]> response, long at) {}

  private LocalApiServer(Builder b) {
    this.bus = b.bus;
    this.prefix = b.prefix;
    this.callTimeout = b.callTimeout;
    this.maxRequestBytes = b.maxRequestBytes;
    b.services.forEach(s -> services.put(s.name(), s));
    this.events = new EventSender(bus, prefix);
    ScheduledThreadPoolExecutor t =
        new ScheduledThreadPoolExecutor(1, new NamedThreadFactory("thingbridge-localapi-timer", true));
    t.setRemoveOnCancelPolicy(true);
    this.timer = t;
  }

  public static Builder builder(LocalBus bus, String prefix) {
    return new Builder(bus, prefix);
  }

  /** The topic prefix served. */
  public String prefix() {
    return prefix;
  }

  /** Where services push events to sibling components. */
  public EventSender events() {
    return events;
  }

  /** Subscribes to every caller's requests; completes once the bus accepted the subscription. */
  public CompletableFuture<Void> start() {
    return bus.subscribe(LocalApiTopics.requestFilter(prefix), this::onMessage).thenAccept(s -> {
      subscription = s;
      if (closed) {
        closeQuietly(s);
      }
      log.info("local api: serving {} for sibling components ({})", LocalApiTopics.requestFilter(prefix),
          String.join(", ", services.keySet()));
    });
  }

  private void onMessage(LocalTopicMessage message) {
    var parsed = LocalApiTopics.parseRequest(prefix, message.topic());
    if (parsed.isEmpty() || closed) {
      return; // our own responses and events share the prefix but not the depth
    }
    String caller = parsed.get().component();
    String operation = parsed.get().operationName();
    ObjectNode body;
    String correlationId;
    try {
      if (message.payload().length > maxRequestBytes) {
        throw new ApiException(LocalApiErrorCode.TOO_LARGE,
            "the request has " + message.payload().length + " bytes, more than " + maxRequestBytes);
      }
      JsonNode tree = JSON.readTree(message.payload());
      if (tree == null || !tree.isObject()) {
        throw ApiException.badRequest("the request must be a JSON object");
      }
      body = (ObjectNode) tree;
      JsonNode id = body.get("correlationId");
      if (id == null || !id.isTextual() || !CORRELATION_ID.matcher(id.asText()).matches()) {
        throw ApiException.badRequest("'correlationId' must be 1-64 of [A-Za-z0-9._:-]");
      }
      correlationId = id.asText();
    } catch (IOException e) {
      reply(caller, null, operation, null, ApiException.badRequest("the request is not valid JSON: "
          + (e instanceof com.fasterxml.jackson.core.JsonProcessingException j ? j.getOriginalMessage() : e.getMessage())));
      return;
    } catch (ApiException e) {
      reply(caller, correlationIdOf(message), operation, null, e);
      return;
    }
    String key = caller + "\n" + correlationId;
    CompletableFuture<byte[]> mine = new CompletableFuture<>();
    CompletableFuture<byte[]> earlier;
    synchronized (recent) {
      expireOld();
      Remembered r = recent.get(key);
      earlier = r == null ? null : r.response;
      if (earlier == null) {
        recent.put(key, new Remembered(mine, System.nanoTime()));
      }
    }
    if (earlier != null) {
      if (earlier.isDone()) {
        log.debug("local api: {} {} {} repeated; answering from the first one", caller, operation, correlationId);
        publish(caller, earlier.join());
      } else {
        // Still running: its answer goes out when it is done. A caller that misses it asks again and is then
        // answered from above (callers repeat unanswered requests every few seconds).
        log.debug("local api: {} {} {} repeated while it runs", caller, operation, correlationId);
      }
      return;
    }
    ApiCall call = new ApiCall(caller, parsed.get().service(), parsed.get().operation(), correlationId, body);
    dispatch(call).whenComplete((result, error) -> {
      byte[] bytes = encode(call.correlationId(), operation, result,
          error == null ? null : ApiErrors.toApi(error));
      mine.complete(bytes);
      if (error != null) {
        ApiException e = ApiErrors.toApi(error);
        if (e.code() == LocalApiErrorCode.UNAVAILABLE || e.code() == LocalApiErrorCode.TIMEOUT) {
          // Transient: a request sent again after a reconnect runs again.
          synchronized (recent) {
            recent.remove(key);
          }
        }
        log.info("local api: {} {} from {} failed: {} {}", operation, correlationId, caller, e.code(), e.getMessage());
      } else {
        log.debug("local api: {} {} from {} done", operation, correlationId, caller);
      }
      publish(caller, bytes);
    });
  }

  private CompletableFuture<JsonNode> dispatch(ApiCall call) {
    ApiService service = services.get(call.service());
    if (service == null || !service.operations().contains(call.operation())) {
      return CompletableFuture.failedFuture(new ApiException(LocalApiErrorCode.UNKNOWN_OPERATION,
          "no operation " + call.operationName() + (service == null ? "" : "; " + call.service() + " has "
              + String.join(", ", service.operations()))));
    }
    CompletableFuture<JsonNode> source;
    try {
      source = service.handle(call);
    } catch (RuntimeException e) {
      source = CompletableFuture.failedFuture(e);
    }
    CompletableFuture<JsonNode> bounded = new CompletableFuture<>();
    var timeout = timer.schedule(() -> bounded.completeExceptionally(new ApiException(LocalApiErrorCode.TIMEOUT,
        call.operationName() + " took longer than " + callTimeout.toMillis() + " ms")), callTimeout.toMillis(),
        TimeUnit.MILLISECONDS);
    source.whenComplete((v, e) -> {
      timeout.cancel(false);
      if (e == null) {
        bounded.complete(v);
      } else {
        bounded.completeExceptionally(e);
      }
    });
    return bounded;
  }

  private void expireOld() {
    long horizon = System.nanoTime() - DEDUP_WINDOW.toNanos();
    var it = recent.values().iterator();
    while (it.hasNext()) {
      Remembered r = it.next();
      if (r.at - horizon >= 0) {
        break;
      }
      it.remove();
    }
  }

  private void reply(String caller, String correlationId, String operation, JsonNode result, ApiException error) {
    log.info("local api: refused a request from {} on {}: {} {}", caller, operation, error.code(), error.getMessage());
    publish(caller, encode(correlationId, operation, result, error));
  }

  private void publish(String caller, byte[] bytes) {
    bus.publish(LocalApiTopics.response(prefix, caller), bytes).whenComplete((v, e) -> {
      if (e != null) {
        log.debug("local api: response to {} not published: {}", caller, e.getMessage());
      }
    });
  }

  private static byte[] encode(String correlationId, String operation, JsonNode result, ApiException error) {
    ObjectNode out = JsonNodeFactory.instance.objectNode();
    out.put("correlationId", correlationId);
    out.put("operation", operation);
    out.put("ok", error == null);
    if (error == null) {
      out.set("result", result == null ? JsonNodeFactory.instance.objectNode() : result);
    } else {
      out.putObject("error").put("code", error.code().name()).put("message", String.valueOf(error.getMessage()));
    }
    try {
      return JSON.writeValueAsBytes(out);
    } catch (IOException e) {
      throw new IllegalStateException("a JSON tree always encodes", e);
    }
  }

  private static String correlationIdOf(LocalTopicMessage message) {
    try {
      JsonNode id = JSON.readTree(message.payload()).path("correlationId");
      return id.isTextual() && CORRELATION_ID.matcher(id.asText()).matches() ? id.asText() : null;
    } catch (IOException | RuntimeException e) {
      return null;
    }
  }

  @Override
  public void close() {
    closed = true;
    AutoCloseable s = subscription;
    if (s != null) {
      closeQuietly(s);
    }
    events.close();
    timer.shutdownNow();
  }

  private static void closeQuietly(AutoCloseable c) {
    try {
      c.close();
    } catch (Exception e) {
      log.debug("local api: closing the subscription failed: {}", e.toString());
    }
  }

  /** Configures a {@link LocalApiServer}. */
  public static final class Builder {
    private final LocalBus bus;
    private final String prefix;
    private final java.util.ArrayList<ApiService> services = new java.util.ArrayList<>();
    private Duration callTimeout = Duration.ofSeconds(30);
    private int maxRequestBytes = 128 * 1024;

    private Builder(LocalBus bus, String prefix) {
      this.bus = Objects.requireNonNull(bus, "bus");
      this.prefix = LocalApiTopics.checkPrefix(prefix);
    }

    public Builder service(ApiService service) {
      if (services.stream().anyMatch(s -> s.name().equals(service.name()))) {
        throw new IllegalArgumentException("service " + service.name() + " is registered twice");
      }
      services.add(service);
      return this;
    }

    public Builder services(List<? extends ApiService> values) {
      values.forEach(this::service);
      return this;
    }

    /** The longest a call may take before it is answered with TIMEOUT (default 30 s). */
    public Builder callTimeout(Duration value) {
      if (value.isNegative() || value.isZero()) {
        throw new IllegalArgumentException("callTimeout must be positive");
      }
      this.callTimeout = value;
      return this;
    }

    /** The largest request body (default 128 KiB). */
    public Builder maxRequestBytes(int value) {
      if (value < 256) {
        throw new IllegalArgumentException("maxRequestBytes must be at least 256");
      }
      this.maxRequestBytes = value;
      return this;
    }

    public LocalApiServer build() {
      return new LocalApiServer(this);
    }
  }
}
