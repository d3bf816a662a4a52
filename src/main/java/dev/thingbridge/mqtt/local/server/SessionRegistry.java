package dev.thingbridge.mqtt.local.server;

import dev.thingbridge.mqtt.MqttMessage;
import dev.thingbridge.mqtt.MqttNotConnectedException;
import dev.thingbridge.mqtt.QoS;
import dev.thingbridge.mqtt.local.LocalBroker;
import dev.thingbridge.mqtt.codec.Packet.Will;
import dev.thingbridge.mqtt.codec.ReasonCodes;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The server's sessions by client id: CONNECT resumes or starts one and takes over a live connection with
 * the same id; a closed connection leaves its session to expire, and its will to be published after its
 * delay unless the client comes back first.
 *
 * <p>Every change of a session's binding, expiry and will happens under {@code lock}, so a CONNECT, a
 * connection closing and a timer firing for the same client id see one order. Lock order: this lock, then
 * the bus's, then a session's.
 */
final class SessionRegistry {
  private static final Logger log = LoggerFactory.getLogger(SessionRegistry.class);

  /** What a CONNECT gets: the session, and whether it was resumed; no session when the server is full. */
  record Binding(ServerSession session, boolean sessionPresent) {}

  private final LocalBroker bus;
  private final MqttServerOptions options;
  private final ScheduledExecutorService timer;
  private final HeldMessages held;
  private final Map<String, ServerSession> sessions = new ConcurrentHashMap<>();
  private final Object lock = new Object();

  SessionRegistry(LocalBroker bus, MqttServerOptions options, ScheduledExecutorService timer) {
    this.bus = bus;
    this.options = options;
    this.timer = timer;
    this.held = new HeldMessages(options.maxHeldBytesTotal());
  }

  /**
   * Binds a connection to the client's session: resumed unless {@code cleanStart} or there is none, a new
   * one otherwise. A connection that holds the session now is told to go with "session taken over"; its
   * will is published if it has no delay or the session starts afresh, and dropped otherwise (the client
   * is back within the delay).
   */
  Binding connect(Connection connection, String clientId, boolean cleanStart, long expirySeconds) {
    synchronized (lock) {
      ServerSession existing = sessions.get(clientId);
      Connection previous = existing == null ? null : existing.connection();
      boolean resume = existing != null && !cleanStart && existing.isResumable();
      if (existing == null && sessions.size() >= options.maxSessions()) {
        return new Binding(null, false);
      }
      if (previous != null && previous != connection) {
        Will will = previous.takeWill();
        if (will != null && (will.delaySeconds() == 0 || !resume)) {
          publishWill(existing, will);
        }
        previous.closeFromAnyThread(ReasonCodes.SESSION_TAKEN_OVER, "session taken over");
      }
      if (existing != null) {
        existing.cancelExpiry();
        ServerSession.PendingWill pending = existing.takePendingWill();
        if (pending != null && !resume) {
          publish(existing, pending.message());
        }
        if (!resume) {
          existing.end();
          sessions.remove(clientId, existing);
        }
      }
      ServerSession session = resume ? existing : newSession(clientId);
      session.expirySeconds(expirySeconds);
      session.bind(connection, resume);
      return new Binding(session, resume);
    }
  }

  private ServerSession newSession(String clientId) {
    ServerSession s = new ServerSession(clientId, options, held, this);
    s.attached(bus.attach(clientId, s));
    sessions.put(clientId, s);
    return s;
  }

  /**
   * A connection closed. Its will (if the client did not disconnect normally) goes out after its delay or
   * when the session ends, whichever is first; the session ends now if its expiry is 0, else later.
   */
  void connectionClosed(Connection connection, ServerSession session) {
    Will will = connection.takeWill();
    synchronized (lock) {
      if (!session.unbind(connection)) {
        if (will != null) {
          publishWill(session, will); // taken over by an in-process client: the session has ended
        }
        return;
      }
      long expiry = session.expirySeconds();
      if (will != null) {
        long delay = Math.min(will.delaySeconds(), expiry);
        if (delay == 0) {
          publishWill(session, will);
        } else {
          MqttMessage message = willMessage(will);
          session.pendingWill(new ServerSession.PendingWill(message,
              timer.schedule(() -> willDelayPassed(session), delay, TimeUnit.SECONDS)));
        }
      }
      if (expiry == 0) {
        endSession(session);
      } else {
        session.expiryTask(timer.schedule(() -> expire(session), expiry, TimeUnit.SECONDS));
      }
    }
  }

  private void willDelayPassed(ServerSession session) {
    synchronized (lock) {
      ServerSession.PendingWill w = session.takePendingWill();
      if (w != null && !session.isOnline()) {
        publish(session, w.message());
      }
    }
  }

  private void expire(ServerSession session) {
    synchronized (lock) {
      if (session.isOnline() || session.isEnded()) {
        return;
      }
      ServerSession.PendingWill w = session.takePendingWill();
      if (w != null) {
        publish(session, w.message());
      }
      log.info("mqtt server: session {} expired", session.clientId());
      endSession(session);
    }
  }

  private void endSession(ServerSession session) {
    session.end();
    sessions.remove(session.clientId(), session);
  }

  /** A session taken over by an in-process client leaves the registry (called by the session). */
  void forget(ServerSession session) {
    sessions.remove(session.clientId(), session);
  }

  private void publishWill(ServerSession session, Will will) {
    publish(session, willMessage(will));
  }

  /** Publishes as the client while its session is on the bus, else as the bus itself. */
  private void publish(ServerSession session, MqttMessage message) {
    try {
      LocalBroker.Attachment a = session.isEnded() ? null : session.attachment();
      if (a != null && a.isAttached()) {
        a.publish(message);
      } else {
        bus.publish(message);
      }
      log.info("mqtt server: published the will of {} to {}", session.clientId(), message.topic());
    } catch (MqttNotConnectedException e) {
      log.info("mqtt server: the will of {} was not published: {}", session.clientId(), e.getMessage());
    }
  }

  private static MqttMessage willMessage(Will w) {
    return new MqttMessage(w.topic(), w.payload(), QoS.of(Math.min(w.qos(), 1)), w.retain(), w.properties());
  }

  /** Ends every session without publishing wills: the server is closing. */
  void closeAll() {
    List<ServerSession> all;
    synchronized (lock) {
      all = new ArrayList<>(sessions.values());
      sessions.clear();
    }
    for (ServerSession s : all) {
      s.takePendingWill();
      s.end();
    }
  }

  int sessionCount() {
    return sessions.size();
  }

  long droppedMessages() {
    return held.droppedCount();
  }

  /** The session of a client id, for tests and stats; null if none. */
  ServerSession session(String clientId) {
    return sessions.get(clientId);
  }
}
