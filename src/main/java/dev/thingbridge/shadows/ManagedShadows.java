package dev.thingbridge.shadows;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.thingbridge.internal.Futures;
import dev.thingbridge.mqtt.AwsNames;
import dev.thingbridge.shadows.ShadowManagerListener.Removal;
import dev.thingbridge.shadows.internal.JsonLocalState;
import dev.thingbridge.shadows.internal.LocalState;
import dev.thingbridge.shadows.internal.RequestPacer.Priority;
import dev.thingbridge.shadows.internal.TypedLocalState;
import dev.thingbridge.shadows.schema.ShadowSchema;
import dev.thingbridge.shadows.schema.spec.ShadowDeltaException;
import dev.thingbridge.shadows.store.KeyValueStore;
import dev.thingbridge.shadows.store.LoadResult;
import dev.thingbridge.shadows.store.ShadowStateStore;
import dev.thingbridge.shadows.store.WriteBatch;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.UnaryOperator;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The shadow manager's shadows by id, each a {@link ShadowSession} on the manager's control thread: registration
 * (its local state loaded from the shared store), the application's operations, and removal (its local state
 * wiped). Every method except the thread-safe reads runs on the control thread of its {@link ManagerRuntime}.
 *
 * @param <S> the state type
 */
final class ManagedShadows<S> {
  private static final Logger LOG = LoggerFactory.getLogger(ManagedShadows.class);

  /** One managed shadow: its session, and its place in the resync rounds. */
  static final class Managed<S> {
    final ShadowSession<S> session;
    boolean resyncQueued;
    /** A resync was asked for while a fetch was in flight (a session loss mid-fetch): fetch once more after it. */
    boolean fetchAgain;

    Managed(ShadowSession<S> session) {
      this.session = session;
    }
  }

  private final ShadowSchema<S> schema;
  private final String namePrefix;
  private final KeyValueStore store;
  private final ShadowManagerListener<S> listener;
  private final boolean ignoreUnknownFields;
  private final ShadowSession.Policy policy;
  private final ManagerRuntime runtime;
  private final Map<String, Managed<S>> shadows = new ConcurrentHashMap<>();

  public ManagedShadows(ShadowSchema<S> schema, String namePrefix, KeyValueStore store,
      ShadowManagerListener<S> listener, boolean ignoreUnknownFields, boolean clearRejectedDesired,
      ManagerRuntime runtime) {
    this.schema = schema;
    this.namePrefix = namePrefix;
    this.store = store;
    this.listener = listener;
    this.ignoreUnknownFields = ignoreUnknownFields;
    this.policy = new ShadowSession.Policy(false, 1, clearRejectedDesired);
    this.runtime = runtime;
  }

  String thingName() {
    return runtime.thingName();
  }

  String namePrefix() {
    return namePrefix;
  }

  KeyValueStore store() {
    return store;
  }

  ShadowManagerListener<S> listener() {
    return listener;
  }

  String shadowName(String id) {
    return namePrefix + id;
  }

  Managed<S> get(String id) {
    return shadows.get(id);
  }

  // ---- reads (any thread) ----

  public Set<String> ids() {
    return new TreeSet<>(shadows.keySet());
  }

  public boolean isManaged(String id) {
    return shadows.containsKey(id);
  }

  public Optional<S> state(String id) {
    Managed<S> m = shadows.get(id);
    return m == null ? Optional.empty() : Optional.of(m.session.state());
  }

  public Map<String, S> states() {
    Map<String, S> out = new TreeMap<>();
    shadows.forEach((id, m) -> out.put(id, m.session.state()));
    return out;
  }

  // ---- the application's operations ----

  public CompletableFuture<S> add(String id) {
    requireValidId(id);
    return runtime.onControlAsync(() -> {
      Managed<S> m = shadows.get(id);
      return (m == null ? register(id) : m).session.sync(true, Priority.URGENT);
    });
  }

  public CompletableFuture<S> sync(String id) {
    return runtime.onControlAsync(() -> require(id).session.sync(false, Priority.URGENT));
  }

