package dev.thingbridge.shadows.store;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.thingbridge.shadows.schema.AppliedDelta;
import dev.thingbridge.shadows.schema.ShadowDelta;
import dev.thingbridge.shadows.schema.ShadowSchema;
import dev.thingbridge.shadows.schema.internal.DeltaApplier;
import dev.thingbridge.shadows.schema.internal.Patch;
import dev.thingbridge.shadows.schema.internal.SchemaBuilder;
import dev.thingbridge.shadows.schema.internal.StructNode;
import dev.thingbridge.shadows.schema.spec.MigrateFrom;
import dev.thingbridge.shadows.schema.spec.ReportOnly;
import dev.thingbridge.shadows.schema.spec.ShadowDeltaException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The locally persisted state of one shadow, stored field by field in a {@link KeyValueStore} under its scope.
 *
 * <p>Keys are {@code {scope}/{field path}}; the trailing {@code /} of the scope keeps shadows {@code dev} and
 * {@code device} apart. Only what changes is written: a delta writes the fields it touched, a report the fields
 * that differ. Every write is one atomic batch, so the store never holds half a delta.
 *
 * <p>Boot: {@link #load()} compares the stored schema fingerprint with the type's. Absent: first boot, defaults are
 * written. Equal: the state is read. Different: the state is read with {@link MigrateFrom} sources and written back
 * in the new layout, but the old keys and the old fingerprint stay until {@link #commit()}, so firmware rolled back
 * by OTA still loads its own state. Call {@code commit()} once the new firmware is confirmed good.
 *
 * <p>All methods are synchronized; {@link #load()} must come first.
 *
 * @param <S> the state type
 */
public final class ShadowStateStore<S> {
  private static final Logger LOG = LoggerFactory.getLogger(ShadowStateStore.class);
  private static final String FINGERPRINT_KEY = "__schema__";
  private static final String META = "__meta__";
  private static final int MAX_SCOPE = 160;

  private final KeyValueStore store;
  private final String scope;
  private final ShadowSchema<S> schema;
  private final StructNode root;
  private S state;

  private ShadowStateStore(KeyValueStore store, String scope, ShadowSchema<S> schema) {
    this.store = store;
    this.scope = scope;
    this.schema = schema;
    this.root = SchemaBuilder.root(schema.type());
  }

  /**
   * A handle on one shadow's state in a store; does no I/O until {@link #load()}. Several handles with distinct
   * scopes may share one store.
   *
   * @param scope the shadow's key prefix: no {@code /}, no control characters; see {@link #scopeOf}
   */
  public static <S> ShadowStateStore<S> open(KeyValueStore store, String scope, ShadowSchema<S> schema) {
    Objects.requireNonNull(store, "store");
    Objects.requireNonNull(schema, "schema");
    if (scope == null || scope.isEmpty() || scope.length() > MAX_SCOPE || scope.indexOf('/') >= 0
        || scope.chars().anyMatch(Character::isISOControl)) {
      throw new IllegalArgumentException("scope must be 1.." + MAX_SCOPE + " characters without '/': " + scope);
    }
    return new ShadowStateStore<>(store, scope, schema);
  }

  /**
   * The conventional scope of a shadow of a thing: {@code thing~name}, or {@code thing~$classic} for the classic
   * shadow. Neither {@code ~} nor {@code $} is allowed in thing or shadow names, so scopes never collide.
   */
  public static String scopeOf(String thingName, String shadowName) {
    return thingName + "~" + (shadowName == null ? "$classic" : shadowName);
  }

  public String scope() {
    return scope;
  }

  public ShadowSchema<S> schema() {
    return schema;
  }

  /** Loads the state (see the class comment); may be called again to re-read the store. */
  public synchronized LoadResult load() {
    Optional<byte[]> stored = store.get(key(FINGERPRINT_KEY));
    String storedPrint = stored.map(b -> new String(b, StandardCharsets.UTF_8)).orElse(null);
    if (storedPrint == null || !storedPrint.matches("[0-9a-f]{16}")) {
      WriteBatch batch = new WriteBatch();
      S defaults = schema.defaults();
      int written = KvLayout.writeFull(root, defaults, scope, batch);
      batch.put(key(FINGERPRINT_KEY), schema.fingerprint());
      store.write(batch);
      state = defaults;
      LOG.info("shadow {}: first boot, {} defaults written", scope, written);
      return new LoadResult(true, false, 0, written, 0, List.of());
    }
    boolean changed = !storedPrint.equals(schema.fingerprint());
    KvLoader loader = new KvLoader(store, scope, changed);
    @SuppressWarnings("unchecked")
    S loaded = (S) loader.readRoot(root);
    if (changed || !loader.corrupted().isEmpty()) {
      // Re-persist in the current layout: migrated values reach their new keys and new unions get their
      // _variant key (so later deltas naming no variant resolve). The old fingerprint stays until commit().
      WriteBatch batch = new WriteBatch();
      KvLayout.writeFull(root, loaded, scope, batch);
      store.write(batch);
    }
    state = loaded;
    if (!loader.corrupted().isEmpty()) {
      LOG.warn("shadow {}: {} stored values were unreadable and were reset to defaults", scope,
          loader.corrupted().size());
    }
    if (changed) {
      LOG.info("shadow {}: schema changed ({} -> {}), {} values migrated; commit() once the firmware is good",
          scope, storedPrint, schema.fingerprint(), loader.migrated());
    }
    return new LoadResult(false, changed, loader.loaded(), loader.defaulted(), loader.migrated(), loader.corrupted());
  }

  /** The current state. */
  public synchronized S state() {
    requireLoaded();
    return state;
  }

  /**
   * Applies a delta: writes the fields it touched (a switched variant and a new map entry whole, a removed entry's
   * keys removed), then makes the result the current state. If the write fails the state is unchanged.
   */
  public synchronized AppliedDelta<S> apply(ShadowDelta delta) {
    requireLoaded();
    AppliedDelta<S> applied = schema.apply(state, delta);
    persist(applied.previous(), applied.state());
    state = applied.state();
    return applied;
  }

  /**
   * Parses a delta against the current state and applies it.
   *
   * @throws ShadowDeltaException if it does not fit the type; nothing is written
   */
  public synchronized AppliedDelta<S> applyDelta(JsonNode delta) {
    requireLoaded();
    return apply(schema.parseDelta(delta, state));
  }

  /**
   * Records a new state the device is about to report: writes the persisted fields that differ (including
   * {@link ReportOnly#persist()} ones) and returns the partial reported document to publish (empty when nothing
   * changed).
   */
  public synchronized ObjectNode report(S newState) {
    requireLoaded();
    Objects.requireNonNull(newState, "newState");
    ShadowDelta diff = schema.diff(state, newState);
    if (!diff.isEmpty()) {
      persist(state, newState);
      state = newState;
    }
    return diff.json();
  }

  /**
   * Applies a partial reported document made by the device (report-only fields allowed) and persists it; returns
   * the result, whose {@link AppliedDelta#reported()} is the document to publish.
   */
  public synchronized AppliedDelta<S> reportPartial(JsonNode reported) {
    requireLoaded();
    return apply(schema.parseReported(reported, state));
  }

  /** Writes what differs between two states: the fields a delta or a report changed, and nothing else. */
  private void persist(S before, S after) {
    Patch changed = DeltaApplier.diff(root, before, after);
    if (changed == null) {
      return;
    }
    WriteBatch batch = new WriteBatch();
    KvLayout.writePatch(root, before, after, changed, scope, batch);
    if (!batch.isEmpty()) {
      store.write(batch);
    }
  }

  /**
   * Finishes a schema change: removes every key of this shadow that the current schema does not use (inactive
   * variants, map entries and reserved keys are kept) and stores the current fingerprint, in one atomic batch.
   * Other shadows' keys are never touched.
   */
  public synchronized CommitResult commit() {
    requireLoaded();
    WriteBatch batch = new WriteBatch();
    int removed = 0;
    String prefix = scope + "/";
    for (String key : store.keys(prefix)) {
      List<String> segments = Arrays.asList(key.substring(prefix.length()).split("/", -1));
      if (segments.get(0).startsWith("__")) {
        continue;
      }
      if (!KvLayout.isValid(root, segments, 0)) {
        batch.remove(key);
        removed++;
      }
    }
    batch.put(key(FINGERPRINT_KEY), schema.fingerprint());
    store.write(batch);
    LOG.info("shadow {}: schema {} committed, {} orphan keys removed", scope, schema.fingerprint(), removed);
    return new CommitResult(removed, schema.fingerprint());
  }

  /**
   * Wipes this shadow's keys (metadata included) and starts again from the default state, written at once so a
   * restart does not mistake later changes for a first boot.
   */
  public synchronized void delete() {
    WriteBatch batch = new WriteBatch().removePrefix(scope + "/");
    S defaults = schema.defaults();
    KvLayout.writeFull(root, defaults, scope, batch);
    batch.put(key(FINGERPRINT_KEY), schema.fingerprint());
    store.write(batch);
    state = defaults;
  }

  /** A small value the shadow agent keeps next to the state (the last applied version, for example). */
  public Optional<byte[]> metadata(String name) {
    return store.get(metaKey(name));
  }

  /** Stores a metadata value; it survives {@link #commit()} and is wiped by {@link #delete()}. */
  public void putMetadata(String name, byte[] value) {
    store.put(metaKey(name), value);
  }

  /** Every key this shadow holds in the store, for diagnostics and tests. */
  public List<String> keys() {
    return new ArrayList<>(store.keys(scope + "/"));
  }

  private String metaKey(String name) {
    if (name == null || name.isEmpty() || name.indexOf('/') >= 0) {
      throw new IllegalArgumentException("metadata name must be non-empty without '/'");
    }
    return scope + "/" + META + "/" + name;
  }

  private String key(String reserved) {
    return scope + "/" + reserved;
  }

  private void requireLoaded() {
    if (state == null) {
      throw new IllegalStateException("call load() before using shadow " + scope);
    }
  }
}
