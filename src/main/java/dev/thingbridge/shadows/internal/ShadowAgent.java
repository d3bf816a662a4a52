package dev.thingbridge.shadows.internal;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.thingbridge.mqtt.ConnectionListener;
import dev.thingbridge.mqtt.MqttClient;
import dev.thingbridge.mqtt.MqttClosedException;
import dev.thingbridge.mqtt.MqttMessage;
import dev.thingbridge.mqtt.MqttRequester;
import dev.thingbridge.mqtt.MqttTimeoutException;
import dev.thingbridge.mqtt.Subscription;
import dev.thingbridge.mqtt.SubscriptionListener;
import dev.thingbridge.mqtt.internal.AbstractMqttClient;
import dev.thingbridge.mqtt.internal.NamedThreadFactory;
import dev.thingbridge.shadows.CommitResult;
import dev.thingbridge.shadows.DeltaEvent;
import dev.thingbridge.shadows.LoadResult;
import dev.thingbridge.shadows.ShadowClient;
import dev.thingbridge.shadows.ShadowCodec;
import dev.thingbridge.shadows.ShadowDeltaException;
import dev.thingbridge.shadows.ShadowErrorCode;
import dev.thingbridge.shadows.ShadowException;
import dev.thingbridge.shadows.ShadowListener;
import dev.thingbridge.shadows.ShadowOptions;
import dev.thingbridge.shadows.ShadowTopic;
import dev.thingbridge.shadows.ShadowTopics;
import dev.thingbridge.shadows.model.ShadowDeleted;
import dev.thingbridge.shadows.model.ShadowDeltaMessage;
import dev.thingbridge.shadows.model.ShadowDocument;
import dev.thingbridge.shadows.model.ShadowDocuments;
import dev.thingbridge.shadows.model.ShadowUpdateRequest;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.UnaryOperator;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The machinery of {@link dev.thingbridge.shadows.Shadow}: every operation and every incoming message runs on one
 * control thread, so the local state, the versions and the sync gate need no locks. Blocking waits on that
 * thread are bounded by the request timeouts; replies complete on the MQTT client's threads, never this one.
 *
 * <p>Invariant (rustot's "cached subscription implies completed sync"): {@link #events} is set only after the
 * subscription was acknowledged <em>and</em> a GET drain completed, so no delta can fall between the two.
 *
 * @param <S> the state type
 */
public final class ShadowAgent<S> {
  private static final Logger LOG = LoggerFactory.getLogger(ShadowAgent.class);
  private static final AtomicInteger AGENTS = new AtomicInteger();
  private static final int MAX_REJECTED_PARTS = 16;
  private static final Duration CLOSE_ACK_WAIT = Duration.ofSeconds(2);

  /** Makes the public event type, whose constructor this package cannot see. */
  @FunctionalInterface
  public interface EventFactory<S> {
    DeltaEvent<S> create(S previous, S state, ObjectNode delta, ObjectNode ack, long version, boolean changed,
        CompletableFuture<Long> acknowledged);
  }

  private final MqttClient mqtt;
  private final ShadowTopics topics;
  private final ShadowOptions options;
  private final LocalState<S> local;
  private final MqttRequester requester;
  private final boolean ownsRequester;
  private final ShadowClient client;
  private final ShadowClient ackClient;
  private final ShadowListener<S> listener;
  private final DeltaInbox<DeltaEvent<S>> inbox;
  private final EventFactory<S> events0;
  private final ScheduledExecutorService control;
  private final String name;

  // Control-thread state.
  private final OwnTokens ownTokens = new OwnTokens(256);
  private Subscription events;
  private Object generation = new Object();
  private boolean synced;
  private boolean fullReportPending;
  private long appliedVersion;
  private int resyncFailures;
  private long documentsVersion;
  private volatile CompletableFuture<?> lastAck = CompletableFuture.completedFuture(null);

  // Read from any thread.
  private volatile S current;
  private volatile long knownVersion;
  private volatile boolean closed;
  private final AtomicBoolean resyncQueued = new AtomicBoolean();

  public ShadowAgent(MqttClient mqtt, ShadowTopics topics, ShadowOptions options, LocalState<S> local,
      MqttRequester requester, boolean ownsRequester, ShadowListener<S> listener, DeltaInbox<DeltaEvent<S>> inbox, EventFactory<S> eventFactory) {
    this.mqtt = mqtt;
    this.topics = topics;
    this.options = options;
    this.local = local;
    this.requester = requester;
    this.ownsRequester = ownsRequester;
    this.client = new ShadowClient(requester, topics, options.requestTimeout());
    this.ackClient = new ShadowClient(requester, topics, options.ackTimeout());
    this.listener = listener;
    this.inbox = inbox;
    this.events0 = eventFactory;
    this.name = topics.thingName() + topics.shadowName().map(n -> "/" + n).orElse("");
    ScheduledThreadPoolExecutor executor = new ScheduledThreadPoolExecutor(1,
        new NamedThreadFactory("thingbridge-shadows-" + AGENTS.incrementAndGet(), true));
    executor.setRemoveOnCancelPolicy(true);
    this.control = executor;
    mqtt.addConnectionListener(new ConnectionListener() {
      @Override
      public void onConnected(boolean sessionPresent) {
        if (sessionPresent && options.resyncOnReconnect()) {
          queueResync("reconnected");
        }
      }
    });
  }

  // ---- public operations (any thread) ----

  public CompletableFuture<LoadResult> load() {
    return submit(() -> {
      LoadResult r = local.load();
      current = local.state();
      return r;
    });
  }

  public S state() {
    S s = current;
    if (s == null) {
      throw new IllegalStateException("shadow " + name + " is not loaded yet: call load() or sync() first");
    }
    return s;
  }

  public long version() {
    return knownVersion;
  }

  public CompletableFuture<S> sync() {
    return submit(() -> {
      ensureLoaded();
      if (events == null) {
        goLive();
      } else {
        syncNow();
      }
      return current;
    });
  }

  /** Makes the shadow live, then registers {@code reader} for the next applied delta. */
  public void whenLive(CompletableFuture<DeltaEvent<S>> reader) {
    submit(() -> {
      if (!reader.isDone()) {
        ensureLoaded();
        ensureLive();
      }
      return null;
    }).whenComplete((v, e) -> {
      if (e != null) {
        reader.completeExceptionally(e);
      } else {
        inbox.register(reader);
      }
    });
  }

  public CompletableFuture<S> publishChange(UnaryOperator<S> change, boolean desired) {
    return submit(() -> {
      ensureLoaded();
      ensureLive();
      return publishWithRetries(change, desired);
    });
  }

  public CompletableFuture<S> create() {
    return submit(() -> {
      ensureLoaded();
      createNow();
      return current;
    });
  }

  public CompletableFuture<Void> delete() {
    return submit(() -> {
      ensureLoaded();
      String token = ownTokens.add(client.newClientToken());
      try {
        await(client.delete(token));
      } catch (ShadowException e) {
        if (e.code() != ShadowErrorCode.NOT_FOUND) {
          throw e;
        }
      }
      local.wipe();
      current = local.state();
      resetVersions();
      synced = false;
      fullReportPending = false;
      LOG.info("shadow {}: deleted; local state back to defaults", name);
      return null;
    });
  }

  public CompletableFuture<ShadowDocument> fetch() {
    return submit(() -> {
      ShadowDocument doc = await(client.get(ownTokens.add(client.newClientToken())));
      noteVersion(doc.version());
      return doc;
    });
  }

  public CompletableFuture<CommitResult> commit() {
    return submit(() -> {
      ensureLoaded();
      return local.commit();
    });
  }

  public void close() {
    if (closed) {
      return;
    }
    closed = true;
    try {
      // Let an acknowledgement already sent get its answer, so a device that stops right after a delta does not
      // leave it pending in the cloud.
      lastAck.get(CLOSE_ACK_WAIT.toMillis(), TimeUnit.MILLISECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    } catch (ExecutionException | TimeoutException | RuntimeException ignored) {
      // closing anyway
    }
    MqttClosedException cause = new MqttClosedException("the shadow " + name + " was closed");
    inbox.close(cause);
    if (ownsRequester) {
      requester.close();
    }
    try {
      control.execute(this::unsubscribe);
    } catch (RejectedExecutionException ignored) {
      // already shut down
    }
    control.shutdown();
    try {
      if (!control.awaitTermination(options.requestTimeout().toMillis() + 1000, TimeUnit.MILLISECONDS)) {
        control.shutdownNow();
      }
    } catch (InterruptedException e) {
      control.shutdownNow();
      Thread.currentThread().interrupt();
    }
  }

  // ---- going live and syncing (control thread) ----

  private void ensureLoaded() {
    if (!local.isLoaded()) {
      local.load();
      current = local.state();
    }
  }

  private void ensureLive() throws Exception {
    if (events == null) {
      goLive();
    } else if (!synced) {
      syncNow();
    }
  }

  private void goLive() throws Exception {
    await(mqtt.awaitConnected(options.requestTimeout()));
    Object gen = new Object();
    Subscription sub = await(mqtt.subscribe(topics.eventFilters(), new EventListener(gen)));
    try {
      generation = gen;
      syncNow();
    } catch (Exception | Error e) {
      generation = new Object();
      sub.close();
      throw e;
    }
    events = sub;
    LOG.debug("shadow {}: live", name);
  }

  /** GET drain: 404 creates the document; otherwise the cloud's delta (only) is applied and acknowledged. */
  private void syncNow() throws Exception {
    ShadowDocument doc;
    try {
      doc = await(client.get(ownTokens.add(client.newClientToken())));
    } catch (ShadowException e) {
      if (e.code() != ShadowErrorCode.NOT_FOUND) {
        synced = false;
        throw e;
      }
      createNow();
      return;
    } catch (Exception e) {
      synced = false;
      throw e;
    }
    if (doc.version() < appliedVersion) {
      LOG.info("shadow {}: document version went back from {} to {}: it was re-created", name, appliedVersion,
          doc.version());
      resetVersions();
    }
    noteVersion(doc.version());
    appliedVersion = Math.max(appliedVersion, doc.version());
    synced = true;
    if (fullReportPending) {
      ShadowDocument accepted = await(client.update(new ShadowUpdateRequest(null, local.fullReported(),
          ownTokens.add(client.newClientToken()), null)));
      noteVersion(accepted.version());
      fullReportPending = false;
    }
    Optional<ObjectNode> delta = doc.pendingDelta();
    if (delta.isPresent()) {
      applyAndAcknowledge(delta.get(), doc.version());
    }
  }

  private void createNow() throws Exception {
    ObjectNode desired = local.fullDesired();
    ShadowUpdateRequest request = new ShadowUpdateRequest(desired.isEmpty() ? null : desired, local.fullReported(),
        ownTokens.add(client.newClientToken()), null);
    ShadowDocument accepted = await(client.update(request));
    noteVersion(accepted.version());
    appliedVersion = Math.max(appliedVersion, accepted.version());
    synced = true;
    fullReportPending = false;
    LOG.info("shadow {}: document created from the local state (version {})", name, accepted.version());
  }

  /** Schedules one GET drain; requests made while one is already queued are folded into it. */
  private void queueResync(String why) {
    if (closed || !resyncQueued.compareAndSet(false, true)) {
      return;
    }
    try {
      control.execute(() -> {
        resyncQueued.set(false);
        if (events == null || closed) {
          return;
        }
        LOG.info("shadow {}: {}, getting the document again", name, why);
        try {
          syncNow();
          resyncFailures = 0;
        } catch (Exception e) {
          // The cloud side may still be recovering from the same outage: try again, backing off up to 30 s.
          long delay = Math.min(30_000L, 1000L << Math.min(5, resyncFailures++));
          LOG.warn("shadow {}: resync failed ({}), trying again in {} ms", name, message(e), delay);
          if (!closed) {
            control.schedule(() -> queueResync(why), delay, TimeUnit.MILLISECONDS);
          }
        }
      });
    } catch (RejectedExecutionException ignored) {
      resyncQueued.set(false);
    }
  }

  // ---- device changes (control thread) ----

  private S publishWithRetries(UnaryOperator<S> change, boolean desired) throws Exception {
    for (int attempt = 1; ; attempt++) {
      LocalState.Change<S> c = local.change(change);
      current = local.state();
      if (c.isEmpty()) {
        return current;
      }
      Long version = null;
      if (options.optimisticLocking()) {
        awaitQuietly(lastAck);
        version = knownVersion;
      }
      ObjectNode desiredPart = desired && !c.desired().isEmpty() ? c.desired() : null;
      ObjectNode reportedPart = c.reported().isEmpty() ? null : c.reported();
      try {
        ShadowDocument accepted = await(client.update(new ShadowUpdateRequest(desiredPart, reportedPart,
            ownTokens.add(client.newClientToken()), version)));
        noteVersion(accepted.version());
        return current;
      } catch (ShadowException e) {
        if (e.code() != ShadowErrorCode.VERSION_CONFLICT || attempt >= options.conflictAttempts()) {
          fullReportPending = true;
          throw e;
        }
        LOG.info("shadow {}: version {} was stale (409); applying the cloud's change and retrying", name, version);
        local.change(s -> c.previous());
        current = local.state();
        syncNow();
      } catch (Exception e) {
        // The device's state did change; make the next sync report it whole.
        fullReportPending = true;
        throw e;
      }
    }
  }

  // ---- deltas (control thread) ----

  private void applyAndAcknowledge(ObjectNode delta, long version) {
    ObjectNode remaining = delta;
    ObjectNode cleanup = JsonNodeFactory.instance.objectNode();
    for (int i = 0; i < MAX_REJECTED_PARTS && !remaining.isEmpty(); i++) {
      try {
        LocalState.Applied<S> applied = local.apply(remaining);
        current = applied.state();
        ObjectNode ack = applied.acknowledgement();
        if (!cleanup.isEmpty()) {
          ObjectNode d = ack.has("desired") ? (ObjectNode) ack.get("desired") : ack.putObject("desired");
          JsonTrees.mergeKeepingNulls(d, cleanup);
          cleanup = JsonNodeFactory.instance.objectNode();
        }
        CompletableFuture<Long> acknowledged = acknowledge(ack);
        appliedVersion = Math.max(appliedVersion, version);
        deliver(events0.create(applied.previous(), applied.state(), remaining.deepCopy(), ack, version,
            applied.changed(), acknowledged));
        return;
      } catch (ShadowDeltaException e) {
        LOG.warn("shadow {}: delta v{} rejected by the state type: {}", name, version, e.getMessage());
        safely(() -> listener.onDeltaRejected(e, delta.deepCopy()));
        if (e.path().isEmpty()) {
          break;
        }
        JsonTrees.mergeKeepingNulls(cleanup, JsonTrees.nullAt(e.path()));
        remaining = JsonTrees.without(remaining, e.path());
      }
    }
    appliedVersion = Math.max(appliedVersion, version);
    if (!cleanup.isEmpty()) {
      ObjectNode ack = JsonNodeFactory.instance.objectNode();
      ack.set("desired", cleanup);
      acknowledge(ack);
    }
  }

  /** Publishes an acknowledgement without blocking; its outcome is logged and handed to the event. */
  private CompletableFuture<Long> acknowledge(ObjectNode ack) {
    ShadowUpdateRequest request = new ShadowUpdateRequest((ObjectNode) ack.get("desired"),
        (ObjectNode) ack.get("reported"), ownTokens.add(ackClient.newClientToken()), null);
    CompletableFuture<Long> version = ackClient.update(request).thenApply(ShadowDocument::version);
    version.whenComplete((v, e) -> {
      if (e == null) {
        noteVersion(v);
      } else {
        Throwable cause = AbstractMqttClient.unwrap(e);
        if (cause instanceof MqttTimeoutException) {
          LOG.warn("shadow {}: no answer to the acknowledgement within {}; the state stays applied and the "
              + "cloud's delta is reconciled at the next sync", name, options.ackTimeout());
        } else if (!closed) {
          LOG.warn("shadow {}: acknowledgement failed: {}", name, message(cause));
        }
      }
    });
    lastAck = version;
    return version;
  }

  private void deliver(DeltaEvent<S> event) {
    safely(() -> listener.onDelta(event));
    inbox.offer(event);
  }

  private void onDelta(MqttMessage message) throws Exception {
    ShadowDeltaMessage delta;
    try {
      delta = ShadowCodec.decodeDelta(message.payload());
    } catch (IllegalArgumentException e) {
      LOG.warn("shadow {}: unreadable delta ignored: {}", name, e.getMessage());
      return;
    }
    if (ownTokens.contains(delta.clientToken())) {
      noteVersion(delta.version());
      return;
    }
    if (delta.state().isEmpty()) {
      return;
    }
    if (!synced) {
      syncNow();
      return;
    }
    if (delta.version() <= appliedVersion) {
      LOG.debug("shadow {}: delta v{} already covered by v{}", name, delta.version(), appliedVersion);
      return;
    }
    if (delta.version() < knownVersion) {
      LOG.debug("shadow {}: delta v{} is older than v{}; getting the document", name, delta.version(), knownVersion);
      syncNow();
      return;
    }
    noteVersion(delta.version());
    applyAndAcknowledge(delta.state(), delta.version());
  }

  private void onDocuments(MqttMessage message) {
    ShadowDocuments docs;
    try {
      docs = ShadowCodec.decodeDocuments(message.payload());
    } catch (IllegalArgumentException e) {
      LOG.warn("shadow {}: unreadable documents message ignored: {}", name, e.getMessage());
      return;
    }
    long v = docs.current().version();
    noteVersion(v);
    if (v <= documentsVersion) {
      return;
    }
    documentsVersion = v;
    safely(() -> listener.onDocuments(docs));
  }

  private void onDeleted(MqttMessage message) {
    ShadowDeleted deleted;
    try {
      deleted = ShadowCodec.decodeDeleted(message.payload());
    } catch (IllegalArgumentException e) {
      LOG.warn("shadow {}: unreadable delete reply ignored: {}", name, e.getMessage());
      return;
    }
    if (ownTokens.contains(deleted.clientToken()) || deleted.version() < knownVersion) {
      return;
    }
    LOG.info("shadow {}: deleted in the cloud (version {}); the next publish re-creates it", name,
        deleted.version());
    resetVersions();
    synced = false;
    fullReportPending = true;
    safely(() -> listener.onDeletedInCloud(deleted.version()));
  }

  /** Routes the shadow's event topics to the control thread; ignores messages of an abandoned subscription. */
  private final class EventListener implements SubscriptionListener {
    private final Object gen;

    EventListener(Object gen) {
      this.gen = gen;
    }

    @Override
    public void onMessage(MqttMessage message) {
      if (closed) {
        return;
      }
      try {
        control.execute(() -> handle(message));
      } catch (RejectedExecutionException ignored) {
        // closing
      }
    }

    @Override
    public void onSessionLost() {
      queueResync("the MQTT session was lost");
    }

    private void handle(MqttMessage message) {
      if (gen != generation || closed) {
        return;
      }
      Optional<ShadowTopic> topic = ShadowTopics.parse(topics.prefix(), message.topic());
      try {
        switch (topic.map(ShadowTopic::kind).orElse(ShadowTopic.Kind.GET)) {
          case UPDATE_DELTA -> onDelta(message);
          case UPDATE_DOCUMENTS -> onDocuments(message);
          case DELETE_ACCEPTED -> onDeleted(message);
          default -> LOG.debug("shadow {}: unexpected message on {}", name, message.topic());
        }
      } catch (Exception e) {
        synced = false;
        LOG.warn("shadow {}: handling {} failed, will resync on the next operation: {}", name, message.topic(),
            message(e));
      }
    }
  }

  // ---- helpers ----

  private void noteVersion(long v) {
    if (v > knownVersion) {
      knownVersion = v;
    }
  }

  private void resetVersions() {
    appliedVersion = 0;
    documentsVersion = 0;
    knownVersion = 0;
  }

  private void unsubscribe() {
    Subscription sub = events;
    events = null;
    generation = new Object();
    if (sub != null) {
      sub.close();
    }
  }

  private <T> CompletableFuture<T> submit(Callable<T> work) {
    CompletableFuture<T> result = new CompletableFuture<>();
    if (closed) {
      result.completeExceptionally(new MqttClosedException("the shadow " + name + " is closed"));
      return result;
    }
    try {
      control.execute(() -> {
        if (result.isDone()) {
          return;
        }
        if (closed) {
          result.completeExceptionally(new MqttClosedException("the shadow " + name + " is closed"));
          return;
        }
        try {
          result.complete(work.call());
        } catch (Throwable t) {
          result.completeExceptionally(AbstractMqttClient.unwrap(t));
        }
      });
    } catch (RejectedExecutionException e) {
      result.completeExceptionally(new MqttClosedException("the shadow " + name + " is closed"));
    }
    return result;
  }

  /**
   * Waits for a request; each carries its own timeout, the extra margin here only guards against a future that
   * would never complete.
   */
  private <T> T await(CompletableFuture<T> future) throws Exception {
    Duration max = options.ackTimeout().compareTo(options.requestTimeout()) > 0 ? options.ackTimeout()
        : options.requestTimeout();
    try {
      return future.get(max.toMillis() + 5_000, TimeUnit.MILLISECONDS);
    } catch (ExecutionException e) {
      Throwable cause = AbstractMqttClient.unwrap(e);
      if (cause instanceof Exception ex) {
        throw ex;
      }
      throw (Error) cause;
    } catch (TimeoutException e) {
      future.cancel(false);
      throw new MqttTimeoutException("shadow request of " + name, max);
    }
  }

  private void awaitQuietly(CompletableFuture<?> future) {
    try {
      await(future);
    } catch (Exception ignored) {
      // only the ordering matters here
    }
  }

  private void safely(Runnable callback) {
    try {
      callback.run();
    } catch (RuntimeException e) {
      LOG.warn("shadow {}: listener failed: {}", name, e.toString());
    }
  }

  private static String message(Throwable e) {
    return e.getMessage() == null ? e.toString() : e.getMessage();
  }
}
