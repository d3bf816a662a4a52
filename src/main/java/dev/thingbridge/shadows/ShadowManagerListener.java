package dev.thingbridge.shadows;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.thingbridge.shadows.schema.spec.ShadowDeltaException;

/**
 * Observes a {@link ShadowManager}: the application's hook for acting on configuration changes (pushing them to
 * an MCU, for example), and for logs and metrics. The events are a {@link ShadowListener}'s, each with the id of
 * the shadow it concerns, plus the shadows coming and going. Every method is called on the manager's control
 * thread, one call at a time, in the order the events happened; a method must be quick and must not block on the
 * manager's futures (hand long work to an executor of your own). Exceptions thrown are logged and otherwise
 * ignored.
 *
 * @param <S> the state type of the managed shadows
 */
public interface ShadowManagerListener<S> {
  /** Why a shadow stopped being managed. */
  enum Removal {
    /** The cloud deleted the shadow ({@code /delete/accepted}, or 404 on a GET). */
    DELETED_IN_CLOUD,
    /** The device deleted it through {@link ShadowManager#delete(String)}. */
    DELETED_BY_DEVICE,
    /** It had local state but was missing from the cloud's list at start: deleted while the device was off. */
    ABSENT_FROM_CLOUD
  }

  /** A shadow became managed (found at start, seen in its first delta, or added), with its local state. */
  default void onShadowAdded(String id, S state) {}

  /**
   * A delta changed the state; it has been persisted and its acknowledgement sent (see
   * {@link DeltaEvent#acknowledged()}). A delta that only restates current values is acknowledged without this
   * call.
   */
  default void onDelta(String id, DeltaEvent<S> event) {}

  /**
   * A delta (or part of one) did not fit the state type: {@link ShadowDeltaException#path()} says where and
   * {@link ShadowDeltaException#reason()} why. That part was not applied; the rest of the delta was, and later
   * deltas still apply. With {@link ShadowManager.Builder#clearRejectedDesired(boolean)} the offending key is also
   * removed from the cloud's desired state.
   */
  default void onDeltaRejected(String id, ShadowDeltaException error, ObjectNode delta) {}

  /** A shadow stopped being managed; its local state has been removed from the store. */
  default void onShadowRemoved(String id, Removal cause) {}

  /**
   * Something failed that the manager recovers from (an acknowledgement that timed out, a malformed message, a
   * failed discovery); {@code id} is null when no single shadow is concerned.
   */
  default void onProblem(String id, String what, Throwable cause) {}
}
