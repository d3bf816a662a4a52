package dev.thingbridge.sibling;

import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * A delta of a watched shadow: the desired values that differ from reported.
 *
 * @param thing the thing
 * @param shadow the shadow name, {@code ""} for the classic shadow
 * @param version the document version the delta was computed at
 * @param state the delta
 * @param acknowledged whether the thingbridge component keeps this shadow and has already reported these values
 *     (otherwise the watcher owns the reported state and reports it with {@link Shadows#update})
 */
public record ShadowDelta(String thing, String shadow, long version, ObjectNode state, boolean acknowledged) {}
