package dev.thingbridge.shadows.model;

import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * An {@code update/delta} message: the desired keys whose values differ from reported, after an accepted update.
 *
 * @param state the delta (never null; may be empty)
 * @param metadata the desired-side metadata of those keys, or null
 * @param version the document version the delta was computed at
 * @param timestamp epoch seconds
 * @param clientToken the token of the update that caused it, or null
 */
public record ShadowDeltaMessage(ObjectNode state, ObjectNode metadata, long version, long timestamp,
    String clientToken) {
  public ShadowDeltaMessage {
    if (state == null) {
      throw new IllegalArgumentException("a delta message needs a state object");
    }
  }
}
