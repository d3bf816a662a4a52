package dev.thingbridge.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.thingbridge.component.localapi.LocalBus;
import dev.thingbridge.sibling.LocalApiTopics;
import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;

/**
 * The sibling component of {@code local --demo}, in the same process: it speaks the local API's wire protocol
 * (requests on {@code <prefix>/<component>/<service>/<operation>} with a correlation id, answers on its response
 * topic, pushed events on its event topic) over the in-process bus, as a Greengrass sibling does over local
 * publish/subscribe with the {@code dev.thingbridge.sibling} client.
 */
final class DemoSibling implements AutoCloseable {
  static final String NAME = "com.example.DemoSibling";
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final Duration TIMEOUT = Duration.ofSeconds(15);

  private final LocalBus bus;
  private final String prefix;
  private final Map<String, CompletableFuture<JsonNode>> pending = new ConcurrentHashMap<>();
  private final AtomicLong ids = new AtomicLong();
  private final List<AutoCloseable> subscriptions = new ArrayList<>();
  private volatile Consumer<JsonNode> events = e -> { };

  private DemoSibling(LocalBus bus, String prefix) {
    this.bus = bus;
    this.prefix = prefix;
  }

  /** Subscribes to its responses and events. */
  static DemoSibling connect(LocalBus bus, String prefix) throws Exception {
    DemoSibling s = new DemoSibling(bus, prefix);
    s.subscriptions.add(bus.subscribe(LocalApiTopics.response(prefix, NAME), m -> s.onResponse(m.payload()))
        .get(TIMEOUT.toMillis(), TimeUnit.MILLISECONDS));
    s.subscriptions.add(bus.subscribe(LocalApiTopics.event(prefix, NAME), m -> s.onEvent(m.payload()))
        .get(TIMEOUT.toMillis(), TimeUnit.MILLISECONDS));
    return s;
  }

  /** Where pushed events go (on the bus' thread). */
  void onEvents(Consumer<JsonNode> consumer) {
    this.events = consumer;
  }

  /** One request; completes with its {@code result}, or fails with the component's error code and message. */
  CompletableFuture<JsonNode> call(String service, String operation, ObjectNode body) {
    String id = "demo-" + ids.incrementAndGet();
    ObjectNode request = body.deepCopy().put("correlationId", id);
    CompletableFuture<JsonNode> answer = new CompletableFuture<>();
    pending.put(id, answer);
    answer.whenComplete((v, e) -> pending.remove(id));
    try {
      bus.publish(LocalApiTopics.request(prefix, NAME, service, operation), JSON.writeValueAsBytes(request))
          .exceptionally(e -> {
            answer.completeExceptionally(e);
            return null;
          });
    } catch (IOException e) {
      answer.completeExceptionally(e);
    }
    return answer.orTimeout(TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
  }

  private void onResponse(byte[] payload) {
    JsonNode r = read(payload);
    CompletableFuture<JsonNode> p = r == null ? null : pending.get(r.path("correlationId").asText());
    if (p == null) {
      return;
    }
    if (r.path("ok").asBoolean()) {
      p.complete(r.path("result"));
    } else {
      p.completeExceptionally(new IllegalStateException(r.at("/error/code").asText() + ": "
          + r.at("/error/message").asText()));
    }
  }

  private void onEvent(byte[] payload) {
    JsonNode e = read(payload);
    if (e != null) {
      events.accept(e);
    }
  }

  private static JsonNode read(byte[] payload) {
    try {
      return JSON.readTree(payload);
    } catch (IOException e) {
      return null;
    }
  }

  @Override
  public void close() {
    for (AutoCloseable s : subscriptions) {
      try {
        s.close();
      } catch (Exception e) {
        // the bus goes away with local
      }
    }
  }
}
