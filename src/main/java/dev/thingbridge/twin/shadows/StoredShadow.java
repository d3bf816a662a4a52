package dev.thingbridge.twin.shadows;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * One shadow as the service keeps it: desired and reported state with parallel metadata trees, version and
 * last-update time. A deleted shadow stays as a tombstone (no state, {@code deletedAt} set) so that a
 * re-created one continues its version numbering.
 *
 * <p>An update merges into the trees in place, and each section keeps its JSON bytes until it changes: the
 * {@code /update/documents} message, the stored row and the size check are put together from those bytes, so
 * an update serializes only the sections it touched, once, and never copies the stored document. The trees
 * are changed only through {@link #merge}, {@link #clearState} and {@link #restore}, which drop those bytes.
 */
final class StoredShadow {
  private static final byte[] EMPTY_OBJECT = {'{', '}'};

  private ObjectNode desired = ShadowJson.object();
  private ObjectNode reported = ShadowJson.object();
  private ObjectNode desiredMeta = ShadowJson.object();
  private ObjectNode reportedMeta = ShadowJson.object();
  /** JSON of each tree, or null until needed after it changed. */
  private byte[] desiredJson = EMPTY_OBJECT;
  private byte[] reportedJson = EMPTY_OBJECT;
  private byte[] desiredMetaJson = EMPTY_OBJECT;
  private byte[] reportedMetaJson = EMPTY_OBJECT;
  /** {@link #snapshotDocument()} as of {@link #snapshotVersion}, or null after a change. */
  private byte[] snapshotJson;
  private long snapshotVersion;
  long version;
  long timestamp;
  /** Epoch seconds of the deletion, or -1 while the shadow exists. */
  long deletedAt = -1;

  boolean exists() {
    return deletedAt < 0;
  }

  ObjectNode desired() {
    return desired;
  }

  ObjectNode desiredMeta() {
    return desiredMeta;
  }

  /**
   * Merges a request's {@code state} object into desired and reported ({@code null} for a section empties
   * it), with metadata stamped {@code now}.
   */
  void merge(JsonNode state, long now) {
    JsonNode d = state.get("desired");
    if (d != null) {
      if (d.isNull()) {
        desired = ShadowJson.object();
        desiredMeta = ShadowJson.object();
      } else {
        ShadowJson.merge(desired, desiredMeta, d, now);
      }
      desiredJson = null;
      desiredMetaJson = null;
    }
    JsonNode r = state.get("reported");
    if (r != null) {
      if (r.isNull()) {
        reported = ShadowJson.object();
        reportedMeta = ShadowJson.object();
      } else {
        ShadowJson.merge(reported, reportedMeta, r, now);
      }
      reportedJson = null;
      reportedMetaJson = null;
    }
    snapshotJson = null;
  }

  void clearState() {
    desired = ShadowJson.object();
    reported = ShadowJson.object();
    desiredMeta = ShadowJson.object();
    reportedMeta = ShadowJson.object();
    desiredJson = reportedJson = desiredMetaJson = reportedMetaJson = EMPTY_OBJECT;
    snapshotJson = null;
  }

  /** The state as it was when {@code saved} was taken, for an update that is refused after its merge. */
  void restore(Sections saved) {
    desired = parse(saved.desired);
    reported = parse(saved.reported);
    desiredMeta = parse(saved.desiredMeta);
    reportedMeta = parse(saved.reportedMeta);
    desiredJson = saved.desired;
    reportedJson = saved.reported;
    desiredMetaJson = saved.desiredMeta;
    reportedMetaJson = saved.reportedMeta;
    snapshotJson = null;
  }

  /** The JSON of the four trees as they are now (immutable: later changes make new arrays). */
  Sections sections() {
    return new Sections(desiredJson(), reportedJson(), desiredMetaJson(), reportedMetaJson());
  }

  /** The four trees as JSON bytes. */
  record Sections(byte[] desired, byte[] reported, byte[] desiredMeta, byte[] reportedMeta) {}

  /** {@code {"desired":..,"reported":..}} with empty sections left out: what AWS's size limit measures. */
  ObjectNode state() {
    return sections(desired.deepCopy(), reported.deepCopy());
  }

  ObjectNode metadata() {
    return sections(desiredMeta.deepCopy(), reportedMeta.deepCopy());
  }

  /** Bytes of {@link #state()}: what the size limit is checked against. */
  int stateBytes() {
    return pair(desiredJson(), reportedJson()).length;
  }

  private ObjectNode sections(ObjectNode desiredPart, ObjectNode reportedPart) {
    ObjectNode out = ShadowJson.object();
    if (!desired.isEmpty()) {
      out.set("desired", desiredPart);
    }
    if (!reported.isEmpty()) {
      out.set("reported", reportedPart);
    }
    return out;
  }

  ObjectNode delta(boolean numbersByValue) {
    return ShadowJson.delta(desired, reported, numbersByValue);
  }

  /**
   * {@code {state, metadata, version}}: one side of an {@code /update/documents} message, as JSON (the
   * "current" side of one update is the "previous" side of the next, so it is kept until the shadow changes).
   */
  byte[] snapshotDocument() {
    if (snapshotJson == null || snapshotVersion != version) {
      JsonBytes out = new JsonBytes(256);
      out.raw("{\"state\":").raw(pair(desiredJson(), reportedJson()));
      out.raw(",\"metadata\":").raw(pair(desiredMetaJson(), reportedMetaJson()));
      out.raw(",\"version\":").number(version).raw("}");
      snapshotJson = out.toByteArray();
      snapshotVersion = version;
    }
    return snapshotJson;
  }

  /** {@code {"desired":..,"reported":..}} of two section texts, leaving out those of empty sections. */
  private byte[] pair(byte[] desiredPart, byte[] reportedPart) {
    if (desired.isEmpty() && reported.isEmpty()) {
      return EMPTY_OBJECT;
    }
    JsonBytes out = new JsonBytes(desiredPart.length + reportedPart.length + 26);
    out.raw("{");
    if (!desired.isEmpty()) {
      out.raw("\"desired\":").raw(desiredPart);
    }
    if (!reported.isEmpty()) {
      out.raw(desired.isEmpty() ? "\"reported\":" : ",\"reported\":").raw(reportedPart);
    }
    return out.raw("}").toByteArray();
  }

  /** Desired, reported and their metadata as one JSON text: the {@code document} column. */
  String documentJson() {
    JsonBytes out = new JsonBytes(256);
    out.raw("{\"desired\":").raw(desiredJson()).raw(",\"reported\":").raw(reportedJson());
    out.raw(",\"desiredMetadata\":").raw(desiredMetaJson()).raw(",\"reportedMetadata\":").raw(reportedMetaJson());
    return out.raw("}").toString();
  }

  private byte[] desiredJson() {
    if (desiredJson == null) {
      desiredJson = ShadowJson.bytes(desired);
    }
    return desiredJson;
  }

  private byte[] reportedJson() {
    if (reportedJson == null) {
      reportedJson = ShadowJson.bytes(reported);
    }
    return reportedJson;
  }

  private byte[] desiredMetaJson() {
    if (desiredMetaJson == null) {
      desiredMetaJson = ShadowJson.bytes(desiredMeta);
    }
    return desiredMetaJson;
  }

  private byte[] reportedMetaJson() {
    if (reportedMetaJson == null) {
      reportedMetaJson = ShadowJson.bytes(reportedMeta);
    }
    return reportedMetaJson;
  }

  /** A shadow from its row: a deleted one when {@code deletedAt} is set, else one with {@code document}. */
  static StoredShadow fromRow(long version, long timestamp, Long deletedAt, String document) {
    StoredShadow s = new StoredShadow();
    s.version = version;
    s.timestamp = timestamp;
    if (deletedAt != null) {
      s.deletedAt = deletedAt;
      return s;
    }
    s.readDocument(document == null ? "" : document);
    return s;
  }

  /** The persistent form of older versions' state files. */
  ObjectNode toJson() {
    ObjectNode node = ShadowJson.object();
    node.put("version", version);
    node.put("timestamp", timestamp);
    if (exists()) {
      // Kept as text so that numbers survive exactly as written whatever mapper reads the state file.
      node.put("document", documentJson());
    } else {
      node.put("deletedAt", deletedAt);
    }
    return node;
  }

  static StoredShadow fromJson(JsonNode node) {
    StoredShadow s = new StoredShadow();
    if (!node.path("version").canConvertToLong() || !node.path("timestamp").canConvertToLong()) {
      throw new IllegalArgumentException("shadow entry without version or timestamp");
    }
    s.version = node.path("version").asLong();
    s.timestamp = node.path("timestamp").asLong();
    if (node.has("deletedAt")) {
      s.deletedAt = node.path("deletedAt").asLong();
      return s;
    }
    s.readDocument(node.path("document").asText());
    return s;
  }

  private void readDocument(String text) {
    JsonNode doc;
    try {
      doc = ShadowJson.parse(text.getBytes(StandardCharsets.UTF_8));
    } catch (ShadowJson.ParseException e) {
      throw new IllegalArgumentException("shadow entry with an unreadable document: " + e.getMessage());
    }
    desired = objectOrEmpty(doc.get("desired"));
    reported = objectOrEmpty(doc.get("reported"));
    desiredMeta = objectOrEmpty(doc.get("desiredMetadata"));
    reportedMeta = objectOrEmpty(doc.get("reportedMetadata"));
    desiredJson = reportedJson = desiredMetaJson = reportedMetaJson = null;
    snapshotJson = null;
  }

  private static ObjectNode objectOrEmpty(JsonNode node) {
    return node instanceof ObjectNode o ? o : ShadowJson.object();
  }

  private static ObjectNode parse(byte[] json) {
    try {
      return (ObjectNode) ShadowJson.parse(json);
    } catch (ShadowJson.ParseException e) {
      throw new IllegalStateException("a shadow's own JSON did not parse back: " + e.getMessage(), e);
    }
  }

  /** A byte buffer for JSON put together from parts that are already JSON (not thread-safe). */
  static final class JsonBytes {
    private byte[] buf;
    private int size;

    JsonBytes(int capacity) {
      buf = new byte[capacity];
    }

    JsonBytes raw(byte[] json) {
      ensure(json.length);
      System.arraycopy(json, 0, buf, size, json.length);
      size += json.length;
      return this;
    }

    /** ASCII punctuation, keys and numbers only. */
    JsonBytes raw(String ascii) {
      int n = ascii.length();
      ensure(n);
      for (int i = 0; i < n; i++) {
        buf[size++] = (byte) ascii.charAt(i);
      }
      return this;
    }

    JsonBytes number(long value) {
      return raw(Long.toString(value));
    }

    byte[] toByteArray() {
      return size == buf.length ? buf : Arrays.copyOf(buf, size);
    }

    @Override
    public String toString() {
      return new String(buf, 0, size, StandardCharsets.UTF_8);
    }

    private void ensure(int more) {
      if (size + more > buf.length) {
        buf = Arrays.copyOf(buf, Math.max(buf.length * 2, size + more));
      }
    }
  }
}
