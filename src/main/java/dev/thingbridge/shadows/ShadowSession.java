package dev.thingbridge.shadows;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.thingbridge.internal.Futures;
import dev.thingbridge.mqtt.MqttTimeoutException;
import dev.thingbridge.shadows.internal.DeltaParts;
import dev.thingbridge.shadows.internal.JsonTrees;
import dev.thingbridge.shadows.internal.LocalState;
import dev.thingbridge.shadows.internal.OwnTokens;
import dev.thingbridge.shadows.internal.RequestPacer.Priority;
import dev.thingbridge.shadows.internal.Versions;
import dev.thingbridge.shadows.model.ShadowDeleted;
import dev.thingbridge.shadows.model.ShadowDeltaMessage;
import dev.thingbridge.shadows.model.ShadowDocument;
import dev.thingbridge.shadows.model.ShadowUpdateRequest;
import dev.thingbridge.shadows.store.LoadResult;
import dev.thingbridge.shadows.store.ShadowStoreException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import java.util.function.UnaryOperator;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One shadow kept in step with the cloud, the rules written once for {@link dev.thingbridge.shadows.Shadow} and
 * {@link dev.thingbridge.shadows.ShadowManager}: which deltas to apply (not our own echoes, not empty ones, not
 * older than what was applied; one that crossed a later update is checked with a GET), how to apply one (part by
 * part when the state type rejects a part, persisted before it is acknowledged), how to acknowledge it (the
 * touched fields, the desired cleanup, the document {@code version} so that a late acknowledgement cannot
 * re-create a document deleted meanwhile: it is refused with 409 and the document fetched again), how to read a
 * GET reply (a reply overtaken by a delta is not applied; a lower version means the document was re-created), and
 * how to create, change and delete the document.
 *
 * <p>The owner sends it the shadow's messages and calls its operations, all on one thread of the owner's; every
 * continuation runs on the owner's executor, so the session needs no lock. {@link #state()} and {@link #version()}
 * may be read from any thread.
 *
 * @param <S> the state type
 */
final class ShadowSession<S> {
  private static final Logger LOG = LoggerFactory.getLogger(ShadowSession.class);

  /**
   * How a session behaves where its owners differ.
   *
   * @param optimisticLocking the device's own updates carry the last known version; a 409 re-syncs and re-runs
   * @param conflictAttempts attempts of a change meeting 409s
   * @param clearRejectedDesired a rejected delta part is removed from the cloud's desired state
   */
  public record Policy(boolean optimisticLocking, int conflictAttempts, boolean clearRejectedDesired) {}

  private final String name;
  private final LocalState<S> local;
  private final SessionTransport transport;
  private final OwnTokens tokens;
  private final Executor owner;
  private final SessionEvents<S> events;
  private final Policy policy;
  private final Versions versions = new Versions();
  private boolean synced;
  private boolean reportWhole;
  private boolean adoptDesired;
  private ShadowException retired;
  private final DeltaParts parts = new DeltaParts();
  private volatile CompletableFuture<?> lastAck = CompletableFuture.completedFuture(null);
  private volatile S current;

  ShadowSession(String name, LocalState<S> local, SessionTransport transport, OwnTokens tokens, Executor owner,
      SessionEvents<S> events, Policy policy) {
    this.name = name;
    this.local = local;
    this.transport = transport;
    this.tokens = tokens;
    this.owner = owner;
    this.events = events;
    this.policy = policy;
  }

  public String name() {
    return name;
  }

  /** The current local state; null before it was loaded. Any thread. */
  public S state() {
    return current;
  }

  /** The last document version seen (0 before any). Any thread. */
  public long version() {
    return versions.known();
  }

  /** Whether the document is known to exist: a GET, a create or a delta since the start or the last deletion. */
  public boolean isSynced() {
    return synced;
  }

  /**
   * Ends the session for its owner (a manager no longer managing the shadow): replies still on their way apply
   * nothing and fail the operation waiting for them with {@code reason}.
   */
  public void retire(ShadowException reason) {
    retired = reason;
  }

