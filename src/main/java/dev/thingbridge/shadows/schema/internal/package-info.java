/**
 * The node tree a {@code ShadowSchema} derives from a state type (objects, leaves, maps, unions), and what walks
 * it: the builder, the delta parser and applier, the projections and the fingerprint. Not API. Imports {@code
 * shadows.schema.spec} (annotations, converter, exceptions) and Jackson, never {@code shadows.schema}; read by
 * {@code shadows.schema} and by {@code shadows.store} for the key layout.
 */
package dev.thingbridge.shadows.schema.internal;
