/**
 * AWS IoT Device Shadows, device side: what a shadow user calls. One shadow ({@link dev.thingbridge.shadows.Shadow},
 * classic or named, typed or plain JSON) or many named shadows of one type ({@link
 * dev.thingbridge.shadows.ShadowManager}, one per MCU behind a gateway), each kept locally and in step with the
 * cloud by the same rules.
 *
 * <p>Workflow of a device: build a {@link dev.thingbridge.shadows.Shadow} from an MQTT client, the thing (and
 * shadow) name, the state type's {@link dev.thingbridge.shadows.schema.ShadowSchema} and a {@link
 * dev.thingbridge.shadows.store.KeyValueStore}; {@code load()} at boot; then {@code nextDelta(timeout)} (or a
 * {@link dev.thingbridge.shadows.ShadowListener}) for the cloud's changes, each already applied, persisted and
 * acknowledged, and {@code updateReported}/{@code updateDesired} for the device's own. A gateway with many shadows
 * of one type starts a {@link dev.thingbridge.shadows.ShadowManager} instead and hears the same events, with the
 * shadow's id, through a {@link dev.thingbridge.shadows.ShadowManagerListener}. Failures carry a {@link
 * dev.thingbridge.shadows.ShadowErrorCode} in a {@link dev.thingbridge.shadows.ShadowException}.
 *
 * <p>The protocol pieces are public for other agents: {@link dev.thingbridge.shadows.ShadowTopics} (format and
 * parse), {@link dev.thingbridge.shadows.ShadowClient} (get, update and delete with {@code clientToken}
 * correlation), {@link dev.thingbridge.shadows.ShadowCodec} and the wire records of {@code shadows.model}.
 *
 * <p>AWS facts this follows: updates merge, {@code null} removes a key, arrays are atomic, a delta carries only
 * the desired keys that differ from reported, and a desired key stays until removed (hence the acknowledgement's
 * desired cleanup); an update carrying a {@code version} applies only to the document at that version. See the
 * AWS IoT developer guide, "Device Shadow service documents".
 *
 * <p>The sync core is here, package-private: the per-shadow session both {@code Shadow} and {@code ShadowManager}
 * drive ({@code ShadowSession}), the agent's control loop and events ({@code ShadowAgent}, {@code AgentEvents}),
 * the manager's registry, event routing and resync rounds ({@code ManagedShadows}, {@code ShadowEventRouter},
 * {@code ResyncScheduler}). It speaks this package's vocabulary (events, errors, listeners), so it lives beside it.
 *
 * <p>Imports: {@code dev.thingbridge.mqtt} (never a backend), {@code shadows.model}, {@code shadows.schema},
 * {@code shadows.store} and the parts in {@code shadows.internal}, which never import this package.
 */
package dev.thingbridge.shadows;
