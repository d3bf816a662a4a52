package dev.thingbridge.shadows.internal;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.thingbridge.shadows.ShadowManager;
import dev.thingbridge.shadows.ShadowManagerException;
import dev.thingbridge.shadows.ShadowManagerListener.Removal;
import dev.thingbridge.shadows.ShadowManagerListener;
import dev.thingbridge.shadows.internal.RequestPacer.Priority;
import dev.thingbridge.shadows.schema.AppliedDelta;
import dev.thingbridge.shadows.schema.ShadowDelta;
import dev.thingbridge.shadows.schema.ShadowDeltaException;
import dev.thingbridge.shadows.schema.ShadowSchema;
import dev.thingbridge.shadows.store.KeyValueStore;
import dev.thingbridge.shadows.store.LoadResult;
import dev.thingbridge.shadows.store.ShadowStateStore;
import dev.thingbridge.shadows.store.ShadowStoreException;
import dev.thingbridge.shadows.store.WriteBatch;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ScheduledExecutorService;
import java.util.function.UnaryOperator;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The shadow manager's sync and apply engine: the managed shadows by id, the application's operations on them,
 * registration and removal, applying a delta through the typed model and acknowledging it, and reconciling a GET
 * reply with what was applied meanwhile. Every method except the thread-safe reads runs on the control thread of
 * its {@link ManagerRuntime}; the cloud's messages come in through {@link ShadowEventRouter}.
 */
public final class ShadowSyncEngine<S> {
  private static final Logger LOG = LoggerFactory.getLogger(ShadowManager.class);

  private final ShadowSchema<S> schema;
  private final String namePrefix;
  private final KeyValueStore store;
  private final ShadowManagerListener<S> listener;
  private final boolean ignoreUnknownFields;
  private final boolean clearRejectedDesired;
  private final ManagedShadowTopics topics;
  private final ManagerRuntime runtime;
  private final ManagedShadowRequests requests;
  private final ScheduledExecutorService control;
  final Map<String, ManagedShadow<S>> shadows = new ConcurrentHashMap<>();

  public ShadowSyncEngine(ShadowSchema<S> schema, String namePrefix, KeyValueStore store,
      ShadowManagerListener<S> listener, boolean ignoreUnknownFields, boolean clearRejectedDesired,
      ManagedShadowTopics topics, ManagerRuntime runtime) {
    this.schema = schema;
    this.namePrefix = namePrefix;
    this.store = store;
    this.listener = listener;
    this.ignoreUnknownFields = ignoreUnknownFields;
    this.clearRejectedDesired = clearRejectedDesired;
    this.topics = topics;
    this.runtime = runtime;
    this.requests = runtime.requests();
    this.control = runtime.control();
  }

  String thingName() {
    return topics.thingName();
  }

  String namePrefix() {
    return namePrefix;
  }

  KeyValueStore store() {
    return store;
  }

  ManagedShadowRequests requests() {
    return requests;
  }

  ShadowManagerListener<S> listener() {
    return listener;
  }

  String shadowName(String id) {
    return namePrefix + id;
  }

  // ---- reads (any thread) ------------------------------------------------------------------------------

  public Set<String> ids() {
    return new TreeSet<>(shadows.keySet());
  }

  public boolean isManaged(String id) {
    return shadows.containsKey(id);
  }

  public Optional<S> state(String id) {
    ManagedShadow<S> m = shadows.get(id);
    return m == null ? Optional.empty() : Optional.of(m.state.state());
  }

  public Map<String, S> states() {
    Map<String, S> out = new TreeMap<>();
    shadows.forEach((id, m) -> out.put(id, m.state.state()));
    return out;
  }

  // ---- the application's operations --------------------------------------------------------------------

  public CompletableFuture<S> add(String id) {
    requireValidId(id);
    return runtime.onControlAsync(() -> {
      ManagedShadow<S> m = shadows.get(id);
      if (m == null) {
        m = register(id);
      }
      return sync(id, m, Priority.URGENT, true);
    });
  }

  public CompletableFuture<S> get(String id) {
    return runtime.onControlAsync(() -> sync(id, require(id), Priority.URGENT, false));
  }

  public CompletableFuture<S> updateReported(String id, UnaryOperator<S> change) {
    return update(id, change, false);
  }

  public CompletableFuture<S> updateDesired(String id, UnaryOperator<S> change) {
    return update(id, change, true);
  }

