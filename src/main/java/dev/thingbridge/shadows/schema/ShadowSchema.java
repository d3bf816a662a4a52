package dev.thingbridge.shadows.schema;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.thingbridge.shadows.schema.internal.DeltaApplier;
import dev.thingbridge.shadows.schema.internal.DeltaParser;
import dev.thingbridge.shadows.schema.internal.Fingerprint;
import dev.thingbridge.shadows.schema.internal.Patch;
import dev.thingbridge.shadows.schema.internal.Projections;
import dev.thingbridge.shadows.schema.internal.SchemaBuilder;
import dev.thingbridge.shadows.schema.internal.ShadowJson;
import dev.thingbridge.shadows.schema.internal.StructNode;
import dev.thingbridge.shadows.schema.spec.DefaultValue;
import dev.thingbridge.shadows.schema.spec.Opaque;
import dev.thingbridge.shadows.schema.spec.ReportOnly;
import dev.thingbridge.shadows.schema.spec.ShadowDeltaException;
import dev.thingbridge.shadows.schema.spec.ShadowDeltaException.Reason;
import dev.thingbridge.shadows.schema.spec.ShadowSchemaException;
import dev.thingbridge.shadows.schema.spec.TaggedUnion;
import java.io.IOException;
import java.util.Map;
import java.util.Objects;

/**
 * The shadow model derived from a state type: thingbridge's answer to rustot's derive macros, built at run time
 * from records (or Jackson-annotated classes), sealed interfaces and the annotations of this package, and cached
 * per type.
 *
 * <p>From the type it derives the desired and reported projections of a state, the parsing and application of
 * deltas (rejecting unknown fields, wrong types and bad variants with a {@link ShadowDeltaException} that names
 * the path), the acknowledgement of an applied delta, the diff of two states, and a schema fingerprint that
 * changes exactly when the persisted shape changes.
 *
 * <p>Shapes: a record (or bean) is an object whose fields deltas patch one by one; scalars, strings, enums, lists,
 * arrays and {@link Opaque} fields are atomic leaves; a {@code Map<String, V>} is patched entry by entry, an entry
 * removed by {@code null} or {@code "unset"}; a sealed interface of records is a {@link TaggedUnion}. State values
 * are treated as immutable; applying a delta builds new instances. Thread-safe.
 *
 * @param <S> the state type
 */
public final class ShadowSchema<S> {
  /** Derived once per type; a schema is immutable, so the cache holds no mutable state. */
  private static final ClassValue<ShadowSchema<?>> CACHE = new ClassValue<>() {
    @Override
    protected ShadowSchema<?> computeValue(Class<?> type) {
      return new ShadowSchema<>(type);
    }
  };

  private final Class<S> type;
  private final StructNode root;
  private final String fingerprint;

  @SuppressWarnings("unchecked")
  private ShadowSchema(Class<?> type) {
    this.type = (Class<S>) type;
    this.root = SchemaBuilder.root(type);
    this.fingerprint = Fingerprint.of(root);
  }

  /**
   * The schema of a state type, derived on first use and cached.
   *
   * @throws ShadowSchemaException if the type cannot be a shadow state
   */
  @SuppressWarnings("unchecked")
  public static <S> ShadowSchema<S> of(Class<S> type) {
    Objects.requireNonNull(type, "type");
    return (ShadowSchema<S>) CACHE.get(type);
  }

  public Class<S> type() {
    return type;
  }

  /** The default state: every field at its {@link DefaultValue} or its type's default, every union at its default. */
  @SuppressWarnings("unchecked")
  public S defaults() {
    return (S) root.defaultValue();
  }

  /**
   * A deterministic fingerprint (16 hex digits) of the persisted shape: field and variant names, types, nesting
   * and tagging. Stable across runs, JVMs and field order; {@link ReportOnly} transient fields do not count.
   */
  public String fingerprint() {
    return fingerprint;
  }

  /** The full desired view of a state (report-only fields left out): what a new shadow document is created with. */
  public ObjectNode desired(S state) {
    return (ObjectNode) Projections.desired(root, state);
  }

  /** The full reported view of a state, report-only fields included, unions padded with nulls. */
  public ObjectNode reported(S state) {
    return (ObjectNode) Projections.reported(root, state);
  }

  /**
   * Parses a delta (the {@code state} object of an {@code /update/delta} message or the {@code state.delta} of a
   * GET reply). The current state resolves unions the delta does not name a variant for.
   *
   * @throws ShadowDeltaException if the delta does not fit the type; nothing is changed
   */
  public ShadowDelta parseDelta(JsonNode delta, S current) {
    return parse(delta, current, DeltaParser.Mode.DESIRED, false);
  }