  public CompletableFuture<S> update(String id, UnaryOperator<S> change, boolean alsoDesired) {
    Objects.requireNonNull(change, "change");
    return runtime.onControlAsync(() -> require(id).session.publishChange(change, alsoDesired));
  }

  public CompletableFuture<Void> delete(String id) {
    return runtime.onControlAsync(() -> {
      Managed<S> m = require(id);
      return m.session.delete().thenRunAsync(() -> remove(id, m, Removal.DELETED_BY_DEVICE), runtime.control());
    });
  }

  // ---- registration and removal (control thread) ----

  /** A typed state through the schema, or (no schema) the JSON state of an untyped manager. */
  @SuppressWarnings("unchecked")
  private LocalState<S> localState(String scope) {
    return schema == null ? (LocalState<S>) new JsonLocalState(store, scope)
        : new TypedLocalState<>(ShadowStateStore.open(store, scope, schema), ignoreUnknownFields);
  }

  Managed<S> register(String id) {
    ShadowTopics topics = runtime.topics(shadowName(id));
    String scope = ShadowStateStore.scopeOf(thingName(), shadowName(id));
    ShadowSession<S> session = new ShadowSession<>(topics.thingName() + "/" + shadowName(id),
        localState(scope), runtime.transport(topics), runtime.tokens(),
        runtime.control(), new Events(id), policy);
    LoadResult loaded = session.load();
    if (loaded.firstBoot()) {
      session.adoptDesiredOnce();
    }
    Managed<S> m = new Managed<>(session);
    shadows.put(id, m);
    safely(() -> listener.onShadowAdded(id, session.state()));
    return m;
  }

  void remove(String id, Managed<S> m, Removal cause) {
    if (!shadows.remove(id, m)) {
      return;
    }
    m.session.retire(notManaged(id));
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

  /** Fetches a shadow in the background; a failure is the listener's, a 404 removes it. */
  void resync(String id, Managed<S> m, String why) {
    LOG.debug("shadow {}: {}", shadowName(id), why);
    m.session.sync(false, Priority.BACKGROUND).whenComplete((state, error) -> {
      Throwable cause = error == null ? null : Futures.unwrap(error);
      if (cause != null && !ShadowSession.is(cause, ShadowErrorCode.NOT_FOUND)) {
        runtime.onControl(() -> problem(id, "fetch failed; the next resync retries", cause));
      }
    });
  }

  private Managed<S> require(String id) {
    Managed<S> m = shadows.get(id);
    if (m == null) {
      throw notManaged(id);
    }
    return m;
  }

  private ShadowException notManaged(String id) {
    return new ShadowException(runtime.topics(shadowName(id)), ShadowErrorCode.NOT_MANAGED, "not managed");
  }

  private void requireValidId(String id) {
    if (id == null || id.isEmpty() || !AwsNames.isShadowName(namePrefix + id)) {
      throw new IllegalArgumentException("'" + namePrefix + id + "' is not a valid shadow name (1-64 of "
          + "[a-zA-Z0-9:_-])");
    }
  }

  // ---- reporting ----

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

  /** One shadow's session events, told to the listener with the shadow's id. */
  private final class Events implements SessionEvents<S> {
    private final String id;

    Events(String id) {
      this.id = id;
    }

    @Override
    public void applied(DeltaEvent<S> event) {
      if (event.changed()) {
        safely(() -> listener.onDelta(id, event));
      }
    }

    @Override
    public void rejected(ShadowDeltaException error, ObjectNode delta) {
      safely(() -> listener.onDeltaRejected(id, error, delta));
    }

    @Override
    public void problem(String what, Throwable cause) {
      ManagedShadows.this.problem(id, what, cause);
    }

    @Override
    public void resyncNeeded(String why) {
      Managed<S> m = shadows.get(id);
      if (m != null) {
        resync(id, m, why);
      }
    }

    @Override
    public void missingInCloud(long lastVersion) {
      Managed<S> m = shadows.get(id);
      if (m != null) {
        remove(id, m, Removal.DELETED_IN_CLOUD);
      }
    }
  }
}
