package dev.thingbridge.shadows.store;

/**
 * What {@link ShadowStateStore#commit()} did.
 *
 * @param removedKeys orphan keys of earlier schemas that were removed
 * @param fingerprint the fingerprint now stored
 */
public record CommitResult(int removedKeys, String fingerprint) {}