  /**
   * Changes a shadow's state locally (persisting the changed fields) and publishes them as {@code reported} and,
   * with {@code alsoDesired}, the part of them the cloud may hold as {@code desired}, in one update.
   */
  private CompletableFuture<S> update(String id, UnaryOperator<S> change, boolean alsoDesired) {
    Objects.requireNonNull(change, "change");
    return runtime.onControlAsync(() -> {
      ManagedShadow<S> m = require(id);
      S after = Objects.requireNonNull(change.apply(m.state.state()), "the new state");
      ObjectNode reported = m.state.report(after);
      if (reported.isEmpty()) {
        return CompletableFuture.completedFuture(after);
      }
      ObjectNode state = JsonNodeFactory.instance.objectNode();
      if (alsoDesired) {
        ObjectNode desired = ManagedShadowCodec.desiredPart(reported, schema.desired(after));
        if (!desired.isEmpty()) {
          state.set("desired", desired);
        }
      }
      state.set("reported", reported);
      return requests.update(shadowName(id), state, Priority.URGENT).thenApply(env -> after);
    });
  }

  public CompletableFuture<Void> delete(String id) {
    return runtime.onControlAsync(() -> {
      ManagedShadow<S> m = require(id);
      m.deleting = true;
      return requests.delete(shadowName(id), Priority.URGENT)
          .handleAsync((env, error) -> {
            Throwable cause = error == null ? null : ManagedShadowRequests.unwrap(error);
            if (cause != null && !(cause instanceof ShadowManagerException e && e.code() == 404)) {
              m.deleting = false;
              throw cause instanceof RuntimeException re ? re : new IllegalStateException(cause);
            }
            remove(id, m, Removal.DELETED_BY_DEVICE);
            return null;
          }, control);
    });
  }

  // ---- operations (control thread) ---------------------------------------------------------------------

  ManagedShadow<S> register(String id) {
    ShadowStateStore<S> state = ShadowStateStore.open(store, ShadowStateStore.scopeOf(thingName(),
        shadowName(id)), schema);
    LoadResult loaded = state.load();
    ManagedShadow<S> m = new ManagedShadow<>(state);
    m.firstBoot = loaded.firstBoot();
    shadows.put(id, m);
    safely(() -> listener.onShadowAdded(id, state.state()));
    return m;
  }

  /**
   * Applies a delta from the cloud (a delta message, or a GET's computed delta) and queues its acknowledgement.
   *
   * @param force apply whatever the version (a GET reply, see {@link #sync}); else a delta whose version was
   *     already applied is a duplicate and skipped
   */
  void apply(String id, ManagedShadow<S> m, ObjectNode deltaJson, long version, boolean force) {
    if (version >= 0) {
      if (!force && version <= m.appliedVersion) {
        LOG.debug("shadow {}: delta of version {} skipped, {} already applied", shadowName(id), version,
            m.appliedVersion);
        return;
      }
      m.appliedVersion = version;
    }
    AppliedDelta<S> applied;
    try {
      S current = m.state.state();
      ShadowDelta delta = ignoreUnknownFields ? schema.parseDeltaIgnoringUnknown(deltaJson, current)
          : schema.parseDelta(deltaJson, current);
      if (delta.isEmpty()) {
        return;
      }
      applied = m.state.apply(delta);
    } catch (ShadowDeltaException e) {
      LOG.warn("shadow {}: delta rejected: {}", shadowName(id), e.getMessage());
      safely(() -> listener.onDeltaRejected(id, e));
      clearRejected(id, e);
      return;
    } catch (ShadowStoreException e) {
      problem(id, "the delta could not be saved and was not applied; the next resync retries it", e);
      return;
    }
    ObjectNode ack = applied.acknowledgement();
    if (m.reportWhole) {
      ack.set("reported", schema.reported(applied.state()));
      m.reportWhole = false;
    }
    requests.update(shadowName(id), ack, Priority.URGENT).whenComplete((env, error) -> {
      if (error != null) {
        runtime.onControl(() -> problem(id, "acknowledgement failed; the state stays applied and the next "
            + "resync reconciles", ManagedShadowRequests.unwrap(error)));
      }
    });
    if (applied.changed()) {
      safely(() -> listener.onDeltaApplied(id, applied));
    }
  }

  private void clearRejected(String id, ShadowDeltaException e) {
    ObjectNode cleared = clearRejectedDesired ? ManagedShadowCodec.nullAt(e.path()) : null;
    if (cleared == null) {
      return;
    }
    ObjectNode state = JsonNodeFactory.instance.objectNode();
    state.set("desired", cleared);
    requests.update(shadowName(id), state, Priority.URGENT).whenComplete((env, error) -> {
      if (error != null) {
        runtime.onControl(() -> problem(id, "clearing rejected desired " + e.path() + " failed",
            ManagedShadowRequests.unwrap(error)));
      }
    });
  }

