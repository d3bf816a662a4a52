package dev.thingbridge.shadows;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.thingbridge.shadows.model.ShadowDocuments;
import dev.thingbridge.shadows.schema.spec.ShadowDeltaException;

/**
 * Observes a {@link Shadow}. Called on the shadow's control thread ({@code thingbridge-shadows-<thing>[-<shadow>]}),
 * in order; a callback must be quick and must not wait for the shadow's own futures (they complete on that thread).
 * An exception thrown by a callback is logged and ignored. A {@link ShadowManager} tells the same events, each with
 * its shadow's id, to a {@link ShadowManagerListener}.
 *
 * @param <S> the state type
 */
public interface ShadowListener<S> {
  /** A delta was applied, persisted and its acknowledgement sent. */
  default void onDelta(DeltaEvent<S> event) {}

  /**
   * A delta (or part of one) did not fit the state type and was not applied. The offending desired key has been
   * removed in the cloud, so it does not come back with every delta; the rest of the delta was applied.
   */
  default void onDeltaRejected(ShadowDeltaException error, ObjectNode delta) {}

  /** The document changed ({@code update/documents}); stale or repeated documents are not passed on. */
  default void onDocuments(ShadowDocuments documents) {}

  /**
   * Someone else deleted the shadow's document: its {@code delete/accepted} arrived, or a resync found it missing
   * (deleted while the device was away). The local state is kept; the next publish re-creates the document from it.
   *
   * @param version the deleted document's version, or the last one seen when a resync found it missing
   */
  default void onDeletedInCloud(long version) {}

  /**
   * Something failed that the shadow recovers from by itself: an acknowledgement that got no answer, a delta the
   * store could not save (the next sync applies it again). For logs and metrics.
   */
  default void onProblem(String what, Throwable cause) {}
}
