package dev.thingbridge.mqtt.local;

import dev.thingbridge.mqtt.MqttLimits;
import dev.thingbridge.mqtt.MqttMessage;
import dev.thingbridge.mqtt.MqttNotConnectedException;
import dev.thingbridge.mqtt.QoS;
import dev.thingbridge.mqtt.SubscriptionFilter;
import dev.thingbridge.mqtt.Topics;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.TimeUnit;
import java.util.function.LongSupplier;

/**
 * An in-process message bus with MQTT semantics: topic filters with {@code +} and {@code #} ({@code $}
 * topics hidden from leading wildcards), QoS downgrade to the subscription's maximum, No Local, retained
 * messages (with message expiry), one delivery per client even when several of its filters match, and
 * session takeover by client id. It serves local mode and unit tests; {@link #stop()} and {@link
 * #start(boolean)} simulate a broker restart with or without kept sessions.
 *
 * <p>Two kinds of clients attach: in-process {@link LocalMqttClient}s ({@link #connect}) and anything else
 * that implements {@link Endpoint} ({@link #attach}), such as the MQTT server that lets network clients
 * onto the bus. Both share one client-id space, so either takes the other over.
 *
 * <p>Thread-safe. Routing happens under one lock, so every subscriber sees publishes in one global order;
 * delivery itself is handed to each endpoint, which only enqueues.
 */
public final class LocalBroker {
  /**
   * What the bus delivers to. Every callback runs on the thread of whoever caused it; {@link #onPublish}
   * and {@link #onRetained} run while the bus holds its routing lock, so they must only enqueue: never
   * block and never call back into the bus.
   */
  public interface Endpoint {
    /**
     * A publish matched at least one of this endpoint's filters.
     *
     * @param published the message as its sender published it (its own QoS and retain flag)
     * @param matched every filter of this endpoint that matched, No Local already applied
     */
    void onPublish(MqttMessage published, List<SubscriptionFilter> matched);

    /** A retained message for a filter just subscribed; its retain flag is set and its expiry counted down. */
    void onRetained(MqttMessage retained, SubscriptionFilter filter);

    /** Another client attached with the same client id; this endpoint is detached for good. */
    void onTakenOver();

    /** The bus went down ({@link LocalBroker#stop()}). */
    default void onBusStopped() {}

    /** The bus came back; without {@code sessionKept} every filter of this endpoint is gone. */
    default void onBusStarted(boolean sessionKept) {}
  }

  private final Object lock = new Object();
  private final Map<String, Session> sessions = new HashMap<>();
  private final Map<String, Retained> retained = new LinkedHashMap<>();
  private final LongSupplier nanoClock;
  private boolean running = true;

  /** A bus on the system's monotonic clock. */
  public LocalBroker() {
    this(System::nanoTime);
  }

  /** A bus whose retained-message expiry follows {@code nanoClock} (tests step it). */
  public LocalBroker(LongSupplier nanoClock) {
    this.nanoClock = Objects.requireNonNull(nanoClock, "nanoClock");
  }

  /** Connects a new client with AWS IoT Core's limits. */
  public LocalMqttClient connect(String clientId) {
    return connect(clientId, MqttLimits.AWS_IOT_CORE);
  }

  /**
   * Connects a new client. A client already connected with the same id is taken over: it goes offline
   * for good, as with a real broker.
   */
  public LocalMqttClient connect(String clientId, MqttLimits limits) {
    requireClientId(clientId);
    LocalMqttClient client = new LocalMqttClient(clientId, limits);
    client.attached(attach(clientId, client.endpoint()));
    if (isRunning()) {
      client.brokerConnected(false);
    }
    return client;
  }

  /**
   * Attaches an endpoint under a client id, taking over whoever held it (their {@link Endpoint#onTakenOver()}
   * runs before this returns, outside the routing lock). The attachment holds no filters.
   */
  public Attachment attach(String clientId, Endpoint endpoint) {
    requireClientId(clientId);
    Objects.requireNonNull(endpoint, "endpoint");
    Session session = new Session(clientId, endpoint);
    Session previous;
    synchronized (lock) {
      previous = sessions.put(clientId, session);
    }
    if (previous != null) {
      previous.endpoint.onTakenOver();
    }
    return new Attachment(session);
  }

  /** Whether the bus is up. */
  public boolean isRunning() {
    synchronized (lock) {
      return running;
    }
  }

  /** Takes the bus down: every client is disconnected and publishes fail until {@link #start}. */
  public void stop() {
    List<Session> online;
    synchronized (lock) {
      if (!running) {
        return;
      }
      running = false;
      online = new ArrayList<>(sessions.values());
    }
    for (Session s : online) {
      s.endpoint.onBusStopped();
    }
  }

  /**
   * Brings the bus back. With {@code keepSessions} every client finds its subscriptions in place
   * (session present); without, the bus forgets them and the clients must renew them.
   */
  public void start(boolean keepSessions) {
    List<Session> online;
    synchronized (lock) {
      if (running) {
        return;
      }
      running = true;
      if (!keepSessions) {
        sessions.values().forEach(s -> s.filters.clear());
      }
      online = new ArrayList<>(sessions.values());
    }
    for (Session s : online) {
      s.endpoint.onBusStarted(keepSessions);
    }
  }

