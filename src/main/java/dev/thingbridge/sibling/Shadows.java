package dev.thingbridge.sibling;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Consumer;

/**
 * Device shadows of the things the thingbridge component hosts ({@code thing} null means the gateway's; {@code
 * shadow} null or empty means the classic shadow). Futures fail with {@link LocalApiException}: NOT_FOUND for a
 * missing shadow, CONFLICT for a version mismatch, REJECTED for any other refusal of AWS IoT.
 */
public final class Shadows {
  private final ThingBridgeClient client;
  private final Map<String, Watcher> watchers = new ConcurrentHashMap<>();

  private static final class Watcher {
    final Consumer<ShadowDelta> consumer;
    long lastVersion = -1;
    boolean primed;

    Watcher(Consumer<ShadowDelta> consumer) {
      this.consumer = consumer;
    }
  }

  Shadows(ThingBridgeClient client) {
    this.client = client;
  }

  /** The whole document: {@code {"state":{"desired","reported","delta"},"version","timestamp","metadata"}}. */
  public CompletableFuture<JsonNode> get(String thing, String shadow) {
    return client.call("shadow", "get", body(thing, shadow)).thenApply(r -> r.path("document"));
  }

  /**
   * Updates the shadow: {@code desired} and/or {@code reported} (null leaves a section alone; a null value inside
   * removes a key). Completes with {@code {"version", "state"}} as AWS IoT accepted it.
   */
  public CompletableFuture<JsonNode> update(String thing, String shadow, ObjectNode desired, ObjectNode reported) {
    return update(thing, shadow, desired, reported, null);
  }

  /** {@link #update(String, String, ObjectNode, ObjectNode)} only if the document is at {@code expectedVersion}. */
  public CompletableFuture<JsonNode> update(String thing, String shadow, ObjectNode desired, ObjectNode reported,
      Long expectedVersion) {
    ObjectNode b = body(thing, shadow);
    ObjectNode state = b.putObject("state");
    if (desired != null) {
      state.set("desired", desired);
    }
    if (reported != null) {
      state.set("reported", reported);
    }
    if (expectedVersion != null) {
      b.put("version", expectedVersion);
    }
    return client.call("shadow", "update", b);
  }

  /** Deletes the shadow; completes with {@code {"version"}}. */
  public CompletableFuture<JsonNode> delete(String thing, String shadow) {
    return client.call("shadow", "delete", body(thing, shadow));
  }

  /**
   * Watches the shadow's deltas: each goes to {@code consumer} (on the dispatch thread, in order). The pending
   * delta, if any, is handed over at once, and again after every reconnect if a newer one is waiting; for a shadow
   * the component keeps, the deltas it applied while this watcher was away follow after a reconnect too. Completes
   * once the component granted the watch.
   */
  public CompletableFuture<Registration> watch(String thing, String shadow, Consumer<ShadowDelta> consumer) {
    Watcher w = new Watcher(ThingBridgeClient.require(consumer, "consumer"));
    ObjectNode b = body(thing, shadow);
    return client.renewals().take("shadow", "watch", "unwatch", b, answer -> {
      String key = answer.path("thing").asText() + "/" + answer.path("shadow").asText();
      watchers.put(key, w);
      catchUp(w, answer);
    });
  }

  /**
   * A watch's answer: after a reconnect, the deltas the component applied meanwhile (in order), then the pending
   * delta. The first answer only primes the watcher with the document's version: older deltas are history.
   */
  private static void catchUp(Watcher w, JsonNode answer) {
    String thing = answer.path("thing").asText();
    String shadow = answer.path("shadow").asText();
    JsonNode doc = answer.path("document");
    boolean first;
    synchronized (w) {
      first = !w.primed;
      w.primed = true;
    }
    if (!first) {
      for (JsonNode applied : answer.path("applied")) {
        if (applied.path("state").isObject()) {
          deliver(w, new ShadowDelta(thing, shadow, applied.path("version").asLong(), (ObjectNode) applied.get("state"),
              true));
        }
      }
    }
    JsonNode delta = doc.path("state").path("delta");
    if (delta.isObject() && !delta.isEmpty()) {
      deliver(w, new ShadowDelta(thing, shadow, doc.path("version").asLong(), (ObjectNode) delta,
          answer.path("acknowledgedByComponent").asBoolean()));
    }
    if (first) {
      synchronized (w) {
        w.lastVersion = Math.max(w.lastVersion, doc.path("version").asLong(-1));
      }
    }
  }

  void onDelta(ObjectNode event) {
    String key = event.path("thing").asText() + "/" + event.path("shadow").asText();
    Watcher w = watchers.get(key);
    if (w != null && event.path("state").isObject()) {
      deliver(w, new ShadowDelta(event.path("thing").asText(), event.path("shadow").asText(),
          event.path("version").asLong(), (ObjectNode) event.get("state"), event.path("acknowledged").asBoolean()));
    }
  }

  private static void deliver(Watcher w, ShadowDelta delta) {
    synchronized (w) {
      if (delta.version() <= w.lastVersion) {
        return; // already seen (a catch-up after a reconnect that found nothing new)
      }
      w.lastVersion = delta.version();
    }
    w.consumer.accept(delta);
  }

  private static ObjectNode body(String thing, String shadow) {
    ObjectNode b = ThingBridgeClient.body(thing);
    if (shadow != null && !shadow.isEmpty()) {
      b.put("shadow", shadow);
    }
    return b;
  }
}
