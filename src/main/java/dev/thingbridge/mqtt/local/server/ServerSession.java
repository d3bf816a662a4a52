package dev.thingbridge.mqtt.local.server;

import dev.thingbridge.mqtt.MqttMessage;
import dev.thingbridge.mqtt.QoS;
import dev.thingbridge.mqtt.SubscriptionFilter;
import dev.thingbridge.mqtt.local.LocalBroker;
import dev.thingbridge.mqtt.codec.Packet.Publish;
import dev.thingbridge.mqtt.codec.ReasonCodes;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ScheduledFuture;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One client's MQTT session: its subscriptions with their MQTT 5 options, the messages waiting for it and
 * the QoS 1 publishes it has not acknowledged. It sits on the bus under the client id and outlives the
 * network connection for as long as its session expiry says.
 *
 * <p>Bounded: queued plus in-flight messages never exceed the server's per-session count and byte limits. A
 * message arriving at a full session is dropped (QoS 0 and 1 alike, counted and logged): the bus never
 * waits for a slow consumer. While the client is offline only QoS 1 messages are kept, as on AWS IoT.
 *
 * <p>Thread-safety: the bus calls in on any publisher's thread while holding its routing lock, the
 * connection's I/O thread drains and acknowledges, the server's timer ends expired sessions. Every field
 * is guarded by {@code this}, which is a leaf lock: nothing is called out while holding it except the
 * non-blocking {@link Connection#requestFlush()}.
 */
final class ServerSession implements LocalBroker.Endpoint {
  private static final Logger log = LoggerFactory.getLogger(ServerSession.class);

  /** The options of one subscription that the bus does not keep. */
  record Options(QoS qos, boolean noLocal, boolean retainAsPublished, int subscriptionId) {}

  private final String clientId;
  private final MqttServerOptions limits;
  private final HeldMessages serverHeld;
  private final SessionRegistry registry;
  private LocalBroker.Attachment attachment;
  private final Map<String, Options> subscriptions = new LinkedHashMap<>();
  private final ArrayDeque<Outgoing> queue = new ArrayDeque<>();
  private final LinkedHashMap<Integer, Outgoing> inFlight = new LinkedHashMap<>();
  private final ArrayDeque<Outgoing> resend = new ArrayDeque<>();
  private Connection connection;
  private int nextPacketId = 1;
  private long heldBytes;
  private boolean dropping;
  private long droppedWhileFull;
  private boolean ended;
  private boolean lostByBus;
  /** Seconds the session outlives its connection; 0xFFFFFFFF would be never, but the server caps it. */
  private long expirySeconds;
  private ScheduledFuture<?> expiryTask;
  private PendingWill pendingWill;

  /** A will waiting for its delay, and the timer that will publish it. */
  record PendingWill(MqttMessage message, ScheduledFuture<?> task) {}

  ServerSession(String clientId, MqttServerOptions limits, HeldMessages serverHeld, SessionRegistry registry) {
    this.clientId = clientId;
    this.limits = limits;
    this.serverHeld = serverHeld;
    this.registry = registry;
  }

  String clientId() {
    return clientId;
  }

  synchronized void attached(LocalBroker.Attachment value) {
    this.attachment = value;
  }

  synchronized LocalBroker.Attachment attachment() {
    return attachment;
  }

  // ---- the bus ----

  @Override
  public void onPublish(MqttMessage published, List<SubscriptionFilter> matched) {
    Connection wake;
    synchronized (this) {
      QoS granted = QoS.AT_MOST_ONCE;
      boolean retain = false;
      List<Integer> ids = new ArrayList<>(1);
      for (SubscriptionFilter f : matched) {
        Options o = subscriptions.get(f.filter());
        QoS q = o != null ? o.qos() : f.qos();
        granted = q.level() > granted.level() ? q : granted;
        if (o != null) {
          retain |= o.retainAsPublished() && published.retain();
          if (o.subscriptionId() != 0) {
            ids.add(o.subscriptionId());
          }
        }
      }
      wake = enqueue(published.withQos(granted.min(published.qos())), retain, ids);
    }
    if (wake != null) {
      wake.requestFlush();
    }
  }

  @Override
  public void onRetained(MqttMessage retained, SubscriptionFilter filter) {
    Connection wake;
    synchronized (this) {
      Options o = subscriptions.get(filter.filter());
      int id = o != null ? o.subscriptionId() : 0;
      wake = enqueue(retained, true, id != 0 ? List.of(id) : List.of());
    }
    if (wake != null) {
      wake.requestFlush();
    }
  }

  @Override
  public void onTakenOver() {
    Connection c;
    synchronized (this) {
      ended = true;
      c = connection;
      connection = null;
      cancelExpiry();
      clear();
    }
    registry.forget(this);
    log.info("mqtt server: session {} taken over by an in-process client with the same id", clientId);
    if (c != null) {
      c.closeFromAnyThread(ReasonCodes.SESSION_TAKEN_OVER, "session taken over");
    }
  }

  @Override
  public void onBusStopped() {
    Connection c;
    synchronized (this) {
      c = connection;
    }
    if (c != null) {
      // Like a broker restarting: 0x8B. 0x88 "server unavailable" exists only in CONNACK.
      c.closeFromAnyThread(ReasonCodes.SERVER_SHUTTING_DOWN, "the bus stopped");
    }
  }

  @Override
  public synchronized void onBusStarted(boolean sessionKept) {
    if (!sessionKept) {
      lostByBus = true; // the bus forgot the filters: the next CONNECT starts a new session
    }
  }

  /** Enqueues under the lock; returns the connection to wake, if any. */
  private Connection enqueue(MqttMessage message, boolean retain, List<Integer> subscriptionIds) {
    if (ended || (connection == null && message.qos() == QoS.AT_MOST_ONCE)) {
      return null;
    }
    Outgoing o = new Outgoing(message, retain, subscriptionIds, System.nanoTime());
    boolean sessionFull = held() >= limits.maxQueuedMessages() || heldBytes + o.bytes() > limits.maxQueuedBytes();
    if (sessionFull || !serverHeld.reserve(o.bytes())) {
      serverHeld.dropped();
      droppedWhileFull++;
      if (!dropping) {
        dropping = true;
        log.warn("mqtt server: client {} is not keeping up ({} messages, {} bytes held{}); dropping new messages"
            + " for it until it catches up", clientId, held(), heldBytes,
            sessionFull ? "" : ", and all sessions together hold the server's limit");
      }
      return null;
    }
    queue.add(o);
    heldBytes += o.bytes();
    return connection;
  }

  private int held() {
    return queue.size() + inFlight.size();
  }

  private void release(Outgoing o) {
    heldBytes -= o.bytes();
    serverHeld.release(o.bytes());
    if (dropping && held() <= limits.maxQueuedMessages() / 2 && heldBytes <= limits.maxQueuedBytes() / 2) {
      dropping = false;
      log.info("mqtt server: client {} caught up; {} messages were dropped for it", clientId, droppedWhileFull);
      droppedWhileFull = 0;
    }
  }

  // ---- subscriptions (the connection's I/O thread) ----

  /** Records a subscription's options; returns whether it existed before, or null when over the limit. */
  synchronized Boolean putSubscription(String filter, Options options) {
    boolean existed = subscriptions.containsKey(filter);
    if (!existed && subscriptions.size() >= limits.maxSubscriptionsPerSession()) {
      return null;
    }
    subscriptions.put(filter, options);
    return existed;
  }

  /** Forgets a subscription's options; returns whether there was one. */
  synchronized boolean removeSubscription(String filter) {
    return subscriptions.remove(filter) != null;
  }

  // ---- the connection ----

  /**
   * Binds a new connection. With {@code resumed}, the QoS 1 publishes it had in flight go out again first,
   * with DUP set and their packet identifiers, as MQTT requires.
   */
  synchronized void bind(Connection c, boolean resumed) {
    connection = c;
    resend.clear();
    if (resumed) {
      resend.addAll(inFlight.values());
    }
  }

  /**
   * The connection closed: QoS 0 messages still queued are dropped (an offline session keeps QoS 1 only).
   *
   * @return false if another connection had already taken the session over
   */
  synchronized boolean unbind(Connection c) {
    if (connection != c) {
      return false;
    }
    connection = null;
    resend.clear();
    for (Iterator<Outgoing> it = queue.iterator(); it.hasNext(); ) {
      Outgoing o = it.next();
      if (o.message.qos() == QoS.AT_MOST_ONCE) {
        it.remove();
        release(o);
      }
    }
    return true;
  }

  synchronized Connection connection() {
    return connection;
  }

  synchronized boolean isOnline() {
    return connection != null;
  }

  /**
   * The next publishes to send, at most {@code max}, while the client's receive maximum allows: first the
   * in-flight ones to resend, then the queue. Expired messages are dropped on the way.
   */
  synchronized List<Publish> poll(int receiveMaximum, int max) {
    List<Publish> out = new ArrayList<>();
    long now = System.nanoTime();
    while (out.size() < max && !resend.isEmpty()) {
      Outgoing o = resend.poll();
      if (inFlight.get(o.packetId) == o) {
        out.add(o.toPublish(true, now));
      }
    }
    while (out.size() < max && inFlight.size() < receiveMaximum && !queue.isEmpty()) {
      Outgoing o = queue.poll();
      if (o.expiredAt(now)) {
        release(o);
        continue;
      }
      if (o.message.qos() == QoS.AT_LEAST_ONCE) {
        o.packetId = nextFreePacketId();
        inFlight.put(o.packetId, o);
      } else {
        release(o);
      }
      out.add(o.toPublish(false, now));
    }
    return out;
  }

  /** The client acknowledged a QoS 1 publish; unknown identifiers are ignored. */
  synchronized void acknowledge(int packetId) {
    Outgoing o = inFlight.remove(packetId);
    if (o != null) {
      release(o);
    }
  }

  /** A publish the client's maximum packet size cannot take: MQTT says to drop it as if delivered. */
  synchronized void discard(int packetId) {
    acknowledge(packetId);
  }

  synchronized boolean hasWork(int receiveMaximum) {
    return !resend.isEmpty() || (!queue.isEmpty() && inFlight.size() < receiveMaximum);
  }

  private int nextFreePacketId() {
    while (inFlight.containsKey(nextPacketId)) {
      nextPacketId = nextPacketId == 65_535 ? 1 : nextPacketId + 1;
    }
    int id = nextPacketId;
    nextPacketId = nextPacketId == 65_535 ? 1 : nextPacketId + 1;
    return id;
  }

  // ---- lifetime (the registry, under its own lock) ----

  synchronized long expirySeconds() {
    return expirySeconds;
  }

  synchronized void expirySeconds(long value) {
    this.expirySeconds = value;
  }

  synchronized boolean isEnded() {
    return ended;
  }

  /** Whether a new connection may resume this session (not ended, and the bus did not forget it). */
  synchronized boolean isResumable() {
    return !ended && !lostByBus;
  }

  synchronized void expiryTask(ScheduledFuture<?> task) {
    cancelExpiry();
    this.expiryTask = task;
  }

  synchronized void cancelExpiry() {
    if (expiryTask != null) {
      expiryTask.cancel(false);
      expiryTask = null;
    }
  }

  synchronized void pendingWill(PendingWill will) {
    this.pendingWill = will;
  }

  /** Takes the will waiting for its delay, cancelling its timer; null if there is none. */
  synchronized PendingWill takePendingWill() {
    PendingWill w = pendingWill;
    pendingWill = null;
    if (w != null && w.task() != null) {
      w.task().cancel(false);
    }
    return w;
  }

  /** Ends the session: it leaves the bus and holds nothing any more. Returns false if it had ended already. */
  boolean end() {
    LocalBroker.Attachment a;
    synchronized (this) {
      if (ended) {
        return false;
      }
      ended = true;
      connection = null;
      cancelExpiry();
      clear();
      a = attachment;
    }
    if (a != null) {
      a.detach();
    }
    return true;
  }

  private void clear() {
    queue.clear();
    inFlight.clear();
    resend.clear();
    subscriptions.clear();
    serverHeld.release(heldBytes);
    heldBytes = 0;
  }

  /** A snapshot for {@link MqttServer#session(String)}. */
  synchronized MqttServer.SessionInfo info() {
    return new MqttServer.SessionInfo(clientId, connection != null, List.copyOf(subscriptions.keySet()), held());
  }
}
