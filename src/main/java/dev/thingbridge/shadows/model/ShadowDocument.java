package dev.thingbridge.shadows.model;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.Optional;

/**
 * A shadow document as a {@code get/accepted} or {@code update/accepted} reply carries it. A GET reply holds the
 * whole document (with {@code delta} when desired and reported differ); an update reply echoes the sections of the
 * request only.
 *
 * @param desired {@code state.desired}, or null when absent
 * @param reported {@code state.reported}, or null when absent
 * @param delta {@code state.delta} (GET only), or null when desired and reported agree
 * @param metadata the {@code metadata} object, or null
 * @param version the document's version after the request
 * @param timestamp epoch seconds of the reply
 * @param clientToken the request's token, or null
 */
public record ShadowDocument(ObjectNode desired, ObjectNode reported, ObjectNode delta, ObjectNode metadata,
    long version, long timestamp, String clientToken) {

  /** The delta, when there is a non-empty one. */
  public Optional<ObjectNode> pendingDelta() {
    return delta == null || delta.isEmpty() ? Optional.empty() : Optional.of(delta);
  }
}
