/**
 * The Device Shadow MQTT wire documents as records: the {@code /update} request and the replies and events a
 * device receives. Encoded and decoded by {@code ShadowCodec} (package {@code shadows}). State sections stay JSON
 * trees here; the typed view is {@link dev.thingbridge.shadows.schema.ShadowSchema}'s business.
 */
package dev.thingbridge.shadows.model;
