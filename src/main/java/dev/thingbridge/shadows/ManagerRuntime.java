package dev.thingbridge.shadows;

import dev.thingbridge.internal.NamedThreadFactory;
import dev.thingbridge.mqtt.MqttClient;
import dev.thingbridge.mqtt.MqttClosedException;
import dev.thingbridge.mqtt.MqttRequester;
import dev.thingbridge.mqtt.Subscription;
import dev.thingbridge.shadows.internal.OwnTokens;
import dev.thingbridge.shadows.internal.RequestPacer;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What a shadow manager runs on: its control thread ({@code thingbridge-shadows-manager-<thing>}, where every
 * decision and every listener call happens), one {@link MqttRequester} whose reply subscriptions every managed
 * shadow shares, the {@link RequestPacer} and the clientTokens of the manager's own requests. Owned by the manager
 * and shut down with it.
 */
final class ManagerRuntime {
  private static final Logger LOG = LoggerFactory.getLogger(ManagerRuntime.class);
  /** Far more updates than are ever in flight at once, for their echoes to be recognised. */
  private static final int OWN_TOKENS = 1024;

  private final String thingName;
  private final String topicPrefix;
  private final String threadName;
  private final Duration requestTimeout;
  private final ScheduledExecutorService control;
  private final MqttRequester requester;
  private final RequestPacer pacer;
  private final OwnTokens tokens = new OwnTokens(OWN_TOKENS);
  private volatile boolean closed;

  public ManagerRuntime(MqttClient mqtt, String topicPrefix, String thingName, double requestsPerSecond,
      int maxInFlight, Duration requestTimeout) {
    this.thingName = thingName;
    this.topicPrefix = topicPrefix;
    this.requestTimeout = requestTimeout;
    this.threadName = "thingbridge-shadows-manager-" + thingName;
    this.control = Executors.newSingleThreadScheduledExecutor(new NamedThreadFactory(threadName, true));
    this.requester = new MqttRequester(mqtt);
    this.pacer = new RequestPacer(control, System::nanoTime, requestsPerSecond,
        Math.max(1, (int) Math.ceil(requestsPerSecond)), maxInFlight);
  }

  String thingName() {
    return thingName;
  }

  String threadName() {
    return threadName;
  }

  ScheduledExecutorService control() {
    return control;
  }

  boolean isClosed() {
    return closed;
  }

  /** The clientTokens of every managed shadow's requests (control thread only). */
  OwnTokens tokens() {
    return tokens;
  }

  /** The topics of a managed shadow. */
  ShadowTopics topics(String shadowName) {
    return ShadowTopics.of(topicPrefix, thingName, shadowName);
  }

  /** The paced requests of one managed shadow. */
  SessionTransport transport(ShadowTopics shadow) {
    return new PacedTransport(new ShadowClient(requester, shadow, requestTimeout).sharingReplySubscriptions(), pacer,
        control);
  }

  /** Requests queued behind the rate and in-flight limits. */
  public int queuedRequests() {
    return pacer.queued();
  }

  /** Runs a task on the control thread; a failure is logged, a closed manager drops it. */
  public void onControl(Runnable r) {
    try {
      control.execute(() -> guarded(r));
    } catch (RejectedExecutionException e) {
      LOG.debug("shadow manager closed; event dropped");
    }
  }

  /** Runs an operation on the control thread; its exceptions, and a closed manager, fail the future. */
  public <T> CompletableFuture<T> onControlAsync(Supplier<CompletableFuture<T>> operation) {
    if (closed) {
      return CompletableFuture.failedFuture(new MqttClosedException("the shadow manager is closed"));
    }
    try {
      return CompletableFuture.supplyAsync(operation, control).thenCompose(f -> f);
    } catch (RejectedExecutionException e) {
      return CompletableFuture.failedFuture(new MqttClosedException("the shadow manager is closed"));
    }
  }

  void guarded(Runnable r) {
    try {
      r.run();
    } catch (RuntimeException e) {
      LOG.error("shadow manager {}: unexpected failure", thingName, e);
    }
  }

  /**
   * Ends the event subscription (if any), fails queued requests with {@link MqttClosedException} and stops the
   * control thread. Idempotent.
   */
  public void close(Subscription events) {
    if (closed) {
      return;
    }
    closed = true;
    if (events != null) {
      events.close();
    }
    pacer.close(new MqttClosedException("the shadow manager is closed"));
    requester.close();
    control.shutdown();
    try {
      if (!control.awaitTermination(2, TimeUnit.SECONDS)) {
        control.shutdownNow();
      }
    } catch (InterruptedException e) {
      control.shutdownNow();
      Thread.currentThread().interrupt();
    }
  }
}