  /** The next acknowledgement (or sync) reports the whole state: the cloud's reported may be another device's. */
  public void reportWholeNext() {
    reportWhole = true;
  }

  /**
   * Nothing was stored locally: the next GET applies the cloud's whole desired state, not only its delta (a
   * replaced device starts from defaults while the cloud's reported still shows the old one's values).
   */
  public void adoptDesiredOnce() {
    adoptDesired = true;
  }

  public LoadResult load() {
    LoadResult r = local.load();
    current = local.state();
    return r;
  }

  /** Loads the state unless it was already. */
  public void ensureLoaded() {
    if (!local.isLoaded()) {
      load();
    }
  }

  public LocalState<S> local() {
    return local;
  }

  /** The acknowledgement sent last (completed when none was). Any thread. */
  public CompletableFuture<?> lastAcknowledgement() {
    return lastAck;
  }

  // ---- requests ----

  /**
   * GETs the document and applies what it says: the pending delta (or the whole desired state, see
   * {@link #adoptDesiredOnce()}), or a whole report when one is due. A missing document is created from the local
   * state with {@code createIfMissing}, else reported to {@link SessionEvents#missingInCloud} and the 404 returned: a
   * resync must not re-create a document someone deleted while the device was away.
   */
  public CompletableFuture<S> sync(boolean createIfMissing, Priority priority) {
    long appliedAtRequest = versions.applied();
    return transport.get(transport.newClientToken(), priority).handleAsync((doc, error) -> {
      if (retired != null) {
        return CompletableFuture.<S>failedFuture(retired);
      }
      if (error == null) {
        return reconcile(doc, appliedAtRequest);
      }
      synced = false;
      Throwable cause = Futures.unwrap(error);
      if (is(cause, ShadowErrorCode.NOT_FOUND)) {
        if (createIfMissing) {
          return create();
        }
        long lastVersion = versions.known();
        versions.reset();
        reportWhole = true;
        events.missingInCloud(lastVersion);
      }
      return CompletableFuture.<S>failedFuture(cause);
    }, owner).thenCompose(f -> f);
  }

  private CompletableFuture<S> reconcile(ShadowDocument doc, long appliedAtRequest) {
    synced = true;
    switch (versions.fromGet(doc.version(), appliedAtRequest)) {
      case OVERTAKEN -> {
        return CompletableFuture.completedFuture(current);
      }
      case RENUMBERED -> LOG.info("shadow {}: document version went back to {}: it was re-created", name,
          doc.version());
      default -> { }
    }
    ObjectNode pending = doc.pendingDelta().orElse(null);
    if (adoptDesired && doc.desired() != null) {
      pending = doc.desired();
      reportWhole = true;
    }
    adoptDesired = false;
    if (pending != null) {
      apply(pending, doc.version());
      return CompletableFuture.completedFuture(current);
    }
    if (!reportWhole) {
      return CompletableFuture.completedFuture(current);
    }
    ShadowUpdateRequest whole = new ShadowUpdateRequest(null, local.fullReported(), own(transport.newClientToken()),
        null);
    return transport.update(whole, Priority.URGENT).thenApplyAsync(accepted -> {
      versions.seen(accepted.version());
      reportWhole = false;
      return current;
    }, owner);
  }

  /** Creates (or overwrites) the document: desired without report-only fields, reported with them. */
  public CompletableFuture<S> create() {
    ObjectNode desired = local.fullDesired();
    ShadowUpdateRequest request = new ShadowUpdateRequest(desired.isEmpty() ? null : desired, local.fullReported(),
        own(transport.newClientToken()), null);
    return transport.update(request, Priority.URGENT).thenApplyAsync(accepted -> {
      if (retired != null) {
        throw retired;
      }
      versions.applied(accepted.version());
      synced = true;
      reportWhole = false;
      adoptDesired = false;
      LOG.info("shadow {}: document created from the local state (version {})", name, accepted.version());
      return current;
    }, owner);
  }

