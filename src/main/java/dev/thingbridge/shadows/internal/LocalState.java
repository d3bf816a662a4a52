package dev.thingbridge.shadows.internal;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.thingbridge.shadows.schema.spec.ShadowDeltaException;
import dev.thingbridge.shadows.store.CommitResult;
import dev.thingbridge.shadows.store.LoadResult;
import java.util.function.UnaryOperator;

/**
 * The device's own copy of one shadow's state, kept in a key-value store, as the shadow agent needs it: typed
 * ({@link TypedLocalState}) or plain JSON ({@link JsonLocalState}). Not thread-safe: the agent calls it from its
 * control thread only. Every write is atomic.
 *
 * @param <S> the state type
 */
public interface LocalState<S> {
  /** Loads (or first-boot initialises) the stored state. */
  LoadResult load();

  boolean isLoaded();

  /** The current state. */
  S state();

  /**
   * Applies a delta from the cloud, persists what it touched and returns the acknowledgement to publish.
   *
   * @throws ShadowDeltaException if the delta does not fit the state; nothing changed
   */
  Applied<S> apply(ObjectNode delta);

  /**
   * Applies a change made on the device, persists it and returns the partial documents to publish: reported with
   * every changed value, desired with those the cloud may set (report-only fields left out).
   */
  Change<S> change(UnaryOperator<S> change);

  /** The whole desired view, what a new document is created with. */
  ObjectNode fullDesired();

  /** The whole reported view. */
  ObjectNode fullReported();

  /** Removes the stored state and starts again from defaults. */
  void wipe();

  /** Finishes a schema migration (a no-op for untyped state). */
  CommitResult commit();

  /** A delta applied: the acknowledgement's {@code state} section ({@code reported}, maybe {@code desired}). */
  record Applied<S>(S previous, S state, ObjectNode acknowledgement, boolean changed) {}

  /** A device-side change: the partial reported and desired documents (empty when nothing changed). */
  record Change<S>(S previous, S state, ObjectNode reported, ObjectNode desired) {
    public boolean isEmpty() {
      return reported.isEmpty() && desired.isEmpty();
    }
  }
}
