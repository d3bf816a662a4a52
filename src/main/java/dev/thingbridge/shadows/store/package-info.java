/**
 * A shadow's state on the device: a byte {@link dev.thingbridge.shadows.store.KeyValueStore} ({@link
 * dev.thingbridge.shadows.store.FileKeyValueStore} on a device, durable against power loss, with group commit; the
 * {@link dev.thingbridge.shadows.store.InMemoryKeyValueStore} for tests), written in atomic {@link
 * dev.thingbridge.shadows.store.WriteBatch}es, and the typed {@link dev.thingbridge.shadows.store.ShadowStateStore}
 * over it: one key per field, only what changed written, {@code load()} at boot (first boot, migrations: {@link
 * dev.thingbridge.shadows.store.LoadResult}), {@code commit()} once new firmware is confirmed good ({@link
 * dev.thingbridge.shadows.store.CommitResult}). Failures are {@link
 * dev.thingbridge.shadows.store.ShadowStoreException}s.
 *
 * <p>Imports {@code shadows.schema} (and its node tree, for the key layout), never MQTT or the shadow agents.
 */
package dev.thingbridge.shadows.store;
