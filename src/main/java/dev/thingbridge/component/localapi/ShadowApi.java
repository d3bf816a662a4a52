package dev.thingbridge.component.localapi;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.thingbridge.mqtt.AwsNames;
import dev.thingbridge.mqtt.MqttMessage;
import dev.thingbridge.mqtt.QoS;
import dev.thingbridge.mqtt.Subscription;
import dev.thingbridge.mqtt.SubscriptionFilter;
import dev.thingbridge.mqtt.SubscriptionListener;
import dev.thingbridge.shadows.ShadowCodec;
import dev.thingbridge.shadows.ShadowTopic;
import dev.thingbridge.shadows.ShadowTopics;
import dev.thingbridge.shadows.model.ShadowDeltaMessage;
import dev.thingbridge.shadows.model.ShadowDocument;
import dev.thingbridge.shadows.model.ShadowUpdateRequest;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.BiConsumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The {@code shadow} service: {@code get}, {@code update}, {@code delete} of any shadow of a hosted thing, and
 * {@code watch}/{@code unwatch}, which push each delta of a shadow to the watcher as a {@code shadow.delta}
 * event. A shadow the component keeps has its deltas applied and acknowledged by the component (the event says
 * {@code "acknowledged":true}); for any other shadow the watcher owns the reported state and reports it with
 * {@code update}. A watch is a lease renewed by watching again; {@code watch} answers with the current document
 * so that a watcher that was away catches up, and for a kept shadow with the last {@link #RECENT_APPLIED} deltas
 * the component applied ({@code "applied"}), which a pending delta no longer shows once it is acknowledged.
 */
public final class ShadowApi implements ApiService {
  private static final Logger log = LoggerFactory.getLogger(ShadowApi.class);
  /** Applied deltas remembered per kept shadow, for watchers that were away when they were pushed. */
  static final int RECENT_APPLIED = 16;

  private record Key(String thing, String shadow) {}

  private record Watch(Key key, String component) {}

  private final ShadowAccess access;
  private final Duration lease;
  private final Leases<Watch> watches = new Leases<>();
  private final Map<Key, CompletableFuture<Subscription>> feeds = new ConcurrentHashMap<>();
  private final Map<Key, Deque<ObjectNode>> recentApplied = new ConcurrentHashMap<>();
  private volatile BiConsumer<String, ObjectNode> events = (c, e) -> {};

  public ShadowApi(ShadowAccess access, Duration lease) {
    this.access = Objects.requireNonNull(access, "access");
    this.lease = Objects.requireNonNull(lease, "lease");
  }

  public void pushEventsTo(BiConsumer<String, ObjectNode> sender) {
    this.events = Objects.requireNonNull(sender, "sender");
  }

  @Override
  public String name() {
    return "shadow";
  }

  @Override
  public Set<String> operations() {
    return Set.of("get", "update", "delete", "watch", "unwatch");
  }

  @Override
  public CompletableFuture<JsonNode> handle(ApiCall call) {
    if (!access.enabled()) {
      throw ApiException.notEnabled("shadows are turned off (shadows.enabled)");
    }
    Key key = new Key(access.resolve(call), shadowName(call));
    return switch (call.operation()) {
      case "get" -> access.client(key.thing, key.shadow).get().thenApply(doc -> documentResult(key, doc));
      case "update" -> update(call, key);
      case "delete" -> access.client(key.thing, key.shadow).delete().thenApply(d -> result(key)
          .put("version", d.version()));
      case "watch" -> watch(call, key);
      case "unwatch" -> CompletableFuture.completedFuture(result(key)
          .put("released", watches.release(new Watch(key, call.caller()), call.caller())));
      default -> throw new IllegalStateException(call.operation());
    };
  }

  private static String shadowName(ApiCall call) {
    String name = call.optionalText("shadow").orElse("");
    if (!name.isEmpty() && !AwsNames.isShadowName(name)) {
      throw ApiException.badRequest("'shadow' must be 1-64 of [a-zA-Z0-9:_-]: " + name);
    }
    return name;
  }

  private CompletableFuture<JsonNode> update(ApiCall call, Key key) {
    ObjectNode state = call.optionalObject("state")
        .orElseThrow(() -> ApiException.badRequest("'state' with 'desired' and/or 'reported' is required"));
    ObjectNode desired = section(state, "desired");
    ObjectNode reported = section(state, "reported");
    if (desired == null && reported == null) {
      throw ApiException.badRequest("'state' needs 'desired' or 'reported'");
    }
    Long version = call.optionalLong("version", 0, Long.MAX_VALUE).orElse(null);
    return access.client(key.thing, key.shadow).update(new ShadowUpdateRequest(desired, reported, null, version))
        .thenApply(doc -> {
          ObjectNode out = result(key).put("version", doc.version());
          ObjectNode s = out.putObject("state");
          if (doc.desired() != null) {
            s.set("desired", doc.desired());
          }
          if (doc.reported() != null) {
            s.set("reported", doc.reported());
          }
          return out;
        });
  }

  private static ObjectNode section(ObjectNode state, String name) {
    JsonNode v = state.get(name);
    if (v == null) {
      return null;
    }
    if (!v.isObject()) {
      throw ApiException.badRequest("'state." + name + "' must be a JSON object");
    }
    return (ObjectNode) v;
  }

  private CompletableFuture<JsonNode> watch(ApiCall call, Key key) {
    watches.claim(new Watch(key, call.caller()), call.caller(), lease);
    CompletableFuture<Void> feed = access.isKept(key.thing, key.shadow) ? CompletableFuture.completedFuture(null)
        : ensureFeed(key);
    return feed.thenCompose(v -> access.client(key.thing, key.shadow).get()
        .handle((doc, e) -> {
          if (e != null && !ApiErrors.isShadowNotFound(e)) {
            throw ApiErrors.toApi(e);
          }
          ObjectNode out = doc == null ? result(key).putNull("document") : documentResult(key, doc);
          out.put("leaseSeconds", lease.toSeconds()).put("acknowledgedByComponent",
              access.isKept(key.thing, key.shadow));
          out.set("applied", recentApplied(key));
          return (JsonNode) out;
        }));
  }

  /** Subscribes to a shadow's delta topic, once, for shadows the component does not keep. */
  private CompletableFuture<Void> ensureFeed(Key key) {
    CompletableFuture<Subscription> f = feeds.computeIfAbsent(key, k -> {
      ShadowTopics topics = ShadowTopics.of(access.topicPrefix(), k.thing, k.shadow.isEmpty() ? null : k.shadow);
      return access.mqtt().subscribe(List.of(SubscriptionFilter.of(topics.delta(), QoS.AT_LEAST_ONCE)),
          new SubscriptionListener() {
            @Override
            public void onMessage(MqttMessage message) {
              onRawDelta(k, message);
            }
          });
    });
    return f.handle((s, e) -> {
      if (e != null) {
        feeds.remove(key, f);
        throw ApiErrors.toApi(e);
      }
      return null;
    });
  }

  private void onRawDelta(Key key, MqttMessage message) {
    ShadowDeltaMessage delta;
    try {
      delta = ShadowCodec.decodeDelta(message.payload());
    } catch (RuntimeException e) {
      log.warn("shadow api: unreadable delta on {}: {}", message.topic(), e.getMessage());
      return;
    }
    if (!deliver(key, delta.version(), delta.state(), false)) {
      CompletableFuture<Subscription> f = feeds.remove(key);
      if (f != null) {
        f.thenAccept(Subscription::close);
      }
    }
  }

  /**
   * A delta of a shadow the component keeps, applied and acknowledged: pushed to its watchers (the host calls
   * this from the shadow's listener).
   */
  public void onKeptDelta(String thing, String shadow, long version, ObjectNode delta) {
    Key key = new Key(thing, shadow == null ? "" : shadow);
    Deque<ObjectNode> recent = recentApplied.computeIfAbsent(key, k -> new ArrayDeque<>());
    synchronized (recent) {
      ObjectNode applied = JsonNodeFactory.instance.objectNode().put("version", version);
      applied.set("state", delta.deepCopy());
      recent.addLast(applied);
      while (recent.size() > RECENT_APPLIED) {
        recent.removeFirst();
      }
    }
    deliver(key, version, delta, true);
  }

  private ArrayNode recentApplied(Key key) {
    ArrayNode out = JsonNodeFactory.instance.arrayNode();
    Deque<ObjectNode> recent = recentApplied.get(key);
    if (recent != null) {
      synchronized (recent) {
        recent.forEach(out::add);
      }
    }
    return out;
  }

  private boolean deliver(Key key, long version, ObjectNode delta, boolean acknowledged) {
    boolean any = false;
    for (var e : watches.holders().entrySet()) {
      if (e.getKey().key.equals(key)) {
        any = true;
        ObjectNode event = JsonNodeFactory.instance.objectNode();
        event.put("type", "shadow.delta").put("stream", "shadows").put("thing", key.thing)
            .put("shadow", key.shadow).put("version", version).put("acknowledged", acknowledged);
        event.set("state", delta.deepCopy());
        events.accept(e.getValue(), event);
      }
    }
    return any;
  }

  private static ObjectNode result(Key key) {
    return JsonNodeFactory.instance.objectNode().put("thing", key.thing).put("shadow", key.shadow);
  }

  private static ObjectNode documentResult(Key key, ShadowDocument doc) {
    ObjectNode out = result(key);
    ObjectNode d = out.putObject("document");
    ObjectNode state = d.putObject("state");
    if (doc.desired() != null) {
      state.set("desired", doc.desired());
    }
    if (doc.reported() != null) {
      state.set("reported", doc.reported());
    }
    doc.pendingDelta().ifPresent(delta -> state.set("delta", delta));
    d.put("version", doc.version()).put("timestamp", doc.timestamp());
    if (doc.metadata() != null) {
      d.set("metadata", doc.metadata());
    }
    return out;
  }

  /** Ends the delta subscriptions. */
  public void close() {
    feeds.values().forEach(f -> f.thenAccept(Subscription::close));
    feeds.clear();
  }

  /** After the component's link to its siblings came back: every claim gets a full lease to be renewed in. */
  public void reconnected() {
    watches.extendAll(lease);
  }
}
