/**
 * The typed model of a shadow's state: thingbridge's answer to rustot's derive macros, built at run time from a
 * Java type.
 *
 * <ol>
 *   <li>Describe the state as records (or Jackson beans), {@code Map<String, V>} for keyed collections and sealed
 *       interfaces annotated {@link dev.thingbridge.shadows.schema.TaggedUnion} for variants; options by annotation
 *       ({@link dev.thingbridge.shadows.schema.ReportOnly}, {@link dev.thingbridge.shadows.schema.Opaque}, {@link
 *       dev.thingbridge.shadows.schema.DefaultValue}, {@link dev.thingbridge.shadows.schema.MigrateFrom} with a
 *       {@link dev.thingbridge.shadows.schema.FieldConverter}, {@link dev.thingbridge.shadows.schema.Flatten}).
 *   <li>{@link dev.thingbridge.shadows.schema.ShadowSchema#of(Class)} derives (once per type) the desired and
 *       reported projections, the delta parser ({@link dev.thingbridge.shadows.schema.ShadowDelta}, or a {@link
 *       dev.thingbridge.shadows.schema.ShadowDeltaException} naming the path that does not fit) and the schema
 *       fingerprint.
 *   <li>Applying a delta gives an {@link dev.thingbridge.shadows.schema.AppliedDelta}: the new state and the
 *       acknowledgement to publish so the cloud's delta empties.
 * </ol>
 *
 * <p>Pure model: no I/O, no MQTT, no persistence. Imports Jackson and its own node tree ({@code
 * shadows.schema.internal}) only; {@code shadows.store} and {@code shadows} build on it, never the reverse.
 */
package dev.thingbridge.shadows.schema;