  /**
   * GETs a shadow and applies its delta (its whole desired state when nothing was stored locally for it); with
   * {@code create}, a 404 creates the document from the local state, without, a 404 means the cloud deleted it
   * and it is removed here too.
   *
   * <p>A reply older than a delta applied while it was on its way is not applied (it would undo the newer
   * values). A reply whose version is below the one known when the GET was sent means AWS forgot the shadow's
   * version (deleted and re-created after 48 h): it is applied and becomes the new baseline.
   */
  CompletableFuture<S> sync(String id, ManagedShadow<S> m, Priority priority, boolean create) {
    String name = shadowName(id);
    long versionAtRequest = m.appliedVersion;
    return requests.get(name, priority).handleAsync((doc, error) -> {
      if (shadows.get(id) != m) {
        throw new ShadowManagerException(ShadowManagerException.Reason.NOT_MANAGED, name, 0, "removed meanwhile",
            null);
      }
      if (error == null) {
        boolean reset = doc.version() >= 0 && doc.version() < versionAtRequest;
        ObjectNode desired = m.firstBoot ? doc.desired() : null;
        m.firstBoot = false;
        if (desired != null) {
          // A replaced gateway starts from defaults while the cloud's reported still shows the old one's values:
          // the delta would be empty, so adopt everything desired and report the whole state back.
          m.reportWhole = true;
          apply(id, m, desired, doc.version(), reset || doc.version() >= m.appliedVersion);
        } else if (doc.delta() != null) {
          // The same version as a delta already applied: that delta's acknowledgement was lost; apply it again
          // (idempotent) so it is acknowledged again.
          apply(id, m, doc.delta(), doc.version(), reset || doc.version() >= m.appliedVersion);
        } else if (doc.version() >= 0 && (reset || doc.version() > m.appliedVersion)) {
          m.appliedVersion = doc.version();
        }
        return CompletableFuture.completedFuture(m.state.state());
      }
      Throwable cause = ManagedShadowRequests.unwrap(error);
      boolean missing = cause instanceof ShadowManagerException e && e.code() == 404;
      if (missing && create) {
        return createDocument(id, m);
      }
      if (missing) {
        remove(id, m, Removal.DELETED_IN_CLOUD);
      }
      return CompletableFuture.<S>failedFuture(cause);
    }, control).thenCompose(f -> f);
  }

  private CompletableFuture<S> createDocument(String id, ManagedShadow<S> m) {
    m.firstBoot = false;
    S current = m.state.state();
    ObjectNode state = JsonNodeFactory.instance.objectNode();
    state.set("desired", schema.desired(current));
    state.set("reported", schema.reported(current));
    return requests.update(shadowName(id), state, Priority.URGENT).thenApplyAsync(env -> {
      if (env.version() > m.appliedVersion) {
        m.appliedVersion = env.version();
      }
      LOG.info("shadow {}: created in the cloud from the local state", shadowName(id));
      return m.state.state();
    }, control);
  }

  void remove(String id, ManagedShadow<S> m, Removal cause) {
    if (!shadows.remove(id, m)) {
      return;
    }
    wipe(id);
    LOG.info("shadow {}: no longer managed ({})", shadowName(id), cause);
    safely(() -> listener.onShadowRemoved(id, cause));
  }

  void wipe(String id) {
    try {
      store.write(new WriteBatch().removePrefix(ShadowStateStore.scopeOf(thingName(), shadowName(id)) + "/"));
    } catch (RuntimeException e) {
      problem(id, "its local state could not be removed", e);
    }
  }

  private ManagedShadow<S> require(String id) {
    ManagedShadow<S> m = shadows.get(id);
    if (m == null) {
      throw new ShadowManagerException(ShadowManagerException.Reason.NOT_MANAGED, shadowName(id), 0, "", null);
    }
    return m;
  }

  private void requireValidId(String id) {
    if (id == null || id.isEmpty() || !ManagedShadowTopics.isValidShadowName(namePrefix + id)) {
      throw new IllegalArgumentException("'" + namePrefix + id + "' is not a valid shadow name (1-64 of "
          + "[a-zA-Z0-9:_-])");
    }
  }

  // ---- reporting -----------------------------------------------------------------------------------------

  void problem(String id, String what, Throwable cause) {
    LOG.warn("shadow {}: {}: {}", id == null ? thingName() : shadowName(id), what, cause.toString());
    safely(() -> listener.onProblem(id, what, cause));
  }

  void safely(Runnable call) {
    try {
      call.run();
    } catch (RuntimeException e) {
      LOG.warn("shadow manager listener failed", e);
    }
  }
}
