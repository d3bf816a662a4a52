package dev.thingbridge.shadows;

import dev.thingbridge.shadows.schema.AppliedDelta;
import dev.thingbridge.shadows.schema.ShadowDeltaException;

/**
 * Observes a {@link ShadowManager}: the application's hook for acting on configuration changes (pushing them to
 * an MCU, for example), and for logs and metrics. Every method is called on the manager's control thread, one
 * call at a time, in the order the events happened; a method must be quick and must not block on the manager's
 * futures (hand long work to an executor of your own). Exceptions thrown are logged and otherwise ignored.
 *
 * @param <S> the state type of the managed shadows
 */
public interface ShadowManagerListener<S> {
  /** Why a shadow stopped being managed. */
  enum Removal {
    /** The cloud deleted the shadow ({@code /delete/accepted}, or 404 on a resync GET). */
    DELETED_IN_CLOUD,
    /** The device deleted it through {@link ShadowManager#delete(String)}. */
    DELETED_BY_DEVICE,
    /** It had local state but was missing from the cloud's list at start: deleted while the device was off. */
    ABSENT_FROM_CLOUD
  }

  /** A shadow became managed (found at start, seen in its first delta, or added), with its local state. */
  default void onShadowAdded(String id, S state) {}

  /**
   * A delta changed the state; it has been persisted and its acknowledgement queued for publication. A delta
   * that only restates current values is acknowledged without this call.
   */
  default void onDeltaApplied(String id, AppliedDelta<S> applied) {}

  /**
   * A delta did not fit the state type: {@link ShadowDeltaException#path()} says where and
   * {@link ShadowDeltaException#reason()} why. The shadow's state is unchanged and later deltas still apply.
   */
  default void onDeltaRejected(String id, ShadowDeltaException error) {}

  /** A shadow stopped being managed; its local state has been removed from the store. */
  default void onShadowRemoved(String id, Removal cause) {}

  /**
   * Something failed that the manager recovers from (an acknowledgement that timed out, a malformed message, a
   * failed discovery); {@code id} is null when no single shadow is concerned.
   */
  default void onProblem(String id, String what, Throwable cause) {}
}
