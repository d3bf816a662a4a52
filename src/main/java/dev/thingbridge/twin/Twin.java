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
 * commands), answering devices over MQTT like AWS IoT Core does, with optional persistence.
 *
 * <p>The twin is an ordinary MQTT client: on the in-process bus it runs beside the component; attached to a
 * broker (Mosquitto) it serves every device on it. It subscribes with No Local so it never hears its own
 * replies.
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
  private final TwinStateStore store;
  private final Duration tickInterval;
  private final ReentrantLock lock = new ReentrantLock();
  private final List<Subscription> subscriptions = new CopyOnWriteArrayList<>();
  private final ScheduledExecutorService ticker;
  /** Replies of the operation in progress; sent only after its state is saved. Guarded by {@code lock}. */
  private final List<MqttMessage> pending = new ArrayList<>();
  private final TwinOutbox outbox;
  private volatile boolean closed;

  private Twin(Builder b) {
    this.mqtt = b.mqtt;
    this.clock = b.clock;
    this.limits = b.limits;
    this.services = List.copyOf(b.services);
    this.store = b.stateDir == null ? null : new TwinStateStore(b.stateDir, new ObjectMapper());
    this.tickInterval = b.tickInterval;
    this.ticker = new ScheduledThreadPoolExecutor(1, new NamedThreadFactory("thingbridge-twin-tick", true));
    this.outbox = pending::add;
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
   * Restores saved state, subscribes every service's topics and starts the clock. Completes when the twin
   * is ready to answer (every subscription acknowledged).
   */
  public CompletableFuture<Void> start() {
    if (store != null) {
      lock.lock();
      try {
        for (TwinService s : services) {
          store.load(s.name()).ifPresent(s::restore);
        }
      } finally {
        lock.unlock();
      }
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
      log.info("twin ready on {} with services {}", mqtt.clientId(),
          services.stream().map(TwinService::name).toList());
    });
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

  private boolean runExclusive(TwinService service, Function<TwinOutbox, Boolean> op) {
    lock.lock();
    try {
      boolean changed;
      try {
        changed = Boolean.TRUE.equals(op.apply(outbox));
      } catch (RuntimeException e) {
        pending.clear();
        log.warn("twin {}: request dropped after an internal error: {}", service.name(), e.toString(), e);
        return false;
      }
      if (changed) {
        save(service);
      }
      flushPending();
      return changed;
    } finally {
      lock.unlock();
    }
  }

  /**
   * Publishes the replies of the operation that just ran. They go out only after its state is saved, so a
   * device never sees an acknowledgement that a restart could take back; they go out under the lock, so
   * replies keep request order.
   */
  private void flushPending() {
    for (MqttMessage m : pending) {
      publishUnderLock(m);
    }
    pending.clear();
  }

  private void save(TwinService service) {
    if (store != null) {
      try {
        store.save(service.name(), service.snapshot());
      } catch (RuntimeException e) {
        log.error("twin {}: state not saved: {}", service.name(), e.getMessage());
      }
    }
  }

  private void publishUnderLock(MqttMessage message) {
    mqtt.publish(message).whenComplete((v, e) -> {
      if (e != null && !closed) {
        log.warn("twin: reply on {} not delivered: {}", message.topic(), e.toString());
      }
    });
  }

  /** Stops the clock and drops the subscriptions; the MQTT client stays open (its owner closes it). */
  @Override
  public void close() {
    closed = true;
    ticker.shutdownNow();
    for (Subscription s : subscriptions) {
      s.close();
    }
    subscriptions.clear();
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
        R result;
        try {
          result = operation.apply(outbox);
        } catch (RuntimeException e) {
          pending.clear();
          throw e;
        }
        save(service);
        flushPending();
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

    /** Keeps state in this directory across restarts (default: memory only). */
    public Builder stateDir(Path value) {
      this.stateDir = value;
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
