/**
 * AWS IoT Device Shadows, device side: the shadow agent ({@link dev.thingbridge.shadows.Shadow}), the typed state
 * model and its local persistence.
 *
 * <p>Workflow of a device: build a {@link dev.thingbridge.shadows.Shadow} from an MQTT client, the thing (and
 * shadow) name, the state type's {@link dev.thingbridge.shadows.schema.ShadowSchema} and a
 * {@link dev.thingbridge.shadows.store.KeyValueStore}; {@code load()} at boot; then {@code nextDelta(timeout)} (or a
 * {@link dev.thingbridge.shadows.ShadowListener}) for the cloud's changes, each already applied, persisted and
 * acknowledged, and {@code updateReported}/{@code updateDesired} for the device's own. The protocol pieces are
 * public for other agents: {@link dev.thingbridge.shadows.ShadowTopics}, {@link dev.thingbridge.shadows.ShadowClient},
 * {@link dev.thingbridge.shadows.ShadowCodec} and the wire records of {@code shadows.model}.
 *
 * <p>Workflow of the model layer:
 *
 * <ol>
 *   <li>Describe the state as records (or Jackson beans), {@code Map<String, V>} for keyed collections and sealed
 *       interfaces annotated {@link dev.thingbridge.shadows.schema.TaggedUnion} for variants; options by annotation
 *       ({@link dev.thingbridge.shadows.schema.ReportOnly}, {@link dev.thingbridge.shadows.schema.Opaque},
 *       {@link dev.thingbridge.shadows.schema.DefaultValue}, {@link dev.thingbridge.shadows.schema.MigrateFrom},
 *       {@link dev.thingbridge.shadows.schema.Flatten}).
 *   <li>{@link dev.thingbridge.shadows.schema.ShadowSchema#of(Class)} derives (once per type) the desired and reported
 *       projections, the delta parser and the schema fingerprint.
 *   <li>{@link dev.thingbridge.shadows.store.ShadowStateStore} keeps the state in a
 *       {@link dev.thingbridge.shadows.store.KeyValueStore} ({@link dev.thingbridge.shadows.store.FileKeyValueStore} on a
 *       device): {@code load()} at boot, {@code apply(delta)} for each delta, {@code report(state)} for each report,
 *       {@code commit()} once new firmware is confirmed good.
 *   <li>Each applied delta gives its acknowledgement ({@link dev.thingbridge.shadows.schema.AppliedDelta#acknowledgement()})
 *       to publish on {@code /update} so the cloud's delta empties.
 * </ol>
 *
 * <p>Many named shadows of one type on one thing (one per attached MCU) are followed by a
 * {@link dev.thingbridge.shadows.ShadowManager}: wildcard delta and delete subscriptions shared by all, per-shadow
 * requests paced within AWS's limits, discovery through {@link dev.thingbridge.shadows.IotDataShadowDiscovery}.
 *
 * <p>AWS facts this follows: updates merge, {@code null} removes a key, arrays are atomic, a delta carries only
 * the desired keys that differ from reported, and a desired key stays until removed (hence the acknowledgement's
 * desired cleanup). See the AWS IoT developer guide, "Device Shadow service documents".
 */
package dev.thingbridge.shadows;