  /** DELETEs the document; a missing one counts as deleted. The local state is the owner's to wipe or drop. */
  public CompletableFuture<Void> delete() {
    return transport.delete(own(transport.newClientToken()), Priority.URGENT).handleAsync((deleted, error) -> {
      Throwable cause = error == null ? null : Futures.unwrap(error);
      if (cause != null && !is(cause, ShadowErrorCode.NOT_FOUND)) {
        throw new java.util.concurrent.CompletionException(cause);
      }
      return null;
    }, owner);
  }

  /** After the device deleted the document: local state back to defaults, versions forgotten. */
  public void wipe() {
    local.wipe();
    current = local.state();
    versions.reset();
    synced = false;
    reportWhole = false;
  }

  /** GETs the document as it is, applying nothing. */
  public CompletableFuture<ShadowDocument> fetch() {
    return transport.get(transport.newClientToken(), Priority.URGENT).thenApplyAsync(doc -> {
      versions.seen(doc.version());
      return doc;
    }, owner);
  }

  /**
   * A change made on the device: persisted, then published as reported (and desired with {@code alsoDesired}).
   * With optimistic locking a 409 reverts the change, syncs, and runs {@code change} again on the fresh state. A
   * failed publication makes the next sync report the whole state (the local state did change).
   */
  public CompletableFuture<S> publishChange(UnaryOperator<S> change, boolean alsoDesired) {
    return publishAttempt(change, alsoDesired, 1);
  }

  private CompletableFuture<S> publishAttempt(UnaryOperator<S> change, boolean alsoDesired, int attempt) {
    LocalState.Change<S> c = local.change(change);
    current = local.state();
    if (c.isEmpty()) {
      return CompletableFuture.completedFuture(current);
    }
    // With versions, wait for the acknowledgement in flight: its version is the one to build on.
    CompletableFuture<?> before = policy.optimisticLocking() ? lastAck.handle((v, e) -> null)
        : CompletableFuture.completedFuture(null);
    return before.thenComposeAsync(ignored -> {
      Long version = policy.optimisticLocking() ? versions.known() : null;
      ShadowUpdateRequest request = new ShadowUpdateRequest(alsoDesired && !c.desired().isEmpty() ? c.desired() : null,
          c.reported().isEmpty() ? null : c.reported(), own(transport.newClientToken()), version);
      return transport.update(request, Priority.URGENT).handleAsync((accepted, error) -> {
        if (retired != null) {
          return CompletableFuture.<S>failedFuture(retired);
        }
        if (error == null) {
          versions.seen(accepted.version());
          return CompletableFuture.completedFuture(current);
        }
        Throwable cause = Futures.unwrap(error);
        if (is(cause, ShadowErrorCode.VERSION_CONFLICT) && attempt < policy.conflictAttempts()) {
          LOG.info("shadow {}: version {} was stale (409); applying the cloud's change and retrying", name, version);
          local.change(s -> c.previous());
          current = local.state();
          return sync(true, Priority.URGENT).thenCompose(s -> publishAttempt(change, alsoDesired, attempt + 1));
        }
        reportWhole = true;
        return CompletableFuture.<S>failedFuture(cause);
      }, owner).thenCompose(f -> f);
    }, owner);
  }

  // ---- messages ----

  /** An {@code update/delta} message. Completes once handled, including a GET it needed. */
  public CompletableFuture<Void> onDelta(ShadowDeltaMessage delta) {
    if (tokens.contains(delta.clientToken())) {
      versions.seen(delta.version());
      return CompletableFuture.completedFuture(null);
    }
    if (delta.state().isEmpty()) {
      return CompletableFuture.completedFuture(null);
    }
    switch (versions.judge(delta.version())) {
      case STALE -> LOG.debug("shadow {}: delta v{} already covered by v{}", name, delta.version(),
          versions.applied());
      case CHECK_WITH_GET -> {
        LOG.debug("shadow {}: delta v{} is older than v{}; getting the document", name, delta.version(),
            versions.known());
        return sync(false, Priority.URGENT).thenApply(s -> null);
      }
      case APPLY -> {
        boolean firstDelta = adoptDesired;
        apply(delta.state(), delta.version());
        if (firstDelta) {
          events.resyncNeeded("its first delta holds only what differs from reported; fetching the whole desired");
        }
      }
    }
    return CompletableFuture.completedFuture(null);
  }

