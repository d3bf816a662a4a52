package dev.thingbridge.shadows;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.thingbridge.mqtt.MqttClient;
import dev.thingbridge.mqtt.MqttClosedException;
import dev.thingbridge.mqtt.MqttMessage;
import dev.thingbridge.mqtt.MqttRequester;
import dev.thingbridge.mqtt.Subscription;
import dev.thingbridge.mqtt.SubscriptionListener;
import dev.thingbridge.mqtt.internal.NamedThreadFactory;
import dev.thingbridge.shadows.ShadowManagerListener.Removal;
import dev.thingbridge.shadows.internal.ManagedShadowCodec;
import dev.thingbridge.shadows.internal.ManagedShadowCodec.Envelope;
import dev.thingbridge.shadows.internal.ManagedShadowCodec.MalformedDocumentException;
import dev.thingbridge.shadows.internal.ManagedShadowRequests;
import dev.thingbridge.shadows.internal.ManagedShadowTopics;
import dev.thingbridge.shadows.internal.RequestPacer;
import dev.thingbridge.shadows.internal.RequestPacer.Priority;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.UnaryOperator;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Many named shadows of one thing, all of one state type, whose names share a prefix: one shadow per MCU behind a
 * gateway ({@code mcu-0017}, {@code mcu-0018}, ...), with ids known only at run time. The manager keeps each
 * one's state locally (persisted field by field through a {@link ShadowStateStore} in the shared
 * {@link KeyValueStore}, scope {@code thing~name}), applies every delta the cloud sends through the typed model,
 * and acknowledges it so the cloud's delta empties.
 *
 * <p>What it does on the wire (AWS IoT Device Shadow service, named shadows):
 *
 * <ul>
 *   <li>One subscription, made once, for all shadows: {@code $aws/things/{thing}/shadow/name/+/update/delta} and
 *       {@code .../name/+/delete/accepted} (QoS 1). It lives as long as the manager, so no delta is missed
 *       between calls; names without the prefix are ignored.
 *   <li>Per-shadow GET, UPDATE and DELETE at QoS 1 with a fresh {@code clientToken} to match the reply; their
 *       reply subscriptions are wildcards too, made on first use and kept. Requests are paced (a rate and an
 *       in-flight limit, because AWS throttles per thing and per connection) and a throttled one (429) is
 *       retried with back-off.
 *   <li>A delta for a new id registers that shadow (its first delta creates it locally). A delta caused by this
 *       manager's own update is recognised by its token and skipped; one older than the version already applied
 *       is skipped. A delta that does not fit the type is reported with its path and the shadow keeps working.
 *   <li>{@code /delete/accepted} removes the shadow's local state, unless a newer version of the shadow has been
 *       seen since (a shadow deleted and re-created in the cloud stays).
 *   <li>At {@link #start()}: optional discovery ({@link ShadowDiscovery}, e.g. {@code ListNamedShadowsForThing})
 *       registers the cloud's shadows and removes local ones the cloud no longer has; then each is fetched
 *       (GET) and its pending delta applied.
 *   <li>After the broker lost the session, the client renews the subscriptions and the manager re-fetches every
 *       shadow: after a random delay (jitter, so a fleet of gateways does not resync at once) and at the
 *       request rate, with urgent work (acknowledgements, the application's calls) going first.
 * </ul>
 *
 * <p>Per shadow the manager holds the state object and a few fields; no subscription, thread or timer, so a
 * thousand shadows are cheap. Threads: {@code thingbridge-shadows-manager-N} (every decision and every listener
 * call) and, during discovery, {@code thingbridge-shadows-manager-N-discovery}; both end with {@link #close()}.
 * The manager does not close the MQTT client, the store or the discovery.
 *
 * @param <S> the state type of every managed shadow
 */
public final class ShadowManager<S> implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(ShadowManager.class);
  private static final AtomicInteger MANAGERS = new AtomicInteger();
  private static final long RETRY_FIRST_MILLIS = 1_000;
  private static final long RETRY_MAX_MILLIS = 300_000;

  private final MqttClient mqtt;
  private final ShadowSchema<S> schema;
  private final String namePrefix;
  private final KeyValueStore store;
  private final ShadowDiscovery discovery;
  private final ShadowManagerListener<S> listener;
  private final Duration resyncJitter;
  private final boolean ignoreUnknownFields;
  private final boolean clearRejectedDesired;
  private final ManagedShadowTopics topics;
  private final MqttRequester requester;
  private final ScheduledExecutorService control;
  private final RequestPacer pacer;
  private final ManagedShadowRequests requests;
  private final String threadName;
  private final Map<String, Managed<S>> shadows = new ConcurrentHashMap<>();
  private final AtomicBoolean started = new AtomicBoolean();
  private volatile Subscription events;
  private volatile boolean closed;

  /** One managed shadow's bookkeeping; touched only on the control thread (its store is thread-safe). */
  private static final class Managed<S> {
    final ShadowStateStore<S> state;
    /** Version of the last delta or document applied; older deltas are stale. */
    long appliedVersion = -1;
    /** Registered from a delta: the first acknowledgement reports the whole state. */
    boolean reportWhole;
    /** Nothing was stored for it: the first fetch adopts the cloud's whole desired state, not only the delta. */
    boolean firstBoot;
    boolean resyncQueued;
    boolean deleting;

    Managed(ShadowStateStore<S> state) {
      this.state = state;
    }
  }

  private ShadowManager(Builder<S> b) {
    this.mqtt = b.mqtt;
    this.schema = b.schema;
    this.namePrefix = b.namePrefix;
    this.store = b.store != null ? b.store : new InMemoryKeyValueStore();
    this.discovery = b.discovery;
    this.listener = b.listener;
    this.resyncJitter = b.resyncJitter;
    this.ignoreUnknownFields = b.ignoreUnknownFields;
    this.clearRejectedDesired = b.clearRejectedDesired;
    this.topics = new ManagedShadowTopics(b.topicPrefix, b.thingName != null ? b.thingName : mqtt.clientId());
    this.threadName = "thingbridge-shadows-manager-" + MANAGERS.incrementAndGet();
    this.control = Executors.newSingleThreadScheduledExecutor(new NamedThreadFactory(threadName, true));
    this.requester = new MqttRequester(mqtt);
    this.pacer = new RequestPacer(control, System::nanoTime, b.requestsPerSecond,
        Math.max(1, (int) Math.ceil(b.requestsPerSecond)), b.maxInFlight);
    byte[] random = new byte[4];
    ThreadLocalRandom.current().nextBytes(random);
    this.requests = new ManagedShadowRequests(requester, topics, pacer, control,
        "sm" + HexFormat.of().formatHex(random), b.requestTimeout);
  }

  /**
   * A builder for a manager of the shadows named {@code namePrefix + id} on the client's thing.
   *
   * @param namePrefix the part every managed shadow name starts with ({@code "mcu-"}); may be empty to manage
   *     every named shadow of the thing
   */
  public static <S> Builder<S> builder(MqttClient mqtt, Class<S> stateType, String namePrefix) {
    return new Builder<>(mqtt, ShadowSchema.of(stateType), namePrefix);
  }

  /** The thing whose shadows are managed. */
  public String thingName() {
    return topics.thingName();
  }

  /** The shadow name prefix. */
  public String namePrefix() {
    return namePrefix;
  }

  /** The full shadow name of an id. */
  public String shadowName(String id) {
    return namePrefix + id;
  }

  /**
   * Subscribes to the wildcard delta and delete topics, discovers the cloud's shadows (if a discovery is
   * configured), registers them and the ones found in the store, and fetches each from the cloud. Deltas are
   * handled from the moment the subscription is acknowledged.
   *
   * @return completes when every shadow has been fetched once (fetches that failed are listed in the report and
   *     given to the listener); fails only if the subscription failed
   * @throws IllegalStateException if called twice
   */
  public CompletableFuture<ShadowSyncReport> start() {
    if (!started.compareAndSet(false, true)) {
      throw new IllegalStateException("the shadow manager is already started");
    }
    SubscriptionListener events = new SubscriptionListener() {
      @Override
      public void onMessage(MqttMessage message) {
        onControl(() -> route(message));
      }

      @Override
      public void onSessionLost() {
        onControl(() -> resyncAfterSessionLoss());
      }
    };
    return mqtt.subscribe(List.of(topics.deltaFilter(), topics.deleteFilter()), events)
        .thenCompose(sub -> {
          this.events = sub;
          return discover();
        })
        .thenComposeAsync(this::registerAtStart, control);
  }

  /** The ids of every managed shadow, sorted. */
  public Set<String> ids() {
    return new TreeSet<>(shadows.keySet());
  }

  /** Whether a shadow is managed. */
  public boolean isManaged(String id) {
    return shadows.containsKey(id);
  }

  /** The local state of a managed shadow. */
  public Optional<S> state(String id) {
    Managed<S> m = shadows.get(id);
    return m == null ? Optional.empty() : Optional.of(m.state.state());
  }

  /** The local states of every managed shadow, by id. */
  public Map<String, S> states() {
    Map<String, S> out = new TreeMap<>();
    shadows.forEach((id, m) -> out.put(id, m.state.state()));
    return out;
  }

  /**
   * Manages a shadow from now on (an MCU was attached): loads its local state, fetches the cloud's document and
   * applies its delta; if the cloud has no such shadow, creates it with the full local desired and reported
   * state (so the document never starts as a one-field stub).
   *
   * @return the state once in step with the cloud; fails with {@link ShadowManagerException} when the service
   *     rejects the request, or the MQTT layer's exception
   * @throws IllegalArgumentException if {@code namePrefix + id} is not a valid shadow name
   */
  public CompletableFuture<S> add(String id) {
    requireValidId(id);
    return onControlAsync(() -> {
      Managed<S> m = shadows.get(id);
      if (m == null) {
        m = register(id);
      }
      return sync(id, m, Priority.URGENT, true);
    });
  }

  /**
   * Fetches a managed shadow from the cloud (GET) and applies its pending delta, acknowledging it.
   *
   * @return the state afterwards; fails with {@link ShadowManagerException} ({@code NOT_MANAGED}, or
   *     {@code REJECTED} with 404 when the cloud no longer has it, which also removes it locally)
   */
  public CompletableFuture<S> get(String id) {
    return onControlAsync(() -> sync(id, require(id), Priority.URGENT, false));
  }

  /**
   * Changes a managed shadow's state on the device and reports it: {@code change} gets the current state (after
   * every delta applied so far) and returns the new one; the changed fields are persisted, then published as
   * {@code reported}. Nothing is published when nothing changed.
   *
   * @return the new state once the service accepted the report
   */
  public CompletableFuture<S> updateReported(String id, UnaryOperator<S> change) {
    Objects.requireNonNull(change, "change");
    return onControlAsync(() -> {
      Managed<S> m = require(id);
      S after = Objects.requireNonNull(change.apply(m.state.state()), "the new state");
      ObjectNode reported = m.state.report(after);
      if (reported.isEmpty()) {
        return CompletableFuture.completedFuture(after);
      }
      ObjectNode state = JsonNodeFactory.instance.objectNode();
      state.set("reported", reported);
      return requests.update(shadowName(id), state, Priority.URGENT).thenApply(env -> after);
    });
  }

  /**
   * Changes a managed shadow's desired state from the device (a local override) and reports the same values,
   * in one update, so no delta stays pending for them. Report-only fields go to {@code reported} only.
   *
   * @return the new state once the service accepted the update
   */
  public CompletableFuture<S> updateDesired(String id, UnaryOperator<S> change) {
    Objects.requireNonNull(change, "change");
    return onControlAsync(() -> {
      Managed<S> m = require(id);
      S after = Objects.requireNonNull(change.apply(m.state.state()), "the new state");
      ObjectNode reported = m.state.report(after);
      if (reported.isEmpty()) {
        return CompletableFuture.completedFuture(after);
      }
      ObjectNode state = JsonNodeFactory.instance.objectNode();
      ObjectNode desired = ManagedShadowCodec.desiredPart(reported, schema.desired(after));
      if (!desired.isEmpty()) {
        state.set("desired", desired);
      }
      state.set("reported", reported);
      return requests.update(shadowName(id), state, Priority.URGENT).thenApply(env -> after);
    });
  }

  /**
   * Deletes a managed shadow in the cloud (a 404 counts as done) and then its local state; it is no longer
   * managed. A later delta for the id (the cloud re-created it) makes it managed again from defaults.
   */
  public CompletableFuture<Void> delete(String id) {
    return onControlAsync(() -> {
      Managed<S> m = require(id);
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

  /**
   * Re-fetches every managed shadow, paced, as after a session loss but without the jitter.
   *
   * @return completes when every fetch has finished
   */
  public CompletableFuture<ShadowSyncReport> resyncAll() {
    return onControlAsync(() -> syncAll(new ArrayList<>(shadows.keySet()), List.of()));
  }

  /** Requests queued behind the rate and in-flight limits (for metrics and tests). */
  public int queuedRequests() {
    return pacer.queued();
  }

  /** Ends the subscriptions and the manager's threads; pending operations fail with {@link MqttClosedException}. */
  @Override
  public void close() {
    if (closed) {
      return;
    }
    closed = true;
    Subscription s = events;
    if (s != null) {
      s.close();
    }
    pacer.close(new MqttClosedException("the shadow manager is closed"));
    requester.close();
    control.shutdown();
    try {
      if (!control.awaitTermination(2, TimeUnit.SECONDS)) {
        control.shutdownNow();
      }
    } catch (InterruptedException e) {
      control.shutdownNow();
      Thread.currentThread().interrupt();
    }
  }

  // ---- start ----------------------------------------------------------------------------------------

  /** The cloud's shadow names, or null without a discovery or when it failed. */
  private CompletableFuture<List<String>> discover() {
    if (discovery == null) {
      return CompletableFuture.completedFuture(null);
    }
    ExecutorService thread = Executors.newSingleThreadExecutor(new NamedThreadFactory(threadName + "-discovery",
        true));
    CompletableFuture<List<String>> names = CompletableFuture.supplyAsync(() -> {
      try {
        return List.copyOf(discovery.namedShadows(thingName()));
      } catch (Exception e) {
        LOG.warn("shadow manager {}: discovery failed, carrying on with local state: {}", thingName(),
            e.toString());
        onControl(() -> problem(null, "discovery failed; carrying on with the local state", e));
        return null;
      }
    }, thread);
    names.whenComplete((v, e) -> thread.shutdown());
    return names;
  }

  private CompletableFuture<ShadowSyncReport> registerAtStart(List<String> cloudNames) {
    Set<String> local = localIds();
    List<String> removed = new ArrayList<>();
    Set<String> ids = new TreeSet<>();
    if (cloudNames == null) {
      ids.addAll(local);
    } else {
      for (String name : cloudNames) {
        if (name.startsWith(namePrefix) && name.length() > namePrefix.length()) {
          ids.add(name.substring(namePrefix.length()));
        }
      }
      for (String id : local) {
        if (!ids.contains(id)) {
          wipe(id);
          removed.add(id);
          safely(() -> listener.onShadowRemoved(id, Removal.ABSENT_FROM_CLOUD));
        }
      }
    }
    List<String> registered = new ArrayList<>();
    for (String id : ids) {
      if (!shadows.containsKey(id)) {
        try {
          register(id);
        } catch (RuntimeException e) {
          problem(id, "could not be registered", e);
          continue;
        }
      }
      registered.add(id);
    }
    LOG.info("shadow manager {}: {} shadows named {}*, {} removed as absent from the cloud", thingName(),
        registered.size(), namePrefix, removed.size());
    return syncWithRetries(registered, removed);
  }

  /** Ids with local state: scopes {@code thing~prefix<id>} found in the store. */
  private Set<String> localIds() {
    String scopeHead = ShadowStateStore.scopeOf(thingName(), namePrefix);
    Set<String> ids = new TreeSet<>();
    for (String key : store.keys(scopeHead)) {
      int slash = key.indexOf('/', scopeHead.length());
      if (slash > scopeHead.length()) {
        String id = key.substring(scopeHead.length(), slash);
        if (ManagedShadowTopics.isValidShadowName(namePrefix + id)) {
          ids.add(id);
        }
      }
    }
    return ids;
  }

  // ---- events (control thread) -----------------------------------------------------------------------

  private void route(MqttMessage message) {
    Optional<ManagedShadowTopics.Parsed> parsed = topics.parse(message.topic());
    if (parsed.isEmpty()) {
      return;
    }
    String name = parsed.get().shadowName();
    if (!name.startsWith(namePrefix) || name.length() == namePrefix.length()) {
      return;
    }
    String id = name.substring(namePrefix.length());
    Envelope envelope;
    try {
      envelope = ManagedShadowCodec.envelope(message.payload());
    } catch (MalformedDocumentException e) {
      problem(id, "malformed message on " + message.topic() + " ignored", e);
      return;
    }
    switch (parsed.get().kind()) {
      case DELTA -> onDelta(id, envelope);
      case DELETE_ACCEPTED -> onDeleted(id, envelope);
    }
  }

  private void onDelta(String id, Envelope delta) {
    if (requests.isOwnToken(delta.clientToken()) || delta.state() == null || delta.state().isEmpty()) {
      return;
    }
    Managed<S> m = shadows.get(id);
    if (m == null) {
      try {
        m = register(id);
      } catch (RuntimeException e) {
        problem(id, "could not be registered", e);
        return;
      }
      m.reportWhole = true;
    }
    apply(id, m, delta.state(), delta.version(), false);
    if (m.firstBoot) {
      // The delta holds only what differs from reported; fetch the rest of desired once (see sync).
      sync(id, m, Priority.BACKGROUND, false).whenComplete((state, error) -> {
        if (error != null) {
          onControl(() -> problem(id, "fetch after its first delta failed; the next resync retries",
              ManagedShadowRequests.unwrap(error)));
        }
      });
    }
  }

  private void onDeleted(String id, Envelope deleted) {
    Managed<S> m = shadows.get(id);
    if (m == null || m.deleting) {
      return;
    }
    if (deleted.version() >= 0 && deleted.version() < m.appliedVersion) {
      LOG.info("shadow {}: delete of version {} ignored, version {} seen since", shadowName(id),
          deleted.version(), m.appliedVersion);
      return;
    }
    remove(id, m, Removal.DELETED_IN_CLOUD);
  }

  private void resyncAfterSessionLoss() {
    long jitter = resyncJitter.isZero() ? 0 : ThreadLocalRandom.current().nextLong(resyncJitter.toMillis() + 1);
    LOG.info("shadow manager {}: session lost, re-fetching {} shadows in {} ms", thingName(), shadows.size(),
        jitter);
    Runnable resync = () -> syncWithRetries(new ArrayList<>(shadows.keySet()), List.of());
    if (jitter == 0) {
      resync.run();
    } else {
      control.schedule(() -> guarded(resync), jitter, TimeUnit.MILLISECONDS);
    }
  }

  // ---- operations (control thread) ---------------------------------------------------------------------

  private Managed<S> register(String id) {
    ShadowStateStore<S> state = ShadowStateStore.open(store, ShadowStateStore.scopeOf(thingName(),
        shadowName(id)), schema);
    LoadResult loaded = state.load();
    Managed<S> m = new Managed<>(state);
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
  private void apply(String id, Managed<S> m, ObjectNode deltaJson, long version, boolean force) {
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
        onControl(() -> problem(id, "acknowledgement failed; the state stays applied and the next resync "
            + "reconciles", ManagedShadowRequests.unwrap(error)));
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
        onControl(() -> problem(id, "clearing rejected desired " + e.path() + " failed",
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
  private CompletableFuture<S> sync(String id, Managed<S> m, Priority priority, boolean create) {
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

  private CompletableFuture<S> createDocument(String id, Managed<S> m) {
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

  /**
   * {@link #syncAll} and, for the fetches that failed (a timeout while the cloud side was still reconnecting,
   * say), further rounds with doubling back-off until each succeeds or leaves the manager. Completes with the
   * first round's report.
   */
  private CompletableFuture<ShadowSyncReport> syncWithRetries(List<String> ids, List<String> removedBefore) {
    CompletableFuture<ShadowSyncReport> first = syncAll(ids, removedBefore);
    first.thenAccept(report -> retryFailed(report, RETRY_FIRST_MILLIS));
    return first;
  }

  private void retryFailed(ShadowSyncReport report, long backoffMillis) {
    List<String> retry = report.failed().keySet().stream().sorted().toList();
    if (retry.isEmpty() || closed) {
      return;
    }
    long delay = backoffMillis / 2 + ThreadLocalRandom.current().nextLong(backoffMillis / 2 + 1);
    LOG.info("shadow manager {}: {} fetches failed, retrying in {} ms", thingName(), retry.size(), delay);
    try {
      control.schedule(() -> guarded(() -> syncAll(retry, List.of())
          .thenAccept(r -> retryFailed(r, Math.min(backoffMillis * 2, RETRY_MAX_MILLIS)))), delay,
          TimeUnit.MILLISECONDS);
    } catch (RejectedExecutionException e) {
      LOG.debug("shadow manager closed; retries dropped");
    }
  }

  /** Fetches the given shadows at background priority, each once even if asked again meanwhile. */
  private CompletableFuture<ShadowSyncReport> syncAll(List<String> ids, List<String> removedBefore) {
    Map<String, CompletableFuture<S>> fetches = new LinkedHashMap<>();
    for (String id : ids) {
      Managed<S> m = shadows.get(id);
      if (m == null || m.resyncQueued) {
        continue;
      }
      m.resyncQueued = true;
      fetches.put(id, sync(id, m, Priority.BACKGROUND, false)
          .whenCompleteAsync((s, e) -> m.resyncQueued = false, control));
    }
    return CompletableFuture.allOf(fetches.values().toArray(CompletableFuture[]::new))
        .handle((v, e) -> {
          List<String> synced = new ArrayList<>();
          List<String> removed = new ArrayList<>(removedBefore);
          Map<String, Throwable> failed = new TreeMap<>();
          fetches.forEach((id, f) -> {
            Throwable error = f.isCompletedExceptionally() ? f.handle((x, t) -> t).join() : null;
            Throwable cause = error == null ? null : ManagedShadowRequests.unwrap(error);
            if (cause == null) {
              synced.add(id);
            } else if (cause instanceof ShadowManagerException s
                && (s.code() == 404 || s.reason() == ShadowManagerException.Reason.NOT_MANAGED)) {
              removed.add(id);
            } else {
              failed.put(id, cause);
            }
          });
          failed.forEach((id, cause) -> onControl(() -> problem(id, "fetch failed", cause)));
          return new ShadowSyncReport(synced, removed, failed);
        });
  }

  private void remove(String id, Managed<S> m, Removal cause) {
    if (!shadows.remove(id, m)) {
      return;
    }
    wipe(id);
    LOG.info("shadow {}: no longer managed ({})", shadowName(id), cause);
    safely(() -> listener.onShadowRemoved(id, cause));
  }

  private void wipe(String id) {
    try {
      store.write(new WriteBatch().removePrefix(ShadowStateStore.scopeOf(thingName(), shadowName(id)) + "/"));
    } catch (RuntimeException e) {
      problem(id, "its local state could not be removed", e);
    }
  }

  private Managed<S> require(String id) {
    Managed<S> m = shadows.get(id);
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

  // ---- plumbing ----------------------------------------------------------------------------------------

  private void problem(String id, String what, Throwable cause) {
    LOG.warn("shadow {}: {}: {}", id == null ? thingName() : shadowName(id), what, cause.toString());
    safely(() -> listener.onProblem(id, what, cause));
  }

  private void safely(Runnable call) {
    try {
      call.run();
    } catch (RuntimeException e) {
      LOG.warn("shadow manager listener failed", e);
    }
  }

  private void guarded(Runnable r) {
    try {
      r.run();
    } catch (RuntimeException e) {
      LOG.error("shadow manager {}: unexpected failure", thingName(), e);
    }
  }

  private void onControl(Runnable r) {
    try {
      control.execute(() -> guarded(r));
    } catch (RejectedExecutionException e) {
      LOG.debug("shadow manager closed; event dropped");
    }
  }

  /** Runs an operation on the control thread; its exceptions, and a closed manager, fail the future. */
  private <T> CompletableFuture<T> onControlAsync(java.util.function.Supplier<CompletableFuture<T>> operation) {
    if (closed) {
      return CompletableFuture.failedFuture(new MqttClosedException("the shadow manager is closed"));
    }
    try {
      return CompletableFuture.supplyAsync(operation, control).thenCompose(f -> f);
    } catch (RejectedExecutionException e) {
      return CompletableFuture.failedFuture(new MqttClosedException("the shadow manager is closed"));
    }
  }

  /** Configures a {@link ShadowManager}. */
  public static final class Builder<S> {
    private final MqttClient mqtt;
    private final ShadowSchema<S> schema;
    private final String namePrefix;
    private String thingName;
    private String topicPrefix = "$aws";
    private KeyValueStore store;
    private ShadowDiscovery discovery;
    private ShadowManagerListener<S> listener = new ShadowManagerListener<>() {};
    private Duration requestTimeout = Duration.ofSeconds(30);
    private double requestsPerSecond = 10;
    private int maxInFlight = 5;
    private Duration resyncJitter = Duration.ofSeconds(5);
    private boolean ignoreUnknownFields;
    private boolean clearRejectedDesired;

    private Builder(MqttClient mqtt, ShadowSchema<S> schema, String namePrefix) {
      this.mqtt = Objects.requireNonNull(mqtt, "mqtt");
      this.schema = Objects.requireNonNull(schema, "schema");
      Objects.requireNonNull(namePrefix, "namePrefix");
      if (!namePrefix.isEmpty() && (namePrefix.length() > 63 || !ManagedShadowTopics.isValidShadowName(namePrefix))) {
        throw new IllegalArgumentException("the name prefix must be 0-63 of [a-zA-Z0-9:_-]: " + namePrefix);
      }
      this.namePrefix = namePrefix;
    }

    /** The thing (default: the MQTT client id, as AWS IoT and Greengrass use it). */
    public Builder<S> thingName(String value) {
      this.thingName = Objects.requireNonNull(value, "thingName");
      return this;
    }

    /** The topic prefix (default {@code $aws}). */
    public Builder<S> topicPrefix(String value) {
      this.topicPrefix = Objects.requireNonNull(value, "topicPrefix");
      return this;
    }

    /** Where the shadows' states are kept (default: in memory). The manager does not close it. */
    public Builder<S> store(KeyValueStore value) {
      this.store = Objects.requireNonNull(value, "store");
      return this;
    }

    /** How to list the cloud's shadows at start (default: none; shadows come from the store and deltas). */
    public Builder<S> discovery(ShadowDiscovery value) {
      this.discovery = Objects.requireNonNull(value, "discovery");
      return this;
    }

    public Builder<S> listener(ShadowManagerListener<S> value) {
      this.listener = Objects.requireNonNull(value, "listener");
      return this;
    }

    /** How long each request waits for its reply (default 30 s). */
    public Builder<S> requestTimeout(Duration value) {
      if (value.isNegative() || value.isZero()) {
        throw new IllegalArgumentException("requestTimeout must be positive");
      }
      this.requestTimeout = value;
      return this;
    }

    /**
     * The request pace: at most {@code perSecond} requests started per second and {@code maxInFlight} waiting
     * for replies (default 10/s and 5: AWS throttles shadow requests per thing and refuses more than 10 in
     * flight per connection, which other services on the connection share).
     */
    public Builder<S> requestRate(double perSecond, int maxInFlight) {
      if (!(perSecond > 0) || maxInFlight < 1) {
        throw new IllegalArgumentException("rate and in-flight limit must be positive");
      }
      this.requestsPerSecond = perSecond;
      this.maxInFlight = maxInFlight;
      return this;
    }

    /** The longest random delay before the resync after a session loss (default 5 s; zero for none). */
    public Builder<S> resyncJitter(Duration value) {
      if (value.isNegative()) {
        throw new IllegalArgumentException("resyncJitter must not be negative");
      }
      this.resyncJitter = value;
      return this;
    }

    /**
     * Apply what the type knows of a delta and skip unknown keys (a newer cloud config than this firmware)
     * instead of rejecting the whole delta. Default: reject.
     */
    public Builder<S> ignoreUnknownFields(boolean value) {
      this.ignoreUnknownFields = value;
      return this;
    }

    /**
     * When a delta is rejected, remove the offending key from the cloud's desired state ({@code null} at its
     * path), so it stops coming back in every later delta. Default: leave it for the operator to fix.
     */
    public Builder<S> clearRejectedDesired(boolean value) {
      this.clearRejectedDesired = value;
      return this;
    }

    public ShadowManager<S> build() {
      return new ShadowManager<>(this);
    }
  }
}
