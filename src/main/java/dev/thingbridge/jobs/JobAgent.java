package dev.thingbridge.jobs;

import dev.thingbridge.mqtt.MqttClient;
import dev.thingbridge.mqtt.MqttMessage;
import dev.thingbridge.mqtt.QoS;
import dev.thingbridge.mqtt.Subscription;
import dev.thingbridge.mqtt.SubscriptionFilter;
import dev.thingbridge.mqtt.SubscriptionListener;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;

/**
 * Runs the AWS IoT jobs of one thing, one execution at a time, through a {@link JobHandler}
 * (https://docs.aws.amazon.com/iot/latest/developerguide/jobs-devices.html).
 *
 * <p>Workflow: subscribe to {@code notify-next} (QoS 1), describe {@code $next}; for each new execution
 * claim it with an IN_PROGRESS update conditional on its version, hand it to the handler, report its
 * outcome (SUCCEEDED, FAILED, REJECTED) and wait for the service to accept it; then describe {@code $next}
 * again. The guarantees:
 *
 * <ul>
 *   <li>Each execution is handed over once: a re-delivered notify-next or describe reply for the running
 *       or a finished execution is not a new job.
 *   <li>Every update carries {@code expectedVersion}; a stale one is refused by the service and reported
 *       to {@link JobAgentListener#onUpdateRejected} as {@link JobErrorCode#VERSION_MISMATCH}.
 *   <li>When notify-next stops naming the running job, the agent describes it; if it was canceled, removed
 *       or timed out, the handler gets {@link ActiveJob#cancellation()} and an interrupt.
 *   <li>After the broker dropped the session the client has resubscribed; the agent re-describes.
 *   <li>With a state directory, the running execution (and an outcome not yet confirmed) survives a
 *       restart: it is handed back marked {@link ActiveJob#resumed()}, or reported FAILED when the handler
 *       cannot resume, or its outcome is sent again.
 *   <li>A job document that does not decode into the document type is REJECTED with the reason.
 * </ul>
 *
 * <p>Threads: {@code thingbridge-jobs-{thing}-1} (control: every decision, listener calls) and {@code
 * thingbridge-jobs-{thing}-worker-N} (handlers). Both are stopped by {@link #close()}.
 *
 * @param <D> the job document type
 */
public final class JobAgent<D> implements AutoCloseable {
  private final JobClient client;
  private final JobEngine<D> engine;
  private volatile Subscription notifyNext;
  private volatile boolean closed;

  private JobAgent(Builder<D> b) {
    this.client = new JobClient(b.mqtt, b.thingName == null ? b.mqtt.clientId() : b.thingName, b.replyTimeout);
    this.engine = new JobEngine<>(new JobEngine.Settings<>(client, b.documentType, b.handler, b.listener,
        b.stateDir, b.stepTimeout, b.retryDelay));
  }

  /**
   * A builder for an agent running jobs through {@code handler}, their documents decoded as {@code
   * documentType}. Use {@link JobHandlers} to dispatch on a document field.
   */
  public static <D> Builder<D> builder(MqttClient mqtt, JobDocumentType<D> documentType, JobHandler<D> handler) {
    return new Builder<>(mqtt, documentType, handler);
  }

  /** The thing whose jobs this agent runs. */
  public String thingName() {
    return client.thingName();
  }

  /** The id of the job being run, if any. */
  public Optional<String> currentJobId() {
    return engine.currentJobId();
  }

  /**
   * Subscribes to notify-next, then resumes a remembered execution (if any) and describes {@code $next}.
   * Completes once subscribed; fails with the MQTT error when the subscription failed.
   */
  public CompletableFuture<Void> start() {
    SubscriptionListener l = new SubscriptionListener() {
      @Override
      public void onMessage(MqttMessage message) {
        engine.onNotifyNextMessage(message);
      }

      @Override
      public void onSessionLost() {
        engine.onSessionLost();
      }
    };
    return client.mqtt()
        .subscribe(List.of(SubscriptionFilter.of(client.topics().notifyNext(), QoS.AT_LEAST_ONCE)), l)
        .thenAccept(sub -> {
          notifyNext = sub;
          if (closed) {
            sub.close();
          } else {
            engine.onSubscribed();
          }
        });
  }

  /**
   * Stops the agent without reporting anything: the running handler is interrupted and, with a state
   * directory, the execution is resumed by the next start. Idempotent.
   */
  @Override
  public void close() {
    if (closed) {
      return;
    }
    closed = true;
    Subscription s = notifyNext;
    if (s != null) {
      s.close();
    }
    engine.close();
    client.close();
  }

  /** Builds a {@link JobAgent}. */
  public static final class Builder<D> {
    private final MqttClient mqtt;
    private final JobDocumentType<D> documentType;
    private final JobHandler<D> handler;
    private String thingName;
    private Path stateDir;
    private Duration replyTimeout = JobClient.DEFAULT_TIMEOUT;
    private Duration stepTimeout;
    private Duration retryDelay = Duration.ofSeconds(5);
    private JobAgentListener listener = JobAgentListener.NONE;

    private Builder(MqttClient mqtt, JobDocumentType<D> documentType, JobHandler<D> handler) {
      this.mqtt = Objects.requireNonNull(mqtt, "mqtt");
      this.documentType = Objects.requireNonNull(documentType, "documentType");
      this.handler = Objects.requireNonNull(handler, "handler");
    }

    /** The thing (default: the MQTT client id, as AWS IoT policies usually require). */
    public Builder<D> thingName(String value) {
      this.thingName = value;
      return this;
    }

    /** Where to remember the running execution across restarts (default: nowhere, no resume). */
    public Builder<D> stateDir(Path value) {
      this.stateDir = value;
      return this;
    }

    /** How long to wait for each reply of the service (default 5 s). */
    public Builder<D> replyTimeout(Duration value) {
      this.replyTimeout = Objects.requireNonNull(value);
      return this;
    }

    /**
     * A step timeout sent with the claim (rounded up to whole minutes on the wire) and given to handlers
     * as {@link ActiveJob#deadline()} (default: none).
     */
    public Builder<D> stepTimeout(Duration value) {
      if (value != null && (value.isNegative() || value.isZero() || value.toMinutes() > 10_080)) {
        throw new IllegalArgumentException("step timeout must be positive and at most 7 days: " + value);
      }
      this.stepTimeout = value;
      return this;
    }

    /** How long to wait before asking again after a request failed (default 5 s). */
    public Builder<D> retryDelay(Duration value) {
      this.retryDelay = Objects.requireNonNull(value);
      return this;
    }

    /** Observes the agent (logs, metrics, tests); default: none. */
    public Builder<D> listener(JobAgentListener value) {
      this.listener = Objects.requireNonNull(value);
      return this;
    }

    /** The agent; call {@link JobAgent#start()} to run it. */
    public JobAgent<D> build() {
      return new JobAgent<>(this);
    }
  }
}
