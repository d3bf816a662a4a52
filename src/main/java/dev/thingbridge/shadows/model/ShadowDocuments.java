package dev.thingbridge.shadows.model;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.Optional;

/**
 * An {@code update/documents} message: the document before and after an accepted update.
 *
 * @param previous the document before, or null when the update created it
 * @param current the document after
 * @param timestamp epoch seconds
 * @param clientToken the update's token, or null
 */
public record ShadowDocuments(Snapshot previous, Snapshot current, long timestamp, String clientToken) {
  public ShadowDocuments {
    if (current == null) {
      throw new IllegalArgumentException("a documents message needs a current document");
    }
  }

  public Optional<Snapshot> previousDocument() {
    return Optional.ofNullable(previous);
  }

  /**
   * One side of a documents message.
   *
   * @param desired {@code state.desired}, or null
   * @param reported {@code state.reported}, or null
   * @param metadata {@code metadata}, or null
   * @param version the document version
   */
  public record Snapshot(ObjectNode desired, ObjectNode reported, ObjectNode metadata, long version) {}
}
