package dev.thingbridge.shadows.internal;

/**
 * The document versions a shadow agent has seen, and what they say about an incoming message. Three marks:
 * <em>known</em>, the highest version seen anywhere (replies, deltas, documents), used for optimistic locking;
 * <em>applied</em>, the version whose desired state the device has applied (a GET or a delta), below which deltas
 * are stale; and the last <em>documents</em> version passed on. Written on the agent's control thread only;
 * {@link #known()} may be read from any thread.
 */
final class Versions {
  /** What to do with a delta of some version. */
  enum DeltaVerdict { APPLY, STALE, CHECK_WITH_GET }

  private volatile long known;
  private long applied;
  private long documents;

  long known() {
    return known;
  }

  long applied() {
    return applied;
  }

  void seen(long version) {
    if (version > known) {
      known = version;
    }
  }

  void applied(long version) {
    seen(version);
    if (version > applied) {
      applied = version;
    }
  }

  /**
   * A GET reply: its version is the truth. A version lower than the one applied means the document was deleted
   * and re-created with fresh numbering (AWS restarts it after 48 hours), so the marks start again from it.
   *
   * @return whether the numbering went back
   */
  boolean fromGet(long version) {
    boolean reset = version < applied;
    if (reset) {
      reset();
    }
    applied(version);
    return reset;
  }

  /**
   * A delta at or below the applied version is covered by what was applied. One above it but below a version
   * already seen elsewhere may have crossed a later update (accepted and delta replies are not ordered): a GET says
   * what is pending now.
   */
  DeltaVerdict judge(long deltaVersion) {
    if (deltaVersion <= applied) {
      return DeltaVerdict.STALE;
    }
    return deltaVersion < known ? DeltaVerdict.CHECK_WITH_GET : DeltaVerdict.APPLY;
  }

  /** Whether a documents message is newer than the last one passed on (and records it if so). */
  boolean newDocuments(long version) {
    seen(version);
    if (version <= documents) {
      return false;
    }
    documents = version;
    return true;
  }

  /** After a deletion: a re-created document may start its numbering anew. */
  void reset() {
    applied = 0;
    documents = 0;
    known = 0;
  }
}
