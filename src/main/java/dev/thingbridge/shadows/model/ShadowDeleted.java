package dev.thingbridge.shadows.model;

/**
 * A {@code delete/accepted} reply.
 *
 * @param version the version of the deleted document (AWS keeps counting from it if the shadow is re-created
 *     within 48 hours)
 * @param timestamp epoch seconds
 * @param clientToken the request's token, or null
 */
public record ShadowDeleted(long version, long timestamp, String clientToken) {}
