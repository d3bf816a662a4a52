/**
 * The node tree a {@link dev.thingbridge.shadows.schema.ShadowSchema} derives from a state type (objects, leaves,
 * maps, unions), and what walks it: the builder, the delta parser and applier, the projections and the fingerprint.
 * Not API. Imports {@code shadows.schema} (annotations, exceptions) and Jackson; read by {@code shadows.store} for
 * the key layout.
 */
package dev.thingbridge.shadows.schema.internal;
