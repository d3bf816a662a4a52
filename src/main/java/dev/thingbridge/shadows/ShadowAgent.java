package dev.thingbridge.shadows;

import dev.thingbridge.mqtt.ConnectionListener;
import dev.thingbridge.mqtt.MqttClient;
import dev.thingbridge.mqtt.MqttRequester;
import dev.thingbridge.mqtt.Subscription;
import dev.thingbridge.shadows.internal.ControlThread;
import dev.thingbridge.shadows.internal.DeltaInbox;
import dev.thingbridge.shadows.internal.LocalState;
import dev.thingbridge.shadows.internal.OwnTokens;
import dev.thingbridge.shadows.internal.RequestPacer.Priority;
import dev.thingbridge.shadows.model.ShadowDocument;
import dev.thingbridge.shadows.store.CommitResult;
import dev.thingbridge.shadows.store.LoadResult;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.UnaryOperator;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The machinery of {@link dev.thingbridge.shadows.Shadow}: its operations, one at a time on the agent's control
 * thread, over a {@link ShadowSession} that holds the shadow's rules; the agent adds the shadow's own subscription
 * and the gate that makes every publish wait for the initial sync. Messages and resyncs are {@link AgentEvents}'.
 *
 * <p>Invariant (rustot's "cached subscription implies completed sync"): {@link #subscription} is set only after the
 * subscription was acknowledged <em>and</em> a GET drain completed, so no delta can fall between the two.
 *
 * @param <S> the state type
 */
final class ShadowAgent<S> {
  private static final Logger LOG = LoggerFactory.getLogger(ShadowAgent.class);
  private static final Duration CLOSE_ACK_WAIT = Duration.ofSeconds(2);
  private static final int OWN_TOKENS = 256;

  private final MqttClient mqtt;
  private final ShadowTopics topics;
  private final ShadowOptions options;
  private final MqttRequester requester;
  private final boolean ownsRequester;
  private final String name;
  private final ControlThread control;
  private final DeltaInbox<DeltaEvent<S>> inbox;
  private final AgentEvents<S> events;
  private final ShadowSession<S> session;
  private final ConnectionListener reconnects;
  private Subscription subscription; // control thread only
  private volatile boolean closed;

  public ShadowAgent(MqttClient mqtt, ShadowTopics topics, ShadowOptions options, LocalState<S> local,
      MqttRequester requester, boolean ownsRequester, ShadowListener<S> listener) {
    this.mqtt = mqtt;
    this.topics = topics;
    this.options = options;
    this.requester = requester;
    this.ownsRequester = ownsRequester;
    this.name = topics.thingName() + topics.shadowName().map(n -> "/" + n).orElse("");
    this.control = new ControlThread(name, options.ackTimeout().compareTo(options.requestTimeout()) > 0
        ? options.ackTimeout() : options.requestTimeout());
    this.inbox = new DeltaInbox<>(options.inboxCapacity());
    this.events = new AgentEvents<>(name, topics, control, listener, inbox, () -> subscription != null);
    SessionTransport transport = SessionTransport.direct(new ShadowClient(requester, topics, options.requestTimeout()),
        new ShadowClient(requester, topics, options.ackTimeout()));
    this.session = new ShadowSession<>(name, local, transport, new OwnTokens(OWN_TOKENS), control, events,
        new ShadowSession.Policy(options.optimisticLocking(), options.conflictAttempts(), true));
    events.attach(session);
    this.reconnects = new ConnectionListener() {
      @Override
      public void onConnected(boolean sessionPresent) {
        if (sessionPresent && options.resyncOnReconnect()) {
          events.queueResync("reconnected");
        }
      }
    };
    mqtt.addConnectionListener(reconnects);
  }

  // ---- operations (any thread) ----

  public CompletableFuture<LoadResult> load() {
    return control.submit(() -> CompletableFuture.completedFuture(session.load()));
  }

  public S state() {
    S s = session.state();
    if (s == null) {
      throw new IllegalStateException("shadow " + name + " is not loaded yet: call load() or sync() first");
    }
    return s;
  }

  public long version() {
    return session.version();
  }

  public CompletableFuture<S> sync() {
    return control.submit(() -> {
      session.ensureLoaded();
      return subscription == null ? goLive() : session.sync(true, Priority.URGENT);
    });
  }

  /** Makes the shadow live, then registers {@code reader} for the next applied delta. */
  public void whenLive(CompletableFuture<DeltaEvent<S>> reader) {
    control.submit(() -> {
      // Only the first wait goes live. After a deletion the shadow stays unsynced until a publish (or a delta)
      // needs the document, so a device waiting for deltas does not re-create a shadow someone just deleted.
      if (reader.isDone() || subscription != null) {
        return CompletableFuture.completedFuture((S) null);
      }
      session.ensureLoaded();
      return goLive();
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
      session.ensureLoaded();
      CompletableFuture<S> ready = subscription == null ? goLive()
          : session.isSynced() ? CompletableFuture.completedFuture(null) : session.sync(true, Priority.URGENT);
      return ready.thenComposeAsync(s -> session.publishChange(change, desired), control);
    });
  }

  public CompletableFuture<S> create() {
    return control.submit(() -> {
      session.ensureLoaded();
      return session.create();
    });
  }

  public CompletableFuture<Void> delete() {
    return control.submit(() -> {
      session.ensureLoaded();
      return session.delete().thenApply(v -> {
        session.wipe();
        LOG.info("shadow {}: deleted; local state back to defaults", name);
        return null;
      });
    });
  }

  public CompletableFuture<ShadowDocument> fetch() {
    return control.submit(session::fetch);
  }

  public CompletableFuture<CommitResult> commit() {
    return control.submit(() -> {
      session.ensureLoaded();
      return CompletableFuture.completedFuture(session.local().commit());
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
      session.lastAcknowledgement().get(CLOSE_ACK_WAIT.toMillis(), TimeUnit.MILLISECONDS);
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

  // ---- going live (control thread) ----

  /** Subscribes to the shadow's events, then (only once the broker acknowledged that) syncs. */
  private CompletableFuture<S> goLive() {
    return mqtt.awaitConnected(options.requestTimeout())
        .thenComposeAsync(v -> mqtt.subscribe(topics.eventFilters(), events.subscribe()), control)
        .thenComposeAsync(sub -> session.sync(true, Priority.URGENT).handleAsync((state, error) -> {
          if (error != null) {
            events.abandon();
            sub.close();
            throw new java.util.concurrent.CompletionException(error);
          }
          subscription = sub;
          LOG.debug("shadow {}: live", name);
          return state;
        }, control), control);
  }

  private void unsubscribe() {
    Subscription sub = subscription;
    subscription = null;
    events.abandon();
    if (sub != null) {
      sub.close();
    }
  }
}
