package dev.thingbridge.twin.shadows;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.charset.StandardCharsets;

/**
 * One shadow as the service keeps it: desired and reported state with parallel metadata trees, version and
 * last-update time. A deleted shadow stays as a tombstone (no state, {@code deletedAt} set) so that a
 * re-created one continues its version numbering.
 */
final class StoredShadow {
  ObjectNode desired = ShadowJson.object();
  ObjectNode reported = ShadowJson.object();
  ObjectNode desiredMeta = ShadowJson.object();
  ObjectNode reportedMeta = ShadowJson.object();
  long version;
  long timestamp;
  /** Epoch seconds of the deletion, or -1 while the shadow exists. */
  long deletedAt = -1;

  boolean exists() {
    return deletedAt < 0;
  }

  StoredShadow copy() {
    StoredShadow c = new StoredShadow();
    c.desired = desired.deepCopy();
    c.reported = reported.deepCopy();
    c.desiredMeta = desiredMeta.deepCopy();
    c.reportedMeta = reportedMeta.deepCopy();
    c.version = version;
    c.timestamp = timestamp;
    c.deletedAt = deletedAt;
    return c;
  }

  void clearState() {
    desired = ShadowJson.object();
    reported = ShadowJson.object();
    desiredMeta = ShadowJson.object();
    reportedMeta = ShadowJson.object();
  }

  /** {@code {"desired":..,"reported":..}} with empty sections left out: what AWS's size limit measures. */
  ObjectNode state() {
    return sections(desired.deepCopy(), reported.deepCopy());
  }

  ObjectNode metadata() {
    return sections(desiredMeta.deepCopy(), reportedMeta.deepCopy());
  }

  /**
   * {@link #state()} sharing this shadow's nodes instead of copying them: only for a document that is
   * serialized at once, before the shadow can change.
   */
  ObjectNode stateView() {
    return sections(desired, reported);
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
   * {@code {state, metadata, version}}: one side of an {@code /update/documents} message. It shares this
   * shadow's nodes, so it must be serialized before the shadow changes (the service serializes it at once).
   */
  ObjectNode snapshotDocument() {
    ObjectNode doc = ShadowJson.object();
    doc.set("state", stateView());
    doc.set("metadata", sections(desiredMeta, reportedMeta));
    doc.put("version", version);
    return doc;
  }

  /** Desired, reported and their metadata as one JSON text: the {@code document} column. */
  String documentJson() {
    ObjectNode doc = ShadowJson.object();
    doc.set("desired", desired);
    doc.set("reported", reported);
    doc.set("desiredMetadata", desiredMeta);
    doc.set("reportedMetadata", reportedMeta);
    return new String(ShadowJson.bytes(doc), StandardCharsets.UTF_8);
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
  }

  private static ObjectNode objectOrEmpty(JsonNode node) {
    return node instanceof ObjectNode o ? o.deepCopy() : ShadowJson.object();
  }
}