  /** As {@link #parseDelta(JsonNode, Object)}, from JSON text or bytes. */
  public ShadowDelta parseDelta(byte[] delta, S current) {
    return parseDelta(readTree(delta), current);
  }

  /**
   * As {@link #parseDelta(JsonNode, Object)} but skipping keys that are no field of the type instead of rejecting
   * the delta: for a device that must keep applying what it knows while the cloud's desired holds keys of a newer
   * firmware. Wrong types and bad variants are still rejected.
   */
  public ShadowDelta parseDeltaIgnoringUnknown(JsonNode delta, S current) {
    return parse(delta, current, DeltaParser.Mode.DESIRED, true);
  }

  /** Parses a partial reported document made by the device; report-only fields are allowed. */
  public ShadowDelta parseReported(JsonNode reported, S current) {
    return parse(reported, current, DeltaParser.Mode.REPORTED, false);
  }

  private ShadowDelta parse(JsonNode json, S current, DeltaParser.Mode mode, boolean lenient) {
    if (json == null || json.isNull()) {
      return new ShadowDelta(this, new Patch.Struct(Map.of()), JsonNodeFactory.instance.objectNode());
    }
    if (!json.isObject()) {
      throw new ShadowDeltaException(Reason.MALFORMED, "", "a delta's state must be an object, got "
          + json.getNodeType());
    }
    S base = current == null ? defaults() : current;
    Patch patch = lenient ? DeltaParser.parseLenient(root, json, base, "", mode)
        : DeltaParser.parse(root, json, base, "", mode);
    return new ShadowDelta(this, (Patch.Struct) patch, ((ObjectNode) json).deepCopy());
  }

  /**
   * Applies a delta to a state (which is not modified) and computes its acknowledgement.
   *
   * @throws ShadowDeltaException ({@code INVALID_VALUE}) if a record's constructor refuses a value
   * @throws IllegalArgumentException if the delta was parsed by another schema
   */
  public AppliedDelta<S> apply(S current, ShadowDelta delta) {
    if (delta.schema() != this) {
      throw new IllegalArgumentException("delta was parsed for " + delta.schema().type.getName());
    }
    S before = current == null ? defaults() : current;
    S after;
    try {
      @SuppressWarnings("unchecked")
      S applied = (S) DeltaApplier.apply(root, before, delta.patch());
      after = applied;
    } catch (DeltaApplier.Refused r) {
      throw new ShadowDeltaException(Reason.INVALID_VALUE, r.path(), "refused by the state type: " + r.getMessage());
    }
    ObjectNode reported = (ObjectNode) Projections.partialReported(root, before, after, delta.patch());
    ObjectNode cleanup = (ObjectNode) Projections.cleanup(root, after, delta.patch());
    return new AppliedDelta<>(before, after, delta, reported, cleanup,
        () -> DeltaApplier.diff(root, before, after) != null);
  }

  /** Parses and applies in one step. */
  public AppliedDelta<S> applyDelta(S current, JsonNode delta) {
    return apply(current, parseDelta(delta, current));
  }

  /**
   * What changed between two states, as a delta (map entries removed, variants switched, leaves replaced).
   */
  public ShadowDelta diff(S before, S after) {
    Objects.requireNonNull(after, "after");
    Patch patch = DeltaApplier.diff(root, before == null ? defaults() : before, after);
    Patch.Struct struct = patch == null ? new Patch.Struct(Map.of()) : (Patch.Struct) patch;
    S base = before == null ? defaults() : before;
    ObjectNode json = struct.isEmpty() ? JsonNodeFactory.instance.objectNode()
        : (ObjectNode) Projections.partialReported(root, base, after, struct);
    return new ShadowDelta(this, struct, json);
  }

  /**
   * The partial reported document for going from {@code before} to {@code after}: only changed fields, a removed
   * map entry as {@code null} (kept even if unchanged elsewhere), a switched union whole. Empty when nothing
   * changed.
   */
  public ObjectNode reportedDiff(S before, S after) {
    return diff(before, after).json();
  }

  static JsonNode readTree(byte[] json) {
    try {
      return ShadowJson.MAPPER.readTree(json);
    } catch (JsonProcessingException e) {
      throw new ShadowDeltaException(Reason.MALFORMED, "", "not JSON: " + e.getOriginalMessage());
    } catch (IOException e) {
      throw new ShadowDeltaException(Reason.MALFORMED, "", "not JSON: " + e.getMessage());
    }
  }

  @Override
  public String toString() {
    return "ShadowSchema[" + type.getName() + ", " + fingerprint + "]";
  }
}
