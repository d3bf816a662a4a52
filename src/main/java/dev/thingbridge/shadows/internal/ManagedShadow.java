package dev.thingbridge.shadows.internal;

import dev.thingbridge.shadows.store.ShadowStateStore;

/**
 * One managed shadow's bookkeeping in the shadow manager; touched only on the manager's control thread (its store
 * is thread-safe). No subscription, thread or timer per shadow, so a thousand shadows are cheap.
 */
final class ManagedShadow<S> {
  final ShadowStateStore<S> state;
  /** Version of the last delta or document applied; older deltas are stale. */
  long appliedVersion = -1;
  /** Registered from a delta: the first acknowledgement reports the whole state. */
  boolean reportWhole;
  /** Nothing was stored for it: the first fetch adopts the cloud's whole desired state, not only the delta. */
  boolean firstBoot;
  boolean resyncQueued;
  /** A resync was asked for while a fetch was in flight (a session loss mid-fetch): fetch once more after it. */
  boolean fetchAgain;
  boolean deleting;

  ManagedShadow(ShadowStateStore<S> state) {
    this.state = state;
  }
}
