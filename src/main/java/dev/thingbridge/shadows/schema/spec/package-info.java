/**
 * How a shadow's state type is written, and the two errors raised when a type or a delta does not fit it: the
 * annotations on fields and types ({@link dev.thingbridge.shadows.schema.spec.ReportOnly}, {@link
 * dev.thingbridge.shadows.schema.spec.Opaque}, {@link dev.thingbridge.shadows.schema.spec.DefaultValue}, {@link
 * dev.thingbridge.shadows.schema.spec.Flatten}, {@link dev.thingbridge.shadows.schema.spec.MigrateFrom}, {@link
 * dev.thingbridge.shadows.schema.spec.TaggedUnion} with its {@link dev.thingbridge.shadows.schema.spec.Tagging}),
 * the {@link dev.thingbridge.shadows.schema.spec.FieldConverter} a migrated field names, {@link
 * dev.thingbridge.shadows.schema.spec.ShadowSchemaException} (the type cannot be a shadow state) and {@link
 * dev.thingbridge.shadows.schema.spec.ShadowDeltaException} (a delta does not fit the type).
 *
 * <p>The bottom of the schema's layers: imports Jackson only. The node tree ({@code shadows.schema.internal})
 * reads these annotations and throws these errors; {@code shadows.schema} derives a schema from a type written
 * with them.
 */
package dev.thingbridge.shadows.schema.spec;
