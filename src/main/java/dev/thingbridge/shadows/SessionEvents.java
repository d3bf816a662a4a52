package dev.thingbridge.shadows;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.thingbridge.shadows.schema.spec.ShadowDeltaException;

/** What a {@link ShadowSession} tells its owner, on the owner's thread. */
interface SessionEvents<S> {
  /** A delta was applied, persisted and its acknowledgement sent. */
  void applied(DeltaEvent<S> event);

  /** A part of a delta did not fit the state type and was left out. */
  void rejected(ShadowDeltaException error, ObjectNode delta);

  /** Something failed that the session recovers from; for logs and listeners. */
  void problem(String what, Throwable cause);

  /** The document must be fetched again (an acknowledgement refused as stale, a first delta seen). */
  void resyncNeeded(String why);

  /**
   * A GET found no document and was not to create one: it was deleted (while the device was away, say). The
   * session starts again as for a deletion it heard of: no versions, the next publish re-creates the document.
   *
   * @param lastVersion the last version the session had seen
   */
  void missingInCloud(long lastVersion);
}