  /**
   * A {@code delete/accepted} message: whether it is a deletion made by someone else (not our own, not older than a
   * version seen since). If so the session forgets its versions and reports whole once the document exists again.
   */
  public boolean onDeleted(ShadowDeleted deleted) {
    if (tokens.contains(deleted.clientToken()) || deleted.version() < versions.known()) {
      return false;
    }
    versions.reset();
    synced = false;
    reportWhole = true;
    return true;
  }

  /** Whether an {@code update/documents} message of this version is newer than the last passed on. */
  public boolean onDocuments(long version) {
    return versions.newDocuments(version);
  }

  // ---- applying and acknowledging ----

  private void apply(ObjectNode delta, long version) {
    DeltaParts.Outcome<S> outcome;
    try {
      outcome = parts.apply(local, delta, version, policy.clearRejectedDesired(), (error, whole) -> {
        LOG.warn("shadow {}: delta v{} rejected by the state type: {}", name, version, error.getMessage());
        events.rejected(error, whole);
      });
    } catch (ShadowStoreException e) {
      synced = false;
      events.problem("the delta could not be saved and was not applied; the next sync applies it again", e);
      return;
    }
    versions.applied(version);
    synced = true;
    current = local.state();
    LocalState.Applied<S> applied = outcome.applied();
    ObjectNode ack = applied == null ? JsonNodeFactory.instance.objectNode() : applied.acknowledgement();
    if (!outcome.cleanup().isEmpty()) {
      ObjectNode desired = ack.has("desired") ? (ObjectNode) ack.get("desired") : ack.putObject("desired");
      JsonTrees.mergeKeepingNulls(desired, outcome.cleanup());
    }
    if (reportWhole) {
      ack.set("reported", local.fullReported());
      reportWhole = false;
    }
    CompletableFuture<Long> acknowledged = isEmpty(ack) ? CompletableFuture.completedFuture(version)
        : acknowledge(ack, version);
    if (applied != null) {
      events.applied(new DeltaEvent<>(applied.previous(), applied.state(), outcome.remaining(), ack, version,
          applied.changed(), acknowledged));
    }
  }

  private CompletableFuture<Long> acknowledge(ObjectNode ack, long version) {
    ShadowUpdateRequest request = new ShadowUpdateRequest((ObjectNode) ack.get("desired"),
        (ObjectNode) ack.get("reported"), own(transport.newClientToken()), version);
    CompletableFuture<Long> accepted = transport.acknowledge(request).thenApply(ShadowDocument::version);
    lastAck = accepted;
    accepted.whenCompleteAsync((v, e) -> acknowledged(version, v, e), owner);
    return accepted;
  }

  private void acknowledged(long version, Long accepted, Throwable error) {
    if (error == null) {
      versions.seen(accepted);
      return;
    }
    Throwable cause = Futures.unwrap(error);
    if (is(cause, ShadowErrorCode.VERSION_CONFLICT)) {
      if (versions.applied() > version) {
        return; // a newer delta was applied since; its acknowledgement settles the document
      }
      LOG.info("shadow {}: the acknowledgement of v{} was refused: the document changed or was deleted meanwhile",
          name, version);
      events.resyncNeeded("the acknowledgement of v" + version + " was refused as stale");
    } else if (cause instanceof MqttTimeoutException) {
      events.problem("no answer to the acknowledgement of v" + version + "; the state stays applied and the "
          + "cloud's delta is reconciled at the next sync", cause);
    } else {
      events.problem("the acknowledgement of v" + version + " failed; the state stays applied and the next sync "
          + "reconciles", cause);
    }
  }

  // ---- helpers ----

  /** Records the token of a request whose echo (a delta, a delete/accepted) must not be taken for the cloud's. */
  private String own(String token) {
    return tokens.add(token);
  }

  private static boolean isEmpty(ObjectNode ack) {
    return !ack.has("desired") && (!ack.has("reported") || ack.get("reported").isEmpty());
  }

  static boolean is(Throwable cause, ShadowErrorCode code) {
    return cause instanceof ShadowException e && e.code() == code;
  }
}
