package dev.thingbridge.twin;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.thingbridge.mqtt.MqttClient;
import dev.thingbridge.mqtt.MqttMessage;
import dev.thingbridge.mqtt.Subscription;
import dev.thingbridge.mqtt.SubscriptionFilter;
import dev.thingbridge.mqtt.SubscriptionListener;
import dev.thingbridge.mqtt.Topics;
import dev.thingbridge.mqtt.internal.NamedThreadFactory;
import dev.thingbridge.twin.http.Route;
import dev.thingbridge.twin.store.SyncMode;
import dev.thingbridge.twin.store.TwinStore;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.ReentrantLock;
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
 * could take back. A commit that fails answers the caller with an internal failure and reloads the services
 * from the store, dropping the change.
 *
 * <p>Concurrency: one lock serialises every device request, control-plane call and tick across all
 * services, so services hold no locks of their own. Replies are published while the lock is held (publish
 * never blocks), which keeps them in request order. Threads: the MQTT client's delivery threads call in;
 * {@code thingbridge-twin-tick} advances time-driven state.
 */
public final class Twin implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(Twin.class);

  private final MqttClient mqtt;
  private final Clock clock;
  private final TwinLimits limits;
  private final List<TwinService> services;
  private final Path stateDir;
  private final SyncMode sync;
  private final Duration tickInterval;
  private final ObjectMapper json = new ObjectMapper();
  private final ReentrantLock lock = new ReentrantLock();
  private final List<Subscription> subscriptions = new CopyOnWriteArrayList<>();
  private final ScheduledExecutorService ticker;
  private volatile TwinStore store;
  private volatile boolean closed;

  private Twin(Builder b) {
    this.mqtt = b.mqtt;
    this.clock = b.clock;
    this.limits = b.limits;
    this.services = List.copyOf(b.services);
    this.stateDir = b.stateDir;
    this.sync = b.sync;
    this.tickInterval = b.tickInterval;
    this.ticker = new ScheduledThreadPoolExecutor(1, new NamedThreadFactory("thingbridge-twin-tick", true));
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
    TwinStore opened = stateDir == null ? TwinStore.inMemory() : TwinStore.open(stateDir, sync);
    lock.lock();
    try {
      for (TwinService s : services) {
        if (s.schema() != null) {
          opened.migrate(s.schema());
        }
      }
      if (stateDir != null) {
        JsonStateImport.run(stateDir, opened, services, json, s -> new TwinOperation(s, json));
      }
      loadAll(opened);
    } catch (RuntimeException e) {
      opened.close();
      throw e;
    } finally {
      lock.unlock();
    }
    store = opened;
  }

  /** Reads every service's state from the store. Caller holds the lock. */
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
   * <p>The message goes out before the replies it causes. Each service handles it under the twin's lock and
   * saves its state as for a device request.
   *
   * @return completes when the broker has the message (QoS 1) or it is sent (QoS 0)
   */
  public CompletableFuture<Void> publish(MqttMessage message) {
    Objects.requireNonNull(message, "message");
    lock.lock();
    try {
      CompletableFuture<Void> sent = mqtt.publish(message);
      for (TwinService s : services) {
        if (s.filters().stream().anyMatch(f -> Topics.matches(f.filter(), message.topic()))) {
          runExclusive(s, out -> s.handle(message, out));
        }
      }
      return sent;
    } finally {
      lock.unlock();
    }
  }

  /** Runs one tick of every service now (tests use this with a stepped clock). */
  public void tickNow() {
    tickAll();
  }

  private SubscriptionListener listenerFor(TwinService service) {
    return new SubscriptionListener() {
      @Override
      public void onMessage(MqttMessage message) {
        runExclusive(service, out -> service.handle(message, out));
      }

      @Override
      public void onSessionLost() {
        log.warn("twin: the broker dropped the session; subscriptions renewed for {}", service.name());
      }
    };
  }

  private void tickAll() {
    if (closed) {
      return;
    }
    Instant now = clock.instant();
    for (TwinService s : services) {
      runExclusive(s, out -> s.tick(now, out));
    }
  }

  private void runExclusive(TwinService service, Function<TwinOutbox, Boolean> op) {
    lock.lock();
    try {
      TwinOperation o = new TwinOperation(service, json);
      boolean changed;
      try {
        changed = Boolean.TRUE.equals(op.apply(o));
      } catch (RuntimeException e) {
        log.warn("twin {}: request dropped after an internal error: {}", service.name(), e.toString(), e);
        return;
      }
      try {
        commit(o, changed);
      } catch (TwinCommitException e) {
        return;
      }
      publishAll(o);
    } finally {
      lock.unlock();
    }
  }

  /**
   * Commits what an operation changed; on failure reloads every service from the store (dropping the
   * change) and throws. Caller holds the lock.
   */
  private void commit(TwinOperation o, boolean changed) {
    try {
      o.saveSnapshotIfNeeded(changed);
      store.commit(o.changes());
    } catch (RuntimeException e) {
      o.discard();
      log.error("twin {}: change not saved, answered as an internal failure: {}", o.service().name(), e.getMessage());
      try {
        loadAll(store);
      } catch (RuntimeException reload) {
        log.error("twin: reloading the state after a failed commit failed too: {}", reload.getMessage());
      }
      throw new TwinCommitException("the change could not be saved: " + e.getMessage(), e);
    }
  }

  /** Publishes the replies of an operation whose changes are durable, in order. Caller holds the lock. */
  private void publishAll(TwinOperation o) {
    for (MqttMessage m : o.messages()) {
      mqtt.publish(m).whenComplete((v, e) -> {
        if (e != null && !closed) {
          log.warn("twin: reply on {} not delivered: {}", m.topic(), e.toString());
        }
      });
    }
  }

  /** Stops the clock, drops the subscriptions and closes the store; the MQTT client stays open (its owner closes it). */
  @Override
  public void close() {
    closed = true;
    ticker.shutdownNow();
    for (Subscription s : subscriptions) {
      s.close();
    }
    subscriptions.clear();
    lock.lock();
    try {
      TwinStore s = store;
      if (s != null) {
        s.close();
      }
    } finally {
      lock.unlock();
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
      lock.lock();
      try {
        TwinOperation o = new TwinOperation(service, json);
        R result = operation.apply(o);
        commit(o, true);
        publishAll(o);
        return result;
      } finally {
        lock.unlock();
      }
    }

    @Override
    public <R> R read(TwinService service, Supplier<R> operation) {
      lock.lock();
      try {
        return operation.get();
      } finally {
        lock.unlock();
      }
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
