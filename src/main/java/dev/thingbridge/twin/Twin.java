package dev.thingbridge.twin;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.thingbridge.internal.NamedThreadFactory;
import dev.thingbridge.mqtt.MqttClient;
import dev.thingbridge.mqtt.MqttMessage;
import dev.thingbridge.mqtt.Subscription;
import dev.thingbridge.mqtt.SubscriptionFilter;
import dev.thingbridge.mqtt.SubscriptionListener;
import dev.thingbridge.mqtt.Topics;
import dev.thingbridge.mqtt.internal.DeliveryTurns;
import dev.thingbridge.mqtt.internal.HandOffListener;
import dev.thingbridge.mqtt.internal.UnobservedPublisher;
import dev.thingbridge.twin.http.Route;
import dev.thingbridge.twin.store.Changes;
import dev.thingbridge.twin.store.SyncMode;
import dev.thingbridge.twin.store.TwinStore;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.AbstractList;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.locks.Lock;
import java.util.concurrent.locks.ReentrantReadWriteLock;
import java.util.function.Function;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The local twin of the AWS IoT cloud: the cloud side of each {@link TwinService} (shadows, jobs,
 * commands), answering devices over MQTT like AWS IoT Core does, with its state in a {@link TwinStore}.
 *
 * <p>The twin is an ordinary MQTT client: on the in-process bus it runs beside the component; attached to a
 * broker (Mosquitto) it serves every device on it. It subscribes with No Local so it never hears its own
 * replies.
 *
 * <p>State: every service keeps its state in memory and writes the rows an operation changed; the twin
 * commits them to the store (the database in the state directory, or an in-memory one with the same tables)
 * before the operation's replies go out, so a device never sees an answer that a restart (even a kill -9)
 * could take back. Commits are grouped: operations queue their changes and one thread at a time commits
 * everything queued ({@link CommitPipeline}). A commit that fails answers its operations with the service's
 * internal error (InternalFailure over HTTP), reloads every service from the store, and so keeps the
 * previous state.
 *
 * <p>Concurrency: each thing's requests run one at a time in arrival order on a lane of the twin's pool
 * ({@code thingbridge-twin-N}); different things' requests run concurrently. A service that declares
 * {@link TwinService#concurrentByThing()} handles them under the shared side of the twin's lock, others, and
 * every control-plane call, read and tick, under its exclusive side. No lock is held across I/O: the commit
 * happens after the lock is released. {@code thingbridge-twin-tick} advances time-driven state.
 */
public final class Twin implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(Twin.class);
  /** How long a control-plane call waits for its change to be durable. */
  private static final Duration COMMIT_WAIT = Duration.ofSeconds(60);
  private static final String THINGS = "$aws/things/";
  private static final String COMMANDS = "$aws/commands/";

  private final MqttClient mqtt;
  private final Clock clock;
  private final TwinLimits limits;
  private final List<TwinService> services;
  private final Path stateDir;
  private final SyncMode sync;
  private final Duration tickInterval;
  private final TwinScript script;
  private final ObjectMapper json = new ObjectMapper();
  private final ReentrantReadWriteLock lock = new ReentrantReadWriteLock();
  private final List<Subscription> subscriptions = new CopyOnWriteArrayList<>();
  private final List<TwinChangeListener> changeListeners = new CopyOnWriteArrayList<>();
  private final ScheduledExecutorService ticker;
  private final ExecutorService pool;
  private final KeyedLanes lanes;
  private volatile TwinStore store;
  private volatile CommitPipeline pipeline;
  /** Why the twin refuses every change: the state could not be reloaded after a failed commit. */
  private volatile String broken;
  private volatile boolean closed;
  /**
   * Whether a request may be handled on the thread that delivers it when the twin is otherwise idle (see
   * {@link KeyedLanes#runHereIfIdle}): not with {@code --sync full}, whose fsync would hold up the network
   * thread for milliseconds.
   */
  private final boolean handleOnArrival;
  /**
   * Whether the client says when each burst it delivers ends ({@link DeliveryTurns}): then every quick request
   * is handled on the delivering thread and the burst's changes are committed once, at the end of the turn.
   */
  private final boolean inTurns;
  /** Delivering thread only: this turn queued a commit that it must lead when the turn ends. */
  private boolean turnMustLead;

  private Twin(Builder b) {
    this.mqtt = b.mqtt;
    this.clock = b.clock;
    this.limits = b.limits;
    this.services = List.copyOf(b.services);
    this.stateDir = b.stateDir;
    this.sync = b.sync;
    this.tickInterval = b.tickInterval;
    this.script = b.script;
    this.handleOnArrival = b.stateDir == null || b.sync != SyncMode.FULL;
    this.inTurns = handleOnArrival && b.mqtt instanceof DeliveryTurns;
    this.ticker = new ScheduledThreadPoolExecutor(1, new NamedThreadFactory("thingbridge-twin-tick", true));
    this.pool = Executors.newCachedThreadPool(new NamedThreadFactory("thingbridge-twin", true));
    this.lanes = new KeyedLanes(pool);
    TwinContext context = new Context();
    for (TwinService s : services) {
      s.attach(context);
    }
  }

  /** A builder for a twin that talks through {@code mqtt}. */
  public static Builder builder(MqttClient mqtt) {
    return new Builder(mqtt);
  }

  /**
   * Opens the store (creating or migrating its tables, importing the JSON state files of an older version),
   * loads every service, subscribes every service's topics and starts the clock. Completes when the twin is
   * ready to answer (every subscription acknowledged).
   *
   * @throws dev.thingbridge.twin.store.TwinStoreException (at once, not through the future) when the state
   *     directory cannot be used: not a directory, not writable, used by another twin, or a database of a
   *     newer version; the message is one line naming the directory and the reason
   */
  public CompletableFuture<Void> start() {
    openStore();
    if (inTurns) {
      ((DeliveryTurns) mqtt).onTurnEnd(this::endTurn);
    }
    List<CompletableFuture<Subscription>> subs = new ArrayList<>();
    for (TwinService s : services) {
      List<SubscriptionFilter> filters = s.filters().stream()
          .map(f -> new SubscriptionFilter(f.filter(), f.qos(), true))
          .toList();
      if (!filters.isEmpty()) {
        subs.add(mqtt.subscribe(filters, listenerFor(s)));
      }
    }
    return CompletableFuture.allOf(subs.toArray(CompletableFuture[]::new)).thenRun(() -> {
      subs.forEach(f -> subscriptions.add(f.join()));
      ticker.scheduleWithFixedDelay(this::tickAll, tickInterval.toMillis(), tickInterval.toMillis(),
          TimeUnit.MILLISECONDS);
      log.info("twin ready on {} with services {}, state in {}", mqtt.clientId(),
          services.stream().map(TwinService::name).toList(), store);
    });
  }

  private void openStore() {
    TwinStore opened = stateDir == null ? TwinStore.inMemory() : TwinStore.open(stateDir, sync,
        script == null ? null : script::refusesWrite);
    lock.writeLock().lock();
    try {
      for (TwinService s : services) {
        if (s.schema() != null) {
          opened.migrate(s.schema());
        }
      }
      if (stateDir != null) {
        JsonStateImport.run(stateDir, opened, services, json, s -> new TwinOperation(s, null, m -> {}));
      }
      loadAll(opened);
    } catch (RuntimeException e) {
      opened.close();
      throw e;
    } finally {
      lock.writeLock().unlock();
    }
    store = opened;
    pipeline = new CommitPipeline(opened, pool, this::recover, this::tellCommitted);
  }

  /** Reads every service's state from the store. Caller holds the lock exclusively. */
  private void loadAll(TwinStore from) {
    for (TwinService s : services) {
      if (s.schema() != null) {
        s.load(from);
      } else {
        from.snapshot(s.name()).ifPresent(text -> {
          try {
            s.restore(json.readTree(text));
          } catch (IOException e) {
            throw new IllegalStateException("twin " + s.name() + ": the saved state is unreadable: " + e.getMessage(), e);
          }
        });
      }
    }
  }

  /** The service of a type, for its plain-Java control-plane API. */
  public <T extends TwinService> T service(Class<T> type) {
    for (TwinService s : services) {
      if (type.isInstance(s)) {
        return type.cast(s);
      }
    }
    throw new IllegalArgumentException("this twin has no " + type.getSimpleName());
  }

  /** Every service's control-plane routes, for the HTTP server. */
  public List<Route> routes() {
    List<Route> all = new ArrayList<>();
    services.forEach(s -> all.addAll(s.routes()));
    return all;
  }

  /**
   * Tells {@code listener} about every row committed from now on (see {@link TwinChangeListener} for the
   * rules it must keep). Nothing is told about rows loaded at start.
   */
  public void addChangeListener(TwinChangeListener listener) {
    changeListeners.add(Objects.requireNonNull(listener, "listener"));
  }

  /** Stops telling {@code listener}. */
  public void removeChangeListener(TwinChangeListener listener) {
    changeListeners.remove(listener);
  }

  private void tellCommitted(Changes changes) {
    if (changeListeners.isEmpty()) {
      return;
    }
    // Built on demand: a listener that is not watching right now (the web console without a browser) looks at
    // none of them, and then this commit costs no objects.
    List<Changes.Write> writes = changes.writes();
    List<TwinChange> view = new AbstractList<>() {
      @Override
      public TwinChange get(int index) {
        Changes.Write w = writes.get(index);
        int keys = w.delete() ? w.values().length : w.table().keyColumns();
        return new TwinChange(w.table().name(), Arrays.asList(w.values()).subList(0, keys), w.delete());
      }

      @Override
      public int size() {
        return writes.size();
      }
    };
    for (TwinChangeListener l : changeListeners) {
      try {
        l.onCommitted(view);
      } catch (RuntimeException e) {
        log.warn("twin: a change listener failed: {}", e.toString());
      }
    }
  }

  /** The MQTT client the twin answers through. */
  public MqttClient mqtt() {
    return mqtt;
  }

  /**
   * The data plane's {@code Publish} (HTTP {@code POST /topics/{topic}}): publishes {@code message} on the
   * broker like any client, and hands it to every service whose filters match its topic, as a device
   * request. The twin subscribes with No Local and so never hears its own publishes from the broker; this is
   * how a control-plane publish on a shadow, jobs or commands request topic still reaches that service.
   *
   * <p>The message goes out before the replies it causes; it is handled in its thing's turn, like a device
   * request, before this method returns (its replies follow once its changes are durable).
   *
   * @return completes when the broker has the message (QoS 1) or it is sent (QoS 0)
   */
  public CompletableFuture<Void> publish(MqttMessage message) {
    Objects.requireNonNull(message, "message");
    CompletableFuture<Void> sent = mqtt.publish(message);
    List<TwinService> targets = services.stream()
        .filter(s -> s.filters().stream().anyMatch(f -> Topics.matches(f.filter(), message.topic())))
        .toList();
    if (!targets.isEmpty()) {
      CompletableFuture<Void> handled = new CompletableFuture<>();
      lanes.execute(orderingKey(message.topic()), () -> {
        try {
          targets.forEach(s -> handleRequest(s, message));
        } finally {
          handled.complete(null);
        }
      });
      await(handled, "handling a publish on " + message.topic());
    }
    return sent;
  }

  /** How many transactions the twin committed so far (batches, not requests); for tests. */
  long commits() {
    return pipeline.commits();
  }

  /** Runs one tick of every service now (tests use this with a stepped clock); returns once it is durable. */
  public void tickNow() {
    for (CompletableFuture<Void> done : tickAll()) {
      try {
        await(done, "a tick");
      } catch (TwinCommitException e) {
        log.debug("twin: a tick's changes were not saved: {}", e.getMessage());
      }
    }
  }

  private SubscriptionListener listenerFor(TwinService service) {
    // Hands each request to its thing's lane, or handles it at once when the service's handler is quick,
    // nothing else is going on and no lock or commit would make it wait (tryHandleHere), so the client may
    // call it on its network thread.
    return new HandOffListener() {
      @Override
      public void onMessage(MqttMessage message) {
        List<MqttMessage> scripted = script == null ? null : script.onRequest(message);
        String key = orderingKey(message.topic());
        if (scripted != null) {
          lanes.execute(key, () -> scripted.forEach(Twin.this::send));
        } else if (inTurns && service.handlesQuickly()) {
          lanes.runHereUnlessQueued(key, () -> tryHandleInTurn(service, message), () -> handleRequest(service, message));
        } else if (handleOnArrival && service.handlesQuickly()) {
          lanes.runHereIfIdle(key, () -> tryHandleHere(service, message), () -> handleRequest(service, message));
        } else {
          lanes.execute(key, () -> handleRequest(service, message));
        }
      }

      @Override
      public void onSessionLost() {
        log.warn("twin: the broker dropped the session; subscriptions renewed for {}", service.name());
      }
    };
  }

  /**
   * The key whose requests must stay in order: the thing (or commands client) a request topic names, so a
   * thing's shadow, jobs and commands requests share one lane.
   */
  static String orderingKey(String topic) {
    if (topic.startsWith(THINGS)) {
      int end = topic.indexOf('/', THINGS.length());
      return end < 0 ? topic.substring(THINGS.length()) : topic.substring(THINGS.length(), end);
    }
    if (topic.startsWith(COMMANDS)) {
      int first = topic.indexOf('/', COMMANDS.length());
      if (first < 0) {
        return "";
      }
      int second = topic.indexOf('/', first + 1);
      String kind = topic.substring(COMMANDS.length(), first);
      String name = second < 0 ? topic.substring(first + 1) : topic.substring(first + 1, second);
      return kind.equals("things") ? name : kind + ":" + name;
    }
    return "";
  }

  /** Handles one device request in its thing's lane. */
  private void handleRequest(TwinService service, MqttMessage message) {
    Lock l = lockFor(service);
    l.lock();
    handleLocked(service, message, l, true);
  }

  /**
   * Handles a request on the delivering thread if that waits for nothing: no commit under way (this thread
   * then commits it and publishes the replies itself) and the lock free at once. Returns false, having done
   * nothing, otherwise.
   */
  private boolean tryHandleHere(TwinService service, MqttMessage message) {
    if (!pipeline.isIdle()) {
      return false;
    }
    Lock l = lockFor(service);
    if (!l.tryLock()) {
      return false;
    }
    handleLocked(service, message, l, true);
    return true;
  }

  /**
   * Handles a request on the delivering thread if the lock is free at once, and leaves the commit to the end of
   * the turn ({@link #endTurn}), so that every request the turn delivers shares it. Returns false, having done
   * nothing, if the lock is taken.
   */
  private boolean tryHandleInTurn(TwinService service, MqttMessage message) {
    Lock l = lockFor(service);
    if (!l.tryLock()) {
      return false;
    }
    if (handleLocked(service, message, l, false)) {
      turnMustLead = true;
    }
    return true;
  }

  /** The delivering thread's turn ended: commit what it handled, and release the replies into its write. */
  private void endTurn() {
    if (turnMustLead) {
      turnMustLead = false;
      pipeline.lead();
    }
  }

  private Lock lockFor(TwinService service) {
    return service.concurrentByThing() ? lock.readLock() : lock.writeLock();
  }

  /**
   * Handles a request with {@code l} held and releases it; then commits if no other thread does and {@code
   * leadNow}. Returns whether the caller must lead the commit (only when not {@code leadNow}).
   */
  private boolean handleLocked(TwinService service, MqttMessage message, Lock l, boolean leadNow) {
    TwinOperation op = new TwinOperation(service, message, this::send);
    boolean lead;
    try {
      if (closed) {
        return false;
      }
      if (broken != null) {
        op.fail(new TwinCommitException(broken, null));
        return false;
      }
      boolean changed;
      try {
        changed = service.handle(message, op);
        op.saveSnapshotIfNeeded(changed, json);
      } catch (RuntimeException e) {
        log.warn("twin {}: request dropped after an internal error: {}", service.name(), e.toString(), e);
        return false;
      }
      lead = pipeline.submit(op);
    } finally {
      l.unlock();
    }
    if (lead && leadNow) {
      pipeline.lead();
      return false;
    }
    return lead;
  }

  /** Ticks every service, each as one operation; returns when each is released or failed. */
  private List<CompletableFuture<Void>> tickAll() {
    List<CompletableFuture<Void>> done = new ArrayList<>();
    if (closed || broken != null) {
      return done;
    }
    Instant now = clock.instant();
    for (TwinService s : services) {
      try {
        done.add(exclusively(s, op -> {
          op.saveSnapshotIfNeeded(s.tick(now, op), json);
          return null;
        }).done());
      } catch (RuntimeException e) {
        log.warn("twin {}: tick failed: {}", s.name(), e.toString(), e);
      }
    }
    return done;
  }

  /**
   * Runs {@code body} under the lock held exclusively as one operation of {@code service}, queues it for
   * commit and leads the commit if no one does. Returns the operation (its {@code done()} completes once
   * released); {@code body}'s exception propagates and nothing is queued.
   */
  private TwinOperation exclusively(TwinService service, Function<TwinOperation, Object> body) {
    TwinOperation op = new TwinOperation(service, null, this::send);
    boolean lead;
    lock.writeLock().lock();
    try {
      if (closed) {
        throw new IllegalStateException("the twin is closed");
      }
      if (broken != null) {
        throw new TwinCommitException(broken, null);
      }
      body.apply(op);
      lead = pipeline.submit(op);
    } finally {
      lock.writeLock().unlock();
    }
    if (lead) {
      pipeline.lead();
    }
    return op;
  }

  /**
   * A commit failed: under the exclusive lock (so every operation built on the failed state has been
   * queued), fails those and everything queued after them, then reloads every service from the store.
   */
  private void recover(List<TwinOperation> failed, RuntimeException cause) {
    lock.writeLock().lock();
    try {
      List<TwinOperation> all = new ArrayList<>(failed);
      all.addAll(pipeline.drainQueued());
      log.error("twin: a commit failed, {} operations answered with an internal failure: {}", all.size(),
          cause.getMessage());
      try {
        loadAll(store);
      } catch (RuntimeException reload) {
        broken = "the twin's state could not be reloaded after a failed commit (" + reload.getMessage()
            + "); restart it";
        log.error("twin: {}", broken);
      }
      for (TwinOperation op : all) {
        op.fail(cause);
      }
    } finally {
      lock.writeLock().unlock();
    }
  }

  private void send(MqttMessage m) {
    TwinScript.Fault fault = script == null ? null : script.onSend(m);
    if (fault == null) {
      deliver(m);
      return;
    }
    switch (fault.kind()) {
      case DROP -> log.debug("twin: {} dropped as scripted", m.topic());
      case DUPLICATE -> {
        deliver(m);
        deliver(m);
      }
      case DELAY -> {
        if (!closed) {
          ticker.schedule(() -> deliver(m), fault.delay().toNanos(), TimeUnit.NANOSECONDS);
        }
      }
      default -> deliver(m);
    }
  }

  private void deliver(MqttMessage m) {
    if (mqtt instanceof UnobservedPublisher direct) {
      // No thread switch per acknowledgement: nothing waits for a reply's PUBACK, only failures are logged.
      direct.publishUnobserved(m, e -> replyFailed(m, e));
    } else {
      mqtt.publish(m).whenComplete((v, e) -> {
        if (e != null) {
          replyFailed(m, e);
        }
      });
    }
  }

  private void replyFailed(MqttMessage m, Throwable e) {
    if (!closed) {
      log.warn("twin: reply on {} not delivered: {}", m.topic(), e.toString());
    }
  }

  /** Waits for an operation's commit; throws {@link TwinCommitException} if it failed. */
  private static void await(CompletableFuture<Void> done, String what) {
    try {
      done.get(COMMIT_WAIT.toMillis(), TimeUnit.MILLISECONDS);
    } catch (ExecutionException e) {
      if (e.getCause() instanceof RuntimeException r) {
        throw r;
      }
      throw new IllegalStateException(e.getCause());
    } catch (TimeoutException e) {
      throw new TwinCommitException(what + " was not saved within " + COMMIT_WAIT.toSeconds() + " s", e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new TwinCommitException("interrupted while " + what + " was being saved", e);
    }
  }

  /**
   * Stops the clock, drops the subscriptions, lets queued work finish and closes the store; the MQTT client
   * stays open (its owner closes it).
   */
  @Override
  public void close() {
    if (closed) {
      return;
    }
    ticker.shutdownNow();
    for (Subscription s : subscriptions) {
      s.close();
    }
    subscriptions.clear();
    try {
      CommitPipeline p = pipeline;
      if (p != null && !p.awaitIdle(5_000)) {
        log.warn("twin: closing with commits still under way");
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    lock.writeLock().lock();
    try {
      closed = true;
      TwinStore s = store;
      if (s != null) {
        s.close();
      }
    } finally {
      lock.writeLock().unlock();
    }
    pool.shutdown();
    try {
      if (!pool.awaitTermination(5, TimeUnit.SECONDS)) {
        pool.shutdownNow();
      }
    } catch (InterruptedException e) {
      pool.shutdownNow();
      Thread.currentThread().interrupt();
    }
  }

  private final class Context implements TwinContext {
    @Override
    public Instant now() {
      return clock.instant();
    }

    @Override
    public TwinLimits limits() {
      return limits;
    }

    @Override
    public <R> R exclusive(TwinService service, Function<TwinOutbox, R> operation) {
      Object[] result = new Object[1];
      TwinOperation op = exclusively(service, o -> {
        result[0] = operation.apply(o);
        o.saveSnapshotIfNeeded(true, json);
        return null;
      });
      await(op.done(), "a " + service.name() + " operation");
      @SuppressWarnings("unchecked")
      R r = (R) result[0];
      return r;
    }

    @Override
    public <R> R read(TwinService service, Supplier<R> operation) {
      Object[] result = new Object[1];
      // Queued like a change, so the answer goes out only once everything it may have seen is durable.
      TwinOperation op = exclusively(service, o -> {
        result[0] = operation.get();
        return null;
      });
      await(op.done(), "a " + service.name() + " read");
      @SuppressWarnings("unchecked")
      R r = (R) result[0];
      return r;
    }

    @Override
    public CompletableFuture<Void> publish(TwinService service, MqttMessage message) {
      return Twin.this.publish(message);
    }
  }

  /** Builds a {@link Twin}. */
  public static final class Builder {
    private final MqttClient mqtt;
    private Clock clock = Clock.systemUTC();
    private TwinLimits limits = TwinLimits.RELAXED;
    private Path stateDir;
    private SyncMode sync = SyncMode.NORMAL;
    private Duration tickInterval = Duration.ofSeconds(1);
    private final List<TwinService> services = new ArrayList<>();
    private TwinScript script;

    private Builder(MqttClient mqtt) {
      this.mqtt = Objects.requireNonNull(mqtt, "mqtt");
    }

    /** The clock for timestamps and timeouts (default: system UTC). */
    public Builder clock(Clock value) {
      this.clock = Objects.requireNonNull(value);
      return this;
    }

    /** The limits to enforce (default {@link TwinLimits#RELAXED}). */
    public Builder limits(TwinLimits value) {
      this.limits = Objects.requireNonNull(value);
      return this;
    }

    /** Keeps state in {@code twin.db} in this directory across restarts (default: an in-memory database). */
    public Builder stateDir(Path value) {
      this.stateDir = value;
      return this;
    }

    /** How commits are synced to disk with a state directory (default {@link SyncMode#NORMAL}). */
    public Builder sync(SyncMode value) {
      this.sync = Objects.requireNonNull(value);
      return this;
    }

    /** How often time-driven state advances (default 1 s). */
    public Builder tickInterval(Duration value) {
      if (value.isNegative() || value.isZero()) {
        throw new IllegalArgumentException("tick interval must be positive");
      }
      this.tickInterval = value;
      return this;
    }

    /**
     * Lets {@code value} script replies, record requests and inject faults (tests; default none, and then the
     * twin keeps no history).
     */
    public Builder script(TwinScript value) {
      this.script = Objects.requireNonNull(value);
      return this;
    }

    /** Adds a service. */
    public Builder service(TwinService value) {
      services.add(Objects.requireNonNull(value));
      return this;
    }

    public Twin build() {
      return new Twin(this);
    }
  }
}
