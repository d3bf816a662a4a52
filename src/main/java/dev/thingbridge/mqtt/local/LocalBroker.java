package dev.thingbridge.mqtt.local;

import dev.thingbridge.mqtt.MqttLimits;
import dev.thingbridge.mqtt.MqttMessage;
import dev.thingbridge.mqtt.MqttNotConnectedException;
import dev.thingbridge.mqtt.QoS;
import dev.thingbridge.mqtt.SubscriptionFilter;
import dev.thingbridge.mqtt.Topics;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * An in-process message bus with MQTT semantics: topic filters with {@code +} and {@code #} ({@code $}
 * topics hidden from leading wildcards), QoS downgrade to the subscription's maximum, No Local, retained
 * messages, one delivery per client even when several of its filters match, and session takeover by
 * client id. It serves local mode and unit tests; {@link #stop()} and {@link #start(boolean)} simulate a
 * broker restart with or without kept sessions.
 *
 * <p>Thread-safe. Routing happens under one lock, so every subscriber sees publishes in one global order;
 * delivery itself is handed to each client's own threads.
 */
public final class LocalBroker {
  private final Object lock = new Object();
  private final Map<String, Session> sessions = new HashMap<>();
  private final Map<String, MqttMessage> retained = new LinkedHashMap<>();
  private boolean running = true;

  /** Connects a new client with AWS IoT Core's limits. */
  public LocalMqttClient connect(String clientId) {
    return connect(clientId, MqttLimits.AWS_IOT_CORE);
  }

  /**
   * Connects a new client. A client already connected with the same id is taken over: it goes offline
   * for good, as with a real broker.
   */
  public LocalMqttClient connect(String clientId, MqttLimits limits) {
    Objects.requireNonNull(clientId, "clientId");
    if (clientId.isEmpty()) {
      throw new IllegalArgumentException("client id must not be empty");
    }
    LocalMqttClient client = new LocalMqttClient(this, clientId, limits);
    Session previous;
    synchronized (lock) {
      previous = sessions.put(clientId, new Session(client));
    }
    if (previous != null) {
      previous.client.takenOver();
    }
    if (isRunning()) {
      client.brokerConnected(false);
    }
    return client;
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
      s.client.brokerDisconnected("broker stopped");
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
      s.client.brokerConnected(keepSessions);
    }
  }

  /** Number of clients connected (or holding a session). */
  public int clientCount() {
    synchronized (lock) {
      return sessions.size();
    }
  }

  void publish(String senderId, MqttMessage message) {
    List<Delivery> deliveries = new ArrayList<>();
    synchronized (lock) {
      if (!running) {
        throw new MqttNotConnectedException("the in-process broker is stopped");
      }
      Session sender = sessions.get(senderId);
      if (sender == null) {
        throw new MqttNotConnectedException("client " + senderId + " is not connected");
      }
      if (message.retain()) {
        if (message.payload().length == 0) {
          retained.remove(message.topic());
        } else {
          retained.put(message.topic(), message);
        }
      }
      for (Session s : sessions.values()) {
        QoS granted = null;
        for (SubscriptionFilter f : s.filters.values()) {
          if ((f.noLocal() && s == sender) || !Topics.matches(f.filter(), message.topic())) {
            continue;
          }
          if (granted == null || f.qos().level() > granted.level()) {
            granted = f.qos();
          }
        }
        if (granted != null) {
          // MQTT 5: the retain flag is cleared on normal delivery unless "retain as published" was asked.
          deliveries.add(new Delivery(s.client, message.withQos(granted.min(message.qos())).withRetain(false)));
        }
      }
      // Enqueue while holding the lock so that every client sees publishes in the same order.
      for (Delivery d : deliveries) {
        d.client.receive(d.message);
      }
    }
  }

  void subscribe(String clientId, SubscriptionFilter filter) {
    synchronized (lock) {
      requireRunning();
      Session s = sessions.get(clientId);
      if (s == null) {
        throw new MqttNotConnectedException("client " + clientId + " is not connected");
      }
      s.filters.put(filter.filter(), filter);
      for (MqttMessage m : retained.values()) {
        if (Topics.matches(filter.filter(), m.topic())) {
          s.client.receive(m.withQos(filter.qos().min(m.qos())));
        }
      }
    }
  }

  void unsubscribe(String clientId, String filter) {
    synchronized (lock) {
      requireRunning();
      Session s = sessions.get(clientId);
      if (s != null) {
        s.filters.remove(filter);
      }
    }
  }

  void disconnect(LocalMqttClient client) {
    synchronized (lock) {
      Session s = sessions.get(client.clientId());
      if (s != null && s.client == client) {
        sessions.remove(client.clientId());
      }
    }
  }

  private void requireRunning() {
    if (!running) {
      throw new MqttNotConnectedException("the in-process broker is stopped");
    }
  }

  private static final class Session {
    final LocalMqttClient client;
    final Map<String, SubscriptionFilter> filters = new LinkedHashMap<>();

    Session(LocalMqttClient client) {
      this.client = client;
    }
  }

  private record Delivery(LocalMqttClient client, MqttMessage message) {}
}
