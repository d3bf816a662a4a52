package dev.thingbridge.twin.shadows;

import com.fasterxml.jackson.core.io.JsonStringEncoder;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.thingbridge.mqtt.AwsNames;
import dev.thingbridge.twin.TwinLimits;
import dev.thingbridge.twin.TwinOutbox;
import dev.thingbridge.twin.shadows.ShadowOutcome.Accepted;
import dev.thingbridge.twin.shadows.ShadowOutcome.Publication;
import dev.thingbridge.twin.shadows.ShadowOutcome.Rejected;
import dev.thingbridge.twin.store.Migration;
import dev.thingbridge.twin.store.Row;
import dev.thingbridge.twin.store.StoreReader;
import dev.thingbridge.twin.store.StoreSchema;
import dev.thingbridge.twin.store.Table;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.NavigableMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentSkipListMap;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The Device Shadow service's state and rules, transport-free: every shadow of every thing, and get, update,
 * delete and list as AWS IoT performs them. Requests of different things may run concurrently (the maps are
 * concurrent and a shadow is only touched by its own thing's requests); one thing's requests, listing, expiry
 * and loading must not overlap with others of the same thing, which the twin's lanes and lock ensure.
 *
 * <p>Persistence: table {@code shadows}, one row per shadow (and per deleted shadow whose version is still
 * remembered), keyed by thing and shadow name ({@code ''} for the classic shadow), so a thing's named shadows
 * come in name order from the key. {@code document} holds desired, reported and their metadata as JSON.
 */
public final class ShadowEngine {
  private static final Logger log = LoggerFactory.getLogger(ShadowEngine.class);
  public static final int DEFAULT_PAGE_SIZE = 25;
  public static final int MAX_PAGE_SIZE = 100;

  private final ShadowSettings settings;
  private final Supplier<TwinLimits> limits;
  /** The persistent form: version, last update, deletion time (null while it exists), the JSON document. */
  public static final Table SHADOWS = Table.of("shadows", 2, "thing_name", "shadow_name", "version", "updated_at",
      "deleted_at", "document");
  public static final StoreSchema SCHEMA = StoreSchema.of("shadows", List.of(SHADOWS), Migration.sql(
      "CREATE TABLE shadows (thing_name TEXT NOT NULL, shadow_name TEXT NOT NULL, version INTEGER NOT NULL,"
          + " updated_at INTEGER NOT NULL, deleted_at INTEGER, document TEXT,"
          + " PRIMARY KEY (thing_name, shadow_name))",
      "CREATE INDEX shadows_deleted ON shadows (deleted_at) WHERE deleted_at IS NOT NULL"));

  private final NavigableMap<Key, StoredShadow> shadows = new ConcurrentSkipListMap<>();
  /** Deleted shadows whose version is still remembered, with their deletion time: what the tick expires. */
  private final Map<Key, Long> tombstones = new ConcurrentHashMap<>();
  private final RequestRateLimiter rates = new RequestRateLimiter();

  /** Shadows sort by thing, then by name, with the classic shadow ({@code ""}) first. */
  private record Key(String thing, String shadow) implements Comparable<Key> {
    @Override
    public int compareTo(Key o) {
      int c = thing.compareTo(o.thing);
      return c != 0 ? c : shadow.compareTo(o.shadow);
    }
  }

  public ShadowEngine(ShadowSettings settings, Supplier<TwinLimits> limits) {
    this.settings = settings;
    this.limits = limits;
  }

  /** Answers one request; never throws for bad input (it becomes a {@link Rejected}). */
  public ShadowOutcome handle(ShadowServiceTopics.Request request, byte[] payload, long now) {
    Rejected refused = admit(request, payload.length, now);
    if (refused != null) {
      return refused;
    }
    return switch (request.operation()) {
      case GET -> get(request.thingName(), request.shadowName(), payload, now);
      case UPDATE -> update(request.thingName(), request.shadowName(), payload, now);
      case DELETE -> delete(request.thingName(), request.shadowName(), payload, now);
    };
  }

  private Rejected admit(ShadowServiceTopics.Request request, int payloadBytes, long now) {
    ShadowAccessPolicy.Decision decision =
        settings.accessPolicy().check(request.thingName(), request.shadowName(), request.operation());
    if (decision == ShadowAccessPolicy.Decision.UNAUTHORIZED) {
      return new Rejected(401, "Unauthorized", null);
    }
    if (decision == ShadowAccessPolicy.Decision.FORBIDDEN) {
      return new Rejected(403, "Forbidden", null);
    }
    TwinLimits l = limits.get();
    if (l.enforceRates() && !rates.tryAcquire(request.thingName(), payloadBytes, now,
        Math.min(settings.requestsPerSecondPerThing(), l.maxPublishesPerSecondPerThing()),
        l.maxBytesPerSecondPerThing())) {
      return new Rejected(429, "Too Many Requests", null);
    }
    if (payloadBytes > l.maxPayloadBytes()) {
      return new Rejected(413, "The payload exceeds the maximum size allowed", null);
    }
    return null;
  }

  private ShadowOutcome get(String thing, String shadow, byte[] payload, long now) {
    String token;
    try {
      token = payload.length == 0 ? null
          : UpdateRequest.clientToken(UpdateRequest.parseObject(payload, limits.get().maxShadowDepth()));
    } catch (UpdateRequest.Invalid e) {
      return new Rejected(e.code, e.getMessage(), e.clientToken);
    }
    StoredShadow s = shadows.get(new Key(thing, shadow));
    if (s == null || !s.exists()) {
      return notFound(thing, shadow, token);
    }
    ObjectNode state = s.state();
    ObjectNode delta = s.delta(settings.numbersEqualByValue());
    if (!delta.isEmpty()) {
      state.set("delta", delta);
    }
    ObjectNode doc = ShadowJson.object();
    doc.set("state", state);
    doc.set("metadata", s.metadata());
    doc.put("version", s.version);
    doc.put("timestamp", now);
    putToken(doc, token);
    return new Accepted(doc, List.of(), false);
  }

  private ShadowOutcome update(String thing, String shadow, byte[] payload, long now) {
    TwinLimits l = limits.get();
    UpdateRequest request;
    try {
      request = UpdateRequest.parse(payload, l.maxShadowDepth());
    } catch (UpdateRequest.Invalid e) {
      return new Rejected(e.code, e.getMessage(), e.clientToken);
    }
    Key key = new Key(thing, shadow);
    StoredShadow current = shadows.get(key);
    boolean existed = current != null && current.exists();
    long currentVersion = current == null ? 0 : current.version;
    // A versioned update is for the document at that version; a deleted one is at none, so a device's late write
    // (an acknowledgement held through an outage) is refused instead of re-creating what was deleted meanwhile.
    boolean deleted = current != null && !existed;
    if (request.version() != null && (request.version() != currentVersion || deleted)) {
      return new Rejected(409, "Version conflict", request.clientToken());
    }
    StoredShadow next = existed ? current : new StoredShadow();
    // The update merges into the stored trees in place; what the documents message calls "previous" and what
    // a refused merge goes back to are the bytes the shadow already keeps of its state.
    byte[] previous = existed ? current.snapshotDocument() : null;
    StoredShadow.Sections before = existed ? current.sections() : null;
    try {
      JsonNode state = request.state();
      if (state.isNull()) {
        next.clearState();
      } else {
        next.merge(state, now);
      }
      if (next.stateBytes() > l.maxShadowStateBytes()) {
        if (before != null) {
          next.restore(before);
        }
        return new Rejected(413, "The payload exceeds the maximum size allowed", request.clientToken());
      }
    } catch (RuntimeException e) {
      if (before != null) {
        next.restore(before);
      }
      throw e;
    }
    next.version = currentVersion + 1;
    next.timestamp = now;
    next.deletedAt = -1;
    if (!existed) {
      shadows.put(key, next);
    }
    tombstones.remove(key);
    return new Accepted(acceptedDocument(request, next, now),
        notifications(thing, shadow, request, previous, next, now), true);
  }

  /** The request's state echoed as sent, with metadata for every leaf in it. */
  private static ObjectNode acceptedDocument(UpdateRequest request, StoredShadow next, long now) {
    ObjectNode doc = ShadowJson.object();
    JsonNode state = request.state();
    // The request's tree is this update's own (the merge copied what it keeps), so the reply may hold it.
    doc.set("state", state);
    if (state.isObject()) {
      ObjectNode meta = ShadowJson.object();
      state.fields().forEachRemaining(e -> meta.set(e.getKey(), ShadowJson.metadataOf(e.getValue(), now)));
      doc.set("metadata", meta);
    }
    doc.put("version", next.version);
    doc.put("timestamp", now);
    putToken(doc, request.clientToken());
    return doc;
  }

  private List<Publication> notifications(String thing, String shadow, UpdateRequest request,
      byte[] previous, StoredShadow next, long now) {
    List<Publication> out = new ArrayList<>(2);
    ObjectNode delta = next.delta(settings.numbersEqualByValue());
    boolean desiredInRequest = request.state().isObject() && request.state().has("desired");
    boolean publishDelta = !delta.isEmpty()
        && (settings.deltaPublication() == ShadowSettings.DeltaPublication.WHENEVER_DELTA_NON_EMPTY
            || desiredInRequest);
    if (publishDelta) {
      ObjectNode doc = ShadowJson.object();
      doc.set("state", delta);
      doc.set("metadata", ShadowJson.deltaMetadata(delta, next.desiredMeta()));
      doc.put("version", next.version);
      doc.put("timestamp", now);
      putToken(doc, request.clientToken());
      out.add(new Publication(ShadowServiceTopics.delta(thing, shadow), ShadowJson.bytes(doc)));
    }
    out.add(new Publication(ShadowServiceTopics.documents(thing, shadow),
        documentsMessage(previous, next.snapshotDocument(), now, request.clientToken())));
    return out;
  }

  /** {@code {"previous"?, "current", "timestamp", "clientToken"?}} from the two documents' JSON. */
  private static byte[] documentsMessage(byte[] previous, byte[] current, long now, String token) {
    StoredShadow.JsonBytes out = new StoredShadow.JsonBytes(
        (previous == null ? 0 : previous.length) + current.length + 128);
    out.raw("{");
    if (previous != null) {
      out.raw("\"previous\":").raw(previous).raw(",");
    }
    out.raw("\"current\":").raw(current).raw(",\"timestamp\":").number(now);
    if (token != null) {
      out.raw(",\"clientToken\":\"").raw(JsonStringEncoder.getInstance().quoteAsUTF8(token)).raw("\"");
    }
    return out.raw("}").toByteArray();
  }

  private ShadowOutcome delete(String thing, String shadow, byte[] payload, long now) {
    // AWS ignores the content of a delete request; only a well-formed clientToken is echoed.
    String token = null;
    try {
      if (payload.length > 0) {
        token = UpdateRequest.clientToken(UpdateRequest.parseObject(payload, limits.get().maxShadowDepth()));
      }
    } catch (UpdateRequest.Invalid e) {
      token = null;
    }
    Key key = new Key(thing, shadow);
    StoredShadow s = shadows.get(key);
    if (s == null || !s.exists()) {
      return notFound(thing, shadow, token);
    }
    s.clearState();
    s.deletedAt = now;
    tombstones.put(key, now);
    ObjectNode doc = ShadowJson.object();
    doc.put("version", s.version);
    doc.put("timestamp", now);
    putToken(doc, token);
    return new Accepted(doc, List.of(), true);
  }

  /** The request's client token if the payload is an object with a valid one, else null. */
  public static String clientTokenOf(byte[] payload, int maxDepth) {
    try {
      return payload.length == 0 ? null : UpdateRequest.clientToken(UpdateRequest.parseObject(payload, maxDepth));
    } catch (UpdateRequest.Invalid e) {
      return null;
    }
  }

  private static Rejected notFound(String thing, String shadow, String token) {
    return new Rejected(404, "No shadow exists with name: '" + shadow + "'", token);
  }

  /**
   * One page of a thing's named shadows in name order.
   *
   * @throws ShadowServiceException 400 for a page size outside 1..100 or a token this service did not issue
   */
  public NamedShadowPage listNamed(String thing, String nextToken, Integer pageSize, long now) {
    int size = pageSize == null ? DEFAULT_PAGE_SIZE : pageSize;
    if (size < 1 || size > MAX_PAGE_SIZE) {
      throw new ShadowServiceException(400, "pageSize must be between 1 and " + MAX_PAGE_SIZE);
    }
    String after = nextToken == null || nextToken.isEmpty() ? "" : decodeToken(nextToken);
    List<String> names = new ArrayList<>(size);
    Iterator<Map.Entry<Key, StoredShadow>> it =
        shadows.subMap(new Key(thing, after), false, new Key(thing, "\uffff"), false).entrySet().iterator();
    String more = null;
    while (it.hasNext()) {
      Map.Entry<Key, StoredShadow> e = it.next();
      if (!e.getValue().exists() || e.getKey().shadow().isEmpty()) {
        continue;
      }
      if (names.size() == size) {
        more = encodeToken(names.get(names.size() - 1));
        break;
      }
      names.add(e.getKey().shadow());
    }
    return new NamedShadowPage(names, more, now);
  }

  private static String encodeToken(String lastName) {
    return Base64.getUrlEncoder().withoutPadding().encodeToString(("after:" + lastName).getBytes(StandardCharsets.UTF_8));
  }

  private static String decodeToken(String token) {
    try {
      String text = new String(Base64.getUrlDecoder().decode(token), StandardCharsets.UTF_8);
      if (text.startsWith("after:") && AwsNames.isShadowName(text.substring(6))) {
        return text.substring(6);
      }
    } catch (IllegalArgumentException e) {
      // falls through to the rejection
    }
    throw new ShadowServiceException(400, "The nextToken is invalid");
  }

  /**
   * Forgets deleted shadows' versions after the retention period, deleting their rows through {@code out};
   * true if any was forgotten. Costs as much as the remembered deletions, not as all shadows.
   */
  public boolean expireDeleted(long now, TwinOutbox out) {
    long retention = settings.deletedVersionRetention().toSeconds();
    rates.forgetBefore(now);
    boolean any = false;
    for (Iterator<Map.Entry<Key, Long>> it = tombstones.entrySet().iterator(); it.hasNext(); ) {
      Map.Entry<Key, Long> e = it.next();
      if (now - e.getValue() >= retention) {
        it.remove();
        shadows.remove(e.getKey());
        out.delete(SHADOWS, e.getKey().thing(), e.getKey().shadow());
        any = true;
      }
    }
    return any;
  }

  /** Writes the row of one shadow as it is now (or deletes it if the engine no longer knows it). */
  public void save(String thing, String shadow, TwinOutbox out) {
    StoredShadow s = shadows.get(new Key(thing, shadow));
    if (s == null) {
      out.delete(SHADOWS, thing, shadow);
    } else {
      out.save(SHADOWS, thing, shadow, s.version, s.timestamp, s.exists() ? null : s.deletedAt,
          s.exists() ? s.documentJson() : null);
    }
  }

  /** Writes every row (after an import). */
  public void saveAll(TwinOutbox out) {
    shadows.keySet().forEach(k -> save(k.thing(), k.shadow(), out));
  }

  /** Replaces the state with the rows of the {@code shadows} table; unreadable rows are skipped with a warning. */
  public void load(StoreReader store) {
    shadows.clear();
    tombstones.clear();
    store.query("SELECT * FROM shadows", row -> {
      String thing = row.text("thing_name");
      String shadow = row.text("shadow_name");
      try {
        put(thing, shadow, StoredShadow.fromRow(row.longValue("version"), row.longValue("updated_at"),
            row.nullableLong("deleted_at"), row.text("document")));
      } catch (IllegalArgumentException e) {
        log.warn("twin shadows: stored shadow {}/{} skipped: {}", thing, shadow, e.getMessage());
      }
    });
  }

  private void put(String thing, String shadow, StoredShadow s) {
    if (!AwsNames.isThingName(thing) || !(shadow.isEmpty() || AwsNames.isShadowName(shadow))) {
      throw new IllegalArgumentException("bad thing or shadow name");
    }
    Key key = new Key(thing, shadow);
    shadows.put(key, s);
    if (!s.exists()) {
      tombstones.put(key, s.deletedAt);
    }
  }

  /** Every shadow (and remembered deletion) as JSON: the state file of older versions. */
  public JsonNode snapshot() {
    ObjectNode root = ShadowJson.object();
    root.put("format", 1);
    ArrayNode list = root.putArray("shadows");
    shadows.forEach((k, s) -> {
      ObjectNode entry = s.toJson();
      entry.put("thing", k.thing());
      entry.put("shadow", k.shadow());
      list.add(entry);
    });
    return root;
  }

  /** Replaces the state with a snapshot of an older version's state file; unreadable entries are skipped. */
  public void restore(JsonNode snapshot) {
    shadows.clear();
    tombstones.clear();
    for (JsonNode entry : snapshot.path("shadows")) {
      String thing = entry.path("thing").asText("");
      String shadow = entry.path("shadow").asText("");
      try {
        put(thing, shadow, StoredShadow.fromJson(entry));
      } catch (IllegalArgumentException e) {
        log.warn("twin shadows: state entry {}/{} skipped: {}", thing, shadow, e.getMessage());
      }
    }
  }

  /** Number of existing shadows (tests and logs). */
  public int size() {
    return (int) shadows.values().stream().filter(StoredShadow::exists).count();
  }

  private static void putToken(ObjectNode doc, String token) {
    if (token != null) {
      doc.put("clientToken", token);
    }
  }
}
