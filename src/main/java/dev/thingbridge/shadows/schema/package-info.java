/**
 * The typed model of a shadow's state: thingbridge's answer to rustot's derive macros, built at run time from a
 * Java type.
 *
 * <ol>
 *   <li>Describe the state as records (or Jackson beans), {@code Map<String, V>} for keyed collections and sealed
 *       interfaces annotated {@link dev.thingbridge.shadows.schema.spec.TaggedUnion} for variants; options by
 *       annotation, all in {@code shadows.schema.spec} ({@link dev.thingbridge.shadows.schema.spec.ReportOnly},
 *       {@link dev.thingbridge.shadows.schema.spec.Opaque}, {@link dev.thingbridge.shadows.schema.spec.DefaultValue},
 *       {@link dev.thingbridge.shadows.schema.spec.MigrateFrom} with a {@link
 *       dev.thingbridge.shadows.schema.spec.FieldConverter}, {@link dev.thingbridge.shadows.schema.spec.Flatten}).
 *   <li>{@link dev.thingbridge.shadows.schema.ShadowSchema#of(Class)} derives (once per type) the desired and
 *       reported projections, the delta parser ({@link dev.thingbridge.shadows.schema.ShadowDelta}, or a {@link
 *       dev.thingbridge.shadows.schema.spec.ShadowDeltaException} naming the path that does not fit) and the schema
 *       fingerprint.
 *   <li>Applying a delta gives an {@link dev.thingbridge.shadows.schema.AppliedDelta}: the new state and the
 *       acknowledgement to publish so the cloud's delta empties.
 * </ol>
 *
 * <p>Pure model: no I/O, no MQTT, no persistence. Three layers, each importing only those below it:
 * {@code shadows.schema.spec} (what a state type is written with, and the two errors), {@code
 * shadows.schema.internal} (the node tree derived from the type) and this package (the entry points).
 * {@code shadows.store} and {@code shadows} build on it, never the reverse.
 */
package dev.thingbridge.shadows.schema;
