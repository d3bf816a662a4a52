package dev.thingbridge.shadows;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.thingbridge.internal.Futures;
import dev.thingbridge.mqtt.MqttMessage;
import dev.thingbridge.mqtt.SubscriptionListener;
import dev.thingbridge.shadows.internal.ControlThread;
import dev.thingbridge.shadows.internal.DeltaInbox;
import dev.thingbridge.shadows.internal.RequestPacer.Priority;
import dev.thingbridge.shadows.model.ShadowDeleted;
import dev.thingbridge.shadows.model.ShadowDocuments;
import dev.thingbridge.shadows.schema.spec.ShadowDeltaException;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.BooleanSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The shadow agent's inbound half: its shadow's messages ({@code update/delta}, {@code update/documents},
 * {@code delete/accepted}) handed to the session one at a time on the control thread, the session's events handed
 * to the application (listener, {@code nextDelta} inbox), and the resync after a reconnect or a refused
 * acknowledgement, retried with back-off while the cloud side recovers.
 */
final class AgentEvents<S> implements SessionEvents<S> {
  private static final Logger LOG = LoggerFactory.getLogger(AgentEvents.class);
  private static final long RETRY_FIRST_MILLIS = 1_000;
  private static final long RETRY_MAX_MILLIS = 30_000;

  private final String name;
  private final ShadowTopics topics;
  private final ControlThread control;
  private final ShadowListener<S> listener;
  private final DeltaInbox<DeltaEvent<S>> inbox;
  private final BooleanSupplier live;
  private final AtomicBoolean resyncQueued = new AtomicBoolean();
  private ShadowSession<S> session;
  private Object generation = new Object(); // control thread only
  private int resyncFailures; // control thread only

  /**
   * @param live whether the agent is subscribed and synced: before that, and after a deletion by the device, a
   *     resync waits for the next operation
   */
  AgentEvents(String name, ShadowTopics topics, ControlThread control, ShadowListener<S> listener,
      DeltaInbox<DeltaEvent<S>> inbox, BooleanSupplier live) {
    this.name = name;
    this.topics = topics;
    this.control = control;
    this.listener = listener;
    this.inbox = inbox;
    this.live = live;
  }

  void attach(ShadowSession<S> session) {
    this.session = session;
  }

  /** A listener for a new subscription; messages of any earlier one are ignored from now on. */
  SubscriptionListener subscribe() {
    Object gen = new Object();
    generation = gen;
    return new SubscriptionListener() {
      @Override
      public void onMessage(MqttMessage message) {
        if (!control.isClosed()) {
          control.submit(() -> gen == generation ? handle(message) : CompletableFuture.completedFuture(null));
        }
      }

      @Override
      public void onSessionLost() {
        queueResync("the MQTT session was lost");
      }
    };
  }

  /** Ignores every subscription's messages until the next {@link #subscribe()}. */
  void abandon() {
    generation = new Object();
  }

  private CompletableFuture<Void> handle(MqttMessage message) {
    Optional<ShadowTopic.Kind> kind = ShadowTopics.parse(topics.prefix(), message.topic()).map(ShadowTopic::kind);
    try {
      switch (kind.orElse(ShadowTopic.Kind.GET)) {
        case UPDATE_DELTA -> {
          return session.onDelta(ShadowCodec.decodeDelta(message.payload())).exceptionally(e -> {
            LOG.warn("shadow {}: handling a delta failed, the next operation resyncs: {}", name, message(e));
            return null;
          });
        }
        case UPDATE_DOCUMENTS -> {
          ShadowDocuments docs = ShadowCodec.decodeDocuments(message.payload());
          if (session.onDocuments(docs.current().version())) {
            safely(() -> listener.onDocuments(docs));
          }
        }
        case DELETE_ACCEPTED -> {
          ShadowDeleted deleted = ShadowCodec.decodeDeleted(message.payload());
          if (session.onDeleted(deleted)) {
            LOG.info("shadow {}: deleted in the cloud (version {}); the next publish re-creates it", name,
                deleted.version());
            safely(() -> listener.onDeletedInCloud(deleted.version()));
          }
        }
        default -> LOG.debug("shadow {}: unexpected message on {}", name, message.topic());
      }
    } catch (IllegalArgumentException e) {
      LOG.warn("shadow {}: unreadable message on {} ignored: {}", name, message.topic(), e.getMessage());
    }
    return CompletableFuture.completedFuture(null);
  }

  /** Schedules one GET drain; requests made while one is already queued are folded into it. */
  void queueResync(String why) {
    if (control.isClosed() || !resyncQueued.compareAndSet(false, true)) {
      return;
    }
    control.submit(() -> {
      resyncQueued.set(false);
      if (!live.getAsBoolean()) {
        return CompletableFuture.completedFuture(null);
      }
      LOG.info("shadow {}: {}, getting the document again", name, why);
      return session.sync(false, Priority.URGENT).handle((s, e) -> {
        if (e == null || ShadowSession.is(Futures.unwrap(e), ShadowErrorCode.NOT_FOUND)) {
          resyncFailures = 0;
        } else {
          // The cloud side may still be recovering from the same outage: try again, backing off.
          long delay = Math.min(RETRY_MAX_MILLIS, RETRY_FIRST_MILLIS << Math.min(5, resyncFailures++));
          LOG.warn("shadow {}: resync failed ({}), trying again in {} ms", name, message(e), delay);
          control.schedule(() -> queueResync(why), delay);
        }
        return null;
      });
    });
  }

  // ---- the session's events ----

  @Override
  public void applied(DeltaEvent<S> event) {
    safely(() -> listener.onDelta(event));
    inbox.offer(event);
  }

  @Override
  public void rejected(ShadowDeltaException error, ObjectNode delta) {
    safely(() -> listener.onDeltaRejected(error, delta));
  }

  @Override
  public void problem(String what, Throwable cause) {
    if (!control.isClosed()) {
      LOG.warn("shadow {}: {}: {}", name, what, message(cause));
      safely(() -> listener.onProblem(what, cause));
    }
  }

  @Override
  public void resyncNeeded(String why) {
    queueResync(why);
  }

  @Override
  public void missingInCloud(long lastVersion) {
    LOG.info("shadow {}: no longer in the cloud (deleted while away); the next publish re-creates it", name);
    safely(() -> listener.onDeletedInCloud(lastVersion));
  }

  private void safely(Runnable callback) {
    try {
      callback.run();
    } catch (RuntimeException e) {
      LOG.warn("shadow {}: listener failed: {}", name, e.toString());
    }
  }

  static String message(Throwable e) {
    Throwable cause = Futures.unwrap(e);
    return cause.getMessage() == null ? cause.toString() : cause.getMessage();
  }
}
