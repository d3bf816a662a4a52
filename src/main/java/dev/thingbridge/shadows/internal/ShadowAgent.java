package dev.thingbridge.shadows.internal;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.thingbridge.mqtt.ConnectionListener;
import dev.thingbridge.mqtt.MqttClient;
import dev.thingbridge.mqtt.MqttMessage;
import dev.thingbridge.mqtt.MqttRequester;
import dev.thingbridge.mqtt.MqttTimeoutException;
import dev.thingbridge.mqtt.Subscription;
import dev.thingbridge.mqtt.SubscriptionListener;
import dev.thingbridge.mqtt.internal.AbstractMqttClient;
import dev.thingbridge.shadows.DeltaEvent;
import dev.thingbridge.shadows.ShadowClient;
import dev.thingbridge.shadows.ShadowCodec;
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
import dev.thingbridge.shadows.schema.ShadowDeltaException;
import dev.thingbridge.shadows.store.CommitResult;
import dev.thingbridge.shadows.store.LoadResult;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;
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
  private final ControlThread control;
  private final Versions versions = new Versions();
  private final String name;

  // Control-thread state.
  private final OwnTokens ownTokens = new OwnTokens(256);
  private Subscription events;
  private Object generation = new Object();
  private boolean synced;
  private boolean fullReportPending;
  private int resyncFailures;
  private volatile CompletableFuture<?> lastAck = CompletableFuture.completedFuture(null);

  // Read from any thread.
  private volatile S current;
  private volatile boolean closed;
  private final AtomicBoolean resyncQueued = new AtomicBoolean();
  private final ConnectionListener reconnects = new ConnectionListener() {
    @Override
    public void onConnected(boolean sessionPresent) {
      if (sessionPresent && options.resyncOnReconnect()) {
        queueResync("reconnected");
      }
    }
  };

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
    this.control = new ControlThread(name, options.ackTimeout().compareTo(options.requestTimeout()) > 0
        ? options.ackTimeout() : options.requestTimeout());
    mqtt.addConnectionListener(reconnects);
  }

  // ---- public operations (any thread) ----

  public CompletableFuture<LoadResult> load() {
    return control.submit(() -> {
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
    return versions.known();
  }

  public CompletableFuture<S> sync() {
    return control.submit(() -> {
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
    control.submit(() -> {
      if (!reader.isDone() && events == null) {
        // Only the first wait goes live. After a deletion the shadow stays unsynced until a publish (or a delta)
        // needs the document, so a device waiting for deltas does not re-create a shadow someone just deleted.
        ensureLoaded();
        goLive();
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
    return control.submit(() -> {
      ensureLoaded();
      ensureLive();
      return publishWithRetries(change, desired);
    });
  }

  public CompletableFuture<S> create() {
    return control.submit(() -> {
      ensureLoaded();
      createNow();
      return current;
    });
  }

  public CompletableFuture<Void> delete() {
    return control.submit(() -> {
      ensureLoaded();
      String token = ownTokens.add(client.newClientToken());
      try {
        control.await(client.delete(token));
      } catch (ShadowException e) {
        if (e.code() != ShadowErrorCode.NOT_FOUND) {
          throw e;
        }
      }
      local.wipe();
      current = local.state();
      versions.reset();
      synced = false;
      fullReportPending = false;
      LOG.info("shadow {}: deleted; local state back to defaults", name);
      return null;
    });
  }

  public CompletableFuture<ShadowDocument> fetch() {
    return control.submit(() -> {
      ShadowDocument doc = control.await(client.get(ownTokens.add(client.newClientToken())));
      versions.seen(doc.version());
      return doc;
    });
  }

  public CompletableFuture<CommitResult> commit() {
    return control.submit(() -> {
      ensureLoaded();
      return local.commit();
    });
  }

  public void close() {
    if (closed) {
      return;
    }
    closed = true;
    mqtt.removeConnectionListener(reconnects);
    try {
      // Let an acknowledgement already sent get its answer, so a device that stops right after a delta does not
      // leave it pending in the cloud.
      lastAck.get(CLOSE_ACK_WAIT.toMillis(), TimeUnit.MILLISECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    } catch (ExecutionException | TimeoutException | RuntimeException ignored) {
      // closing anyway
    }
    inbox.close(control.closedException());
    if (ownsRequester) {
      requester.close();
    }
    control.shutdown(this::unsubscribe, options.requestTimeout().plusSeconds(1));
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
    control.await(mqtt.awaitConnected(options.requestTimeout()));
    Object gen = new Object();
    Subscription sub = control.await(mqtt.subscribe(topics.eventFilters(), new EventListener(gen)));
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
      doc = control.await(client.get(ownTokens.add(client.newClientToken())));
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
    if (versions.fromGet(doc.version())) {
      LOG.info("shadow {}: document version went back to {}: it was re-created", name, doc.version());
    }
    synced = true;
    if (fullReportPending) {
      ShadowDocument accepted = control.await(client.update(new ShadowUpdateRequest(null, local.fullReported(),
          ownTokens.add(client.newClientToken()), null)));
      versions.seen(accepted.version());
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
    ShadowDocument accepted = control.await(client.update(request));
    versions.applied(accepted.version());
    synced = true;
    fullReportPending = false;
    LOG.info("shadow {}: document created from the local state (version {})", name, accepted.version());
  }

  /** Schedules one GET drain; requests made while one is already queued are folded into it. */
  private void queueResync(String why) {
    if (closed || !resyncQueued.compareAndSet(false, true)) {
      return;
    }
    boolean queued = control.execute(() -> {
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
        control.schedule(() -> queueResync(why), delay);
      }
    });
    if (!queued) {
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
        version = versions.known();
      }
      ObjectNode desiredPart = desired && !c.desired().isEmpty() ? c.desired() : null;
      ObjectNode reportedPart = c.reported().isEmpty() ? null : c.reported();
      try {
        ShadowDocument accepted = control.await(client.update(new ShadowUpdateRequest(desiredPart, reportedPart,
            ownTokens.add(client.newClientToken()), version)));
        versions.seen(accepted.version());
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
        versions.applied(version);
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
    versions.applied(version);
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
        versions.seen(v);
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
      versions.seen(delta.version());
      return;
    }
    if (delta.state().isEmpty()) {
      return;
    }
    if (!synced) {
      syncNow();
      return;
    }
    switch (versions.judge(delta.version())) {
      case STALE -> LOG.debug("shadow {}: delta v{} already covered by v{}", name, delta.version(),
          versions.applied());
      case CHECK_WITH_GET -> {
        LOG.debug("shadow {}: delta v{} is older than v{}; getting the document", name, delta.version(),
            versions.known());
        syncNow();
      }
      case APPLY -> applyAndAcknowledge(delta.state(), delta.version());
    }
  }


  private void onDocuments(MqttMessage message) {
    ShadowDocuments docs;
    try {
      docs = ShadowCodec.decodeDocuments(message.payload());
    } catch (IllegalArgumentException e) {
      LOG.warn("shadow {}: unreadable documents message ignored: {}", name, e.getMessage());
      return;
    }
    if (!versions.newDocuments(docs.current().version())) {
      return;
    }
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
    if (ownTokens.contains(deleted.clientToken()) || deleted.version() < versions.known()) {
      return;
    }
    LOG.info("shadow {}: deleted in the cloud (version {}); the next publish re-creates it", name,
        deleted.version());
    versions.reset();
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
      control.execute(() -> handle(message));
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

  private void unsubscribe() {
    Subscription sub = events;
    events = null;
    generation = new Object();
    if (sub != null) {
      sub.close();
    }
  }

  private void awaitQuietly(CompletableFuture<?> future) {
    try {
      control.await(future);
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
