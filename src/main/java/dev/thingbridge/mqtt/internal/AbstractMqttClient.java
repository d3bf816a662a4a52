package dev.thingbridge.mqtt.internal;

import dev.thingbridge.internal.Futures;
import dev.thingbridge.internal.NamedThreadFactory;
import dev.thingbridge.mqtt.ConnectionListener;
import dev.thingbridge.mqtt.ConnectionState;
import dev.thingbridge.mqtt.MqttClient;
import dev.thingbridge.mqtt.MqttClosedException;
import dev.thingbridge.mqtt.MqttLimits;
import dev.thingbridge.mqtt.MqttMessage;
import dev.thingbridge.mqtt.MqttNotConnectedException;
import dev.thingbridge.mqtt.MqttPayloadTooLargeException;
import dev.thingbridge.mqtt.MqttTimeoutException;
import dev.thingbridge.mqtt.QoS;
import dev.thingbridge.mqtt.Subscription;
import dev.thingbridge.mqtt.SubscriptionFilter;
import dev.thingbridge.mqtt.SubscriptionListener;
import dev.thingbridge.mqtt.Topics;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What every backend shares: argument and limit checks, fan-out of inbound messages to local
 * subscriptions in order, reference-counted broker subscriptions, renewal of subscriptions after a lost
 * session, and hand-off of every callback and future completion to the client's own threads.
 *
 * <p>A backend implements the four {@code do*} transport operations and reports what its transport sees
 * through {@link #deliver}, {@link #connected} and {@link #disconnected}. {@link #deliver} must be called
 * in arrival order (from one thread at a time); it only enqueues and never blocks.
 *
 * <p>Concurrency: {@code lock} guards {@code brokerFilters} and the subscribe/unsubscribe bookkeeping;
 * {@code subscriptions} is copy-on-write so delivery takes no lock. Threads: {@code
 * thingbridge-mqtt-<id>-N} (delivery and completions, cached) and {@code thingbridge-mqtt-<id>-timer}.
 */
public abstract class AbstractMqttClient implements MqttClient, UnobservedPublisher {
  private static final Logger log = LoggerFactory.getLogger(AbstractMqttClient.class);

  private final String clientId;
  private final MqttLimits limits;
  private final ExecutorService callbacks;
  /**
   * Completions of the futures this client returns, handed over from network threads: a burst of
   * acknowledgements is completed in one turn of the pool instead of one thread switch each.
   */
  private final SerialExecutor completions;
  private final ScheduledExecutorService timer;
  private final Object lock = new Object();
  private final Map<String, BrokerFilter> brokerFilters = new HashMap<>();
  private final List<LocalSubscription> subscriptions = new CopyOnWriteArrayList<>();
  /** {@code subscriptions} indexed by topic; replaced under {@code lock} whenever they change. */
  private volatile SubscriptionIndex index = SubscriptionIndex.EMPTY;
  private final List<ConnectionListener> connectionListeners = new CopyOnWriteArrayList<>();
  private final int pullQueueCapacity;

  private final HeldPublishes held;

  private volatile ConnectionState state = ConnectionState.CONNECTING;
  private volatile CompletableFuture<Void> connectedSignal = new CompletableFuture<>();
  private boolean everConnected;
  /** Counts renewals after a lost session, so that only the latest one releases the held publishes. */
  private long renewals;

  /** How long a QoS 1 publish waits for a lost connection when a backend does not say: {@value} s. */
  public static final int DEFAULT_OFFLINE_HOLD_SECONDS = 10;

  protected AbstractMqttClient(String clientId, MqttLimits limits, int pullQueueCapacity) {
    this(clientId, limits, pullQueueCapacity, Duration.ofSeconds(DEFAULT_OFFLINE_HOLD_SECONDS));
  }

  /**
   * @param offlineHold how long a QoS 1 publish made while the client is not connected waits for the
   *     connection before it fails with {@link MqttNotConnectedException}
   */
  protected AbstractMqttClient(String clientId, MqttLimits limits, int pullQueueCapacity, Duration offlineHold) {
    if (offlineHold.isNegative() || offlineHold.isZero()) {
      throw new IllegalArgumentException("offline hold must be positive");
    }
    this.clientId = clientId;
    this.limits = limits;
    this.pullQueueCapacity = pullQueueCapacity;
    String name = "thingbridge-mqtt-" + abbreviate(clientId);
    this.callbacks = Executors.newCachedThreadPool(new NamedThreadFactory(name, true));
    this.completions = new SerialExecutor(callbacks, true);
    ScheduledThreadPoolExecutor t = new ScheduledThreadPoolExecutor(1, new NamedThreadFactory(name + "-timer", true));
    t.setRemoveOnCancelPolicy(true);
    this.timer = t;
    this.held = new HeldPublishes(lock, t, offlineHold);
  }

  // ---- transport operations a backend provides ----

  /** Sends a publish; completes on PUBACK (QoS 1) or hand-off (QoS 0). May complete on any thread. */
  protected abstract CompletableFuture<Void> doPublish(MqttMessage message);

  /** Subscribes the broker to one filter (or replaces its options); completes on SUBACK. */
  protected abstract CompletableFuture<Void> doSubscribe(SubscriptionFilter filter);

  /** Unsubscribes the broker from one filter; completes on UNSUBACK. */
  protected abstract CompletableFuture<Void> doUnsubscribe(String filter);

  /** Releases the transport. Called once, from {@link #close()}. */
  protected abstract void doClose();

  // ---- what a backend reports ----

  /** An inbound message. Fans out to every local subscription with a matching filter. */
  protected final void deliver(MqttMessage message) {
    index.forEachMatch(message.topic(), (s, granted) -> s.offer(message.withQos(granted.min(message.qos()))));
  }

  /**
   * An inbound message that arrived on the stream of one broker filter, for transports with one stream per
   * filter (Greengrass IPC): a message matching several filters arrives once per stream, so each local
   * subscription takes it only from the stream of the first of its filters that matches.
   */
  protected final void deliver(MqttMessage message, String brokerFilter) {
    for (LocalSubscription s : subscriptions) {
      QoS granted = s.qosVia(brokerFilter, message.topic());
      if (granted != null) {
        s.offer(message.withQos(granted.min(message.qos())));
      }
    }
  }

  /**
   * The transport connected. Renews subscriptions and signals session loss if the broker lost it. After a lost
   * session, QoS 1 publishes (those held during the outage and new ones) wait until the renewed subscriptions are
   * acknowledged: a request sent earlier would be answered on a topic nobody subscribes to yet, and the broker
   * drops the answer although it acted on the request.
   */
  protected final void connected(boolean sessionPresent) {
    boolean lost;
    boolean drain = false;
    List<SubscriptionFilter> renew = List.of();
    long renewal = 0;
    synchronized (lock) {
      if (state == ConnectionState.CLOSED) {
        return;
      }
      lost = everConnected && !sessionPresent;
      everConnected = true;
      state = ConnectionState.CONNECTED;
      if (lost) {
        renew = brokerFilters.values().stream().map(BrokerFilter::filter).toList();
      }
      renewal = ++renewals;
      // Under the lock, so that a publish made from now on is held until the subscriptions are back.
      held.resubscribing(!renew.isEmpty());
      // Under the lock, so that a publish made from now on queues behind the ones held during the outage.
      drain = held.startDraining();
    }
    // Listeners first, then the signal: a listener added once awaitConnected returns must not hear this
    // connection, only later ones.
    for (ConnectionListener l : connectionListeners) {
      callbacks.execute(() -> l.onConnected(sessionPresent));
    }
    connectedSignal.complete(null);
    if (drain) {
      callbacks.execute(this::drainHeld);
    }
    if (lost) {
      renewAfterSessionLoss(renew, renewal);
    }
  }

  private void drainHeld() {
    held.drain(m -> doPublish(m).exceptionallyCompose(e -> holdIfConnectionJustDropped(m, e)),
        () -> state == ConnectionState.CONNECTED);
  }

  /** The transport lost its connection and is reconnecting. */
  protected final void disconnected(String reason) {
    synchronized (lock) {
      if (state != ConnectionState.CONNECTED) {
        return;
      }
      state = ConnectionState.CONNECTING;
      connectedSignal = new CompletableFuture<>();
    }
    log.info("mqtt client {} disconnected: {}", clientId, reason);
    for (ConnectionListener l : connectionListeners) {
      callbacks.execute(() -> l.onDisconnected(reason));
    }
  }

  private void renewAfterSessionLoss(List<SubscriptionFilter> filters, long renewal) {
    log.info("mqtt client {}: broker dropped the session, renewing {} subscriptions", clientId, filters.size());
    List<CompletableFuture<Void>> renewed = new ArrayList<>();
    for (SubscriptionFilter f : filters) {
      renewed.add(doSubscribe(f).exceptionally(e -> {
        log.warn("mqtt client {}: could not renew subscription {}: {}", clientId, f.filter(), e.toString());
        return null;
      }));
    }
    CompletableFuture<Void> all = CompletableFuture.allOf(renewed.toArray(CompletableFuture[]::new));
    // Publishes wait for the renewals at most as long as they wait for a lost connection.
    try {
      var cap = timer.schedule(() -> resubscribed(renewal), held.holdMillis(), TimeUnit.MILLISECONDS);
      all.whenComplete((ok, e) -> cap.cancel(false));
    } catch (java.util.concurrent.RejectedExecutionException closing) {
      // closed: nothing is held any more
    }
    all.whenCompleteAsync((ok, e) -> {
      resubscribed(renewal);
      subscriptions.forEach(LocalSubscription::signalSessionLost);
    }, callbacks);
  }

  /** The subscriptions of renewal number {@code renewal} are back (or given up on): send what waited for them. */
  private void resubscribed(long renewal) {
    boolean drain;
    synchronized (lock) {
      if (renewal != renewals || state != ConnectionState.CONNECTED) {
        return; // a later connection renews again, or the connection is gone: the next one sends them
      }
      held.resubscribing(false);
      drain = held.startDraining();
    }
    if (drain) {
      try {
        callbacks.execute(this::drainHeld);
      } catch (java.util.concurrent.RejectedExecutionException closing) {
        // closed: close() failed what was held
      }
    }
  }

  // ---- MqttClient ----

  @Override
  public final String clientId() {
    return clientId;
  }

  @Override
  public final ConnectionState state() {
    return state;
  }

  @Override
  public final MqttLimits limits() {
    return limits;
  }

  @Override
  public final CompletableFuture<Void> awaitConnected(Duration timeout) {
    if (state == ConnectionState.CLOSED) {
      return CompletableFuture.failedFuture(new MqttClosedException("client " + clientId + " is closed"));
    }
    return withTimeout(connectedSignal, timeout, "connect of " + clientId);
  }

  @Override
  public final CompletableFuture<Void> publish(MqttMessage message) {
    CompletableFuture<Void> sent = send(message);
    // Refused at once (closed, too large): the caller's own thread may see it, as before.
    if (sent.isCompletedExceptionally()) {
      return CompletableFuture.failedFuture(Futures.unwrap(sent.handle((ok, e) -> e).join()));
    }
    return handOff(sent);
  }

  @Override
  public final void publishUnobserved(MqttMessage message, Consumer<Throwable> onFailure) {
    CompletableFuture<Void> sent;
    try {
      sent = send(message);
    } catch (RuntimeException e) {
      completions.execute(() -> onFailure.accept(e));
      return;
    }
    // Completes on the network thread when acknowledged: only a failure is handed over.
    sent.whenComplete((ok, e) -> {
      if (e != null) {
        completions.execute(() -> onFailure.accept(Futures.unwrap(e)));
      }
    });
  }

  /** A publish as the transport completes it, on whatever thread; callers hand the completion over. */
  private CompletableFuture<Void> send(MqttMessage message) {
    Topics.requireValidTopic(message.topic(), limits.maxTopicBytes());
    if (state == ConnectionState.CLOSED) {
      return CompletableFuture.failedFuture(new MqttClosedException("client " + clientId + " is closed"));
    }
    if (message.payload().length > limits.maxPayloadBytes()) {
      return CompletableFuture.failedFuture(
          new MqttPayloadTooLargeException(message.topic(), message.payload().length, limits.maxPayloadBytes()));
    }
    if (message.qos() != QoS.AT_LEAST_ONCE) {
      return doPublish(message);
    }
    synchronized (lock) {
      if (state == ConnectionState.CLOSED) {
        return CompletableFuture.failedFuture(new MqttClosedException("client " + clientId + " is closed"));
      }
      if (state != ConnectionState.CONNECTED || held.mustQueue()) {
        return held.hold(message);
      }
    }
    return doPublish(message).exceptionallyCompose(e -> holdIfConnectionJustDropped(message, e));
  }

  /**
   * A QoS 1 publish that failed because the transport dropped before this client heard of it: held like one
   * made during the outage, instead of failing a caller who published while the client looked connected.
   */
  private CompletableFuture<Void> holdIfConnectionJustDropped(MqttMessage message, Throwable error) {
    Throwable cause = Futures.unwrap(error);
    if (cause instanceof MqttNotConnectedException) {
      synchronized (lock) {
        if (state == ConnectionState.CONNECTING) {
          return held.hold(message);
        }
      }
    }
    return CompletableFuture.failedFuture(cause);
  }

  @Override
  public final CompletableFuture<Subscription> subscribe(
      List<SubscriptionFilter> filters, SubscriptionListener listener) {
    return subscribeInternal(filters, listener);
  }

  @Override
  public final CompletableFuture<Subscription> subscribe(List<SubscriptionFilter> filters) {
    return subscribeInternal(filters, null);
  }

  private CompletableFuture<Subscription> subscribeInternal(
      List<SubscriptionFilter> filters, SubscriptionListener listener) {
    if (filters.isEmpty()) {
      throw new IllegalArgumentException("subscribe needs at least one filter");
    }
    for (SubscriptionFilter f : filters) {
      Topics.requireValidFilter(f.filter(), limits.maxTopicBytes());
    }
    LocalSubscription sub = new LocalSubscription(this, filters, listener, callbacks, pullQueueCapacity);
    List<CompletableFuture<Void>> acks = new ArrayList<>();
    synchronized (lock) {
      if (state == ConnectionState.CLOSED) {
        return CompletableFuture.failedFuture(new MqttClosedException("client " + clientId + " is closed"));
      }
      // Registered before the SUBSCRIBE goes out: the broker sends retained messages right after its SUBACK,
      // and on a fast link they can arrive before this thread gets further.
      subscriptions.add(sub);
      index = new SubscriptionIndex(subscriptions);
      for (SubscriptionFilter f : filters) {
        acks.add(retain(f));
      }
    }
    CompletableFuture<Subscription> result = new CompletableFuture<>();
    CompletableFuture.allOf(acks.toArray(CompletableFuture[]::new)).whenCompleteAsync((ok, error) -> {
      if (error == null) {
        result.complete(sub);
      } else {
        release(sub);
        sub.end(new MqttClosedException("subscribe failed"));
        result.completeExceptionally(Futures.unwrap(error));
      }
    }, callbacks);
    return result;
  }

  /** Counts one more user of a broker filter; subscribes the broker when needed. Caller holds lock. */
  private CompletableFuture<Void> retain(SubscriptionFilter wanted) {
    BrokerFilter current = brokerFilters.get(wanted.filter());
    if (current == null) {
      BrokerFilter created = new BrokerFilter(wanted, 1, doSubscribe(wanted));
      brokerFilters.put(wanted.filter(), created);
      return created.acked();
    }
    SubscriptionFilter merged = new SubscriptionFilter(
        wanted.filter(), current.filter().qos().level() >= wanted.qos().level() ? current.filter().qos() : wanted.qos(),
        current.filter().noLocal() && wanted.noLocal());
    CompletableFuture<Void> acked = merged.equals(current.filter())
        ? current.acked()
        : current.acked().handle((v, e) -> null).thenCompose(v -> doSubscribe(merged));
    brokerFilters.put(wanted.filter(), new BrokerFilter(merged, current.users() + 1, acked));
    return acked;
  }

  /** Removes a subscription; unsubscribes the broker from filters nobody uses any more. */
  final CompletableFuture<Void> release(LocalSubscription sub) {
    List<String> unused = new ArrayList<>();
    synchronized (lock) {
      if (!subscriptions.remove(sub)) {
        return CompletableFuture.completedFuture(null);
      }
      index = new SubscriptionIndex(subscriptions);
      for (SubscriptionFilter f : sub.filters()) {
        BrokerFilter current = brokerFilters.get(f.filter());
        if (current == null) {
          continue;
        }
        if (current.users() <= 1) {
          brokerFilters.remove(f.filter());
          unused.add(f.filter());
        } else {
          brokerFilters.put(f.filter(), new BrokerFilter(current.filter(), current.users() - 1, current.acked()));
        }
      }
      if (state == ConnectionState.CLOSED) {
        return CompletableFuture.completedFuture(null);
      }
    }
    List<CompletableFuture<Void>> done = new ArrayList<>();
    for (String filter : unused) {
      done.add(doUnsubscribe(filter));
    }
    return handOff(CompletableFuture.allOf(done.toArray(CompletableFuture[]::new)));
  }

  @Override
  public final void addConnectionListener(ConnectionListener listener) {
    connectionListeners.add(Objects.requireNonNull(listener, "listener"));
  }

  @Override
  public final void removeConnectionListener(ConnectionListener listener) {
    connectionListeners.remove(listener);
  }

  @Override
  public final void close() {
    synchronized (lock) {
      if (state == ConnectionState.CLOSED) {
        return;
      }
      state = ConnectionState.CLOSED;
      brokerFilters.clear();
      held.failAll(new MqttClosedException("client " + clientId + " is closed"));
    }
    connectedSignal.completeExceptionally(new MqttClosedException("client " + clientId + " is closed"));
    for (LocalSubscription s : subscriptions) {
      s.end(new MqttClosedException("client " + clientId + " is closed"));
    }
    subscriptions.clear();
    index = SubscriptionIndex.EMPTY;
    try {
      doClose();
    } catch (RuntimeException e) {
      log.warn("mqtt client {}: error while closing: {}", clientId, e.toString());
    } finally {
      timer.shutdownNow();
      callbacks.shutdown();
      try {
        if (!callbacks.awaitTermination(2, TimeUnit.SECONDS)) {
          callbacks.shutdownNow();
        }
      } catch (InterruptedException e) {
        callbacks.shutdownNow();
        Thread.currentThread().interrupt();
      }
    }
  }

  // ---- helpers for backends ----

  /** The client's scheduler, for backend timers (reconnect, linger). Never run blocking work on it. */
  protected final ScheduledExecutorService timer() {
    return timer;
  }

  /** The client's callback pool. */
  protected final ExecutorService callbackExecutor() {
    return callbacks;
  }

  /**
   * A future that completes like {@code source} but on the client's threads, never on a network thread.
   * Completions run one at a time in the order their sources completed, so what arrives together is handed
   * over together; a callback on such a future must not block waiting for another of this client's futures
   * (compose them instead).
   */
  protected final <T> CompletableFuture<T> handOff(CompletableFuture<T> source) {
    CompletableFuture<T> out = new CompletableFuture<>();
    source.whenComplete((v, e) -> completions.execute(() -> {
      if (e == null) {
        out.complete(v);
      } else {
        out.completeExceptionally(Futures.unwrap(e));
      }
    }));
    return out;
  }

  /** {@code source}, failed with {@link MqttTimeoutException} if it has not completed in time. */
  public final <T> CompletableFuture<T> withTimeout(CompletableFuture<T> source, Duration timeout, String what) {
    CompletableFuture<T> out = handOff(source);
    if (out.isDone()) {
      return out;
    }
    try {
      var task = timer.schedule(
          () -> out.completeExceptionally(new MqttTimeoutException(what, timeout)), timeout.toMillis(),
          TimeUnit.MILLISECONDS);
      out.whenComplete((v, e) -> task.cancel(false));
    } catch (java.util.concurrent.RejectedExecutionException closed) {
      out.completeExceptionally(new MqttClosedException("client " + clientId + " is closed"));
    }
    return out;
  }

  private static String abbreviate(String id) {
    return id.length() <= 24 ? id : id.substring(0, 24);
  }

  /** A filter as the broker knows it, with how many local subscriptions use it. */
  private record BrokerFilter(SubscriptionFilter filter, int users, CompletableFuture<Void> acked) {}
}
