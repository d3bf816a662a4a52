package dev.thingbridge.shadows.internal;

/**
 * The document versions a shadow session has seen, and what they say about an incoming message. Three marks:
 * <em>known</em>, the highest version seen anywhere (replies, deltas, documents), used for optimistic locking and
 * to tell a stale deletion; <em>applied</em>, the version whose desired state the device has applied (a GET or a
 * delta), below which deltas are stale; and the last <em>documents</em> version passed on. Written on the owner's
 * thread only; {@link #known()} may be read from any thread.
 */
public final class Versions {
  /** What to do with a delta of some version. */
  public enum DeltaVerdict { APPLY, STALE, CHECK_WITH_GET }

  /** What to do with a GET reply. */
  public enum GetVerdict {
    /** Apply its delta: it is the latest word. */
    APPLY,
    /** Apply its delta and start the marks again from it: the document was deleted and re-created. */
    RENUMBERED,
    /** Leave it: a delta newer than the reply was applied while the reply was on its way. */
    OVERTAKEN
  }

  private volatile long known;
  private long applied;
  private long documents;

  public long known() {
    return known;
  }

  public long applied() {
    return applied;
  }

  public void seen(long version) {
    if (version > known) {
      known = version;
    }
  }

  public void applied(long version) {
    seen(version);
    if (version > applied) {
      applied = version;
    }
  }

  /**
   * A GET reply of {@code version} to a request sent when {@code appliedAtRequest} was applied. A version below
   * that means the document was deleted and re-created with fresh numbering (AWS restarts it after 48 hours); one
   * below what was applied since means a delta overtook the reply.
   */
  public GetVerdict fromGet(long version, long appliedAtRequest) {
    if (version < appliedAtRequest) {
      reset();
      applied(version);
      return GetVerdict.RENUMBERED;
    }
    if (version < applied) {
      return GetVerdict.OVERTAKEN;
    }
    applied(version);
    return GetVerdict.APPLY;
  }

  /**
   * A delta at or below the applied version is covered by what was applied. One above it but below a version
   * already seen elsewhere may have crossed a later update (accepted and delta replies are not ordered): a GET says
   * what is pending now.
   */
  public DeltaVerdict judge(long deltaVersion) {
    if (deltaVersion <= applied) {
      return DeltaVerdict.STALE;
    }
    return deltaVersion < known ? DeltaVerdict.CHECK_WITH_GET : DeltaVerdict.APPLY;
  }

  /** Whether a documents message is newer than the last one passed on (and records it if so). */
  public boolean newDocuments(long version) {
    seen(version);
    if (version <= documents) {
      return false;
    }
    documents = version;
    return true;
  }

  /** After a deletion: a re-created document may start its numbering anew. */
  public void reset() {
    applied = 0;
    documents = 0;
    known = 0;
  }
}