  /** Number of clients connected (or holding a session). */
  public int clientCount() {
    synchronized (lock) {
      return sessions.size();
    }
  }

  /**
   * Publishes as the bus itself, on behalf of no attached client (a will message whose session has ended):
   * No Local excludes nobody.
   *
   * @throws MqttNotConnectedException if the bus is stopped
   */
  public void publish(MqttMessage message) {
    route(null, message);
  }

  private void route(Session sender, MqttMessage message) {
    synchronized (lock) {
      requireRunning();
      if (sender != null && sessions.get(sender.clientId) != sender) {
        throw new MqttNotConnectedException("client " + sender.clientId + " is not connected");
      }
      if (message.retain()) {
        if (message.payload().length == 0) {
          retained.remove(message.topic());
        } else {
          retained.put(message.topic(), new Retained(message, nanoClock.getAsLong()));
        }
      }
      // Delivered while holding the lock so that every client sees publishes in the same order.
      for (Session s : sessions.values()) {
        List<SubscriptionFilter> matched = null;
        for (SubscriptionFilter f : s.filters.values()) {
          if ((f.noLocal() && s == sender) || !Topics.matches(f.filter(), message.topic())) {
            continue;
          }
          if (matched == null) {
            matched = new ArrayList<>(1);
          }
          matched.add(f);
        }
        if (matched != null) {
          s.endpoint.onPublish(message, matched);
        }
      }
    }
  }

  private void subscribe(Session session, SubscriptionFilter filter, boolean sendRetained) {
    synchronized (lock) {
      requireAttached(session);
      session.filters.put(filter.filter(), filter);
      if (!sendRetained) {
        return;
      }
      long now = nanoClock.getAsLong();
      for (Iterator<Retained> it = retained.values().iterator(); it.hasNext(); ) {
        Retained r = it.next();
        MqttMessage m = r.at(now);
        if (m == null) {
          it.remove();
        } else if (Topics.matches(filter.filter(), m.topic())) {
          session.endpoint.onRetained(m.withQos(filter.qos().min(m.qos())), filter);
        }
      }
    }
  }

  private void unsubscribe(Session session, String filter) {
    synchronized (lock) {
      requireAttached(session);
      session.filters.remove(filter);
    }
  }

  private void detach(Session session) {
    synchronized (lock) {
      sessions.remove(session.clientId, session);
    }
  }

  private boolean isAttached(Session session) {
    synchronized (lock) {
      return sessions.get(session.clientId) == session;
    }
  }

  private void requireAttached(Session session) {
    requireRunning();
    if (sessions.get(session.clientId) != session) {
      throw new MqttNotConnectedException("client " + session.clientId + " is not connected");
    }
  }

  private void requireRunning() {
    if (!running) {
      throw new MqttNotConnectedException("the in-process broker is stopped");
    }
  }

  private static void requireClientId(String clientId) {
    Objects.requireNonNull(clientId, "clientId");
    if (clientId.isEmpty()) {
      throw new IllegalArgumentException("client id must not be empty");
    }
  }

  /**
   * One client's place on the bus, from {@link #attach} until {@link #detach()} or a takeover. Every
   * operation fails with {@link MqttNotConnectedException} once the attachment is gone or the bus is
   * stopped. Thread-safe.
   */
  public final class Attachment {
    private final Session session;

    private Attachment(Session session) {
      this.session = session;
    }

    /** The client id this attachment holds. */
    public String clientId() {
      return session.clientId;
    }

    /** Routes a message from this client (its No Local filters skip it). */
    public void publish(MqttMessage message) {
      route(session, message);
    }

    /**
     * Adds or replaces one filter; with {@code sendRetained} the retained messages it matches are delivered
     * through {@link Endpoint#onRetained} before this returns.
     */
    public void subscribe(SubscriptionFilter filter, boolean sendRetained) {
      LocalBroker.this.subscribe(session, filter, sendRetained);
    }

    /** Removes one filter (nothing happens for a filter it does not hold). */
    public void unsubscribe(String filter) {
      LocalBroker.this.unsubscribe(session, filter);
    }

    /** Leaves the bus with every filter; idempotent, and harmless after a takeover. */
    public void detach() {
      LocalBroker.this.detach(session);
    }

    /** Whether this attachment still holds its client id. */
    public boolean isAttached() {
      return LocalBroker.this.isAttached(session);
    }
  }

  private static final class Session {
    final String clientId;
    final Endpoint endpoint;
    final Map<String, SubscriptionFilter> filters = new LinkedHashMap<>();

    Session(String clientId, Endpoint endpoint) {
      this.clientId = clientId;
      this.endpoint = endpoint;
    }
  }

  /** A retained message and when it was stored, so its message expiry can run down. */
  private record Retained(MqttMessage message, long storedNanos) {
    /** The message as it is at {@code now}, its expiry reduced by the time stored; null once expired. */
    MqttMessage at(long now) {
      Long expiry = message.properties().messageExpirySeconds().orElse(null);
      if (expiry == null) {
        return message;
      }
      long elapsed = TimeUnit.NANOSECONDS.toSeconds(now - storedNanos);
      if (elapsed >= expiry) {
        return null;
      }
      return elapsed == 0 ? message : message.withProperties(
          message.properties().toBuilder().messageExpirySeconds(expiry - elapsed).build());
    }
  }
}
