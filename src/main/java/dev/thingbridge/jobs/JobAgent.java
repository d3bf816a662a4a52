package dev.thingbridge.jobs;

import dev.thingbridge.jobs.internal.JobStateFile;
import dev.thingbridge.jobs.model.DescribeJobExecutionRequest;
import dev.thingbridge.jobs.model.DescribeJobExecutionResponse;
import dev.thingbridge.jobs.model.JobExecution;
import dev.thingbridge.jobs.model.JobStatus;
import dev.thingbridge.jobs.model.NextJobExecutionChanged;
import dev.thingbridge.jobs.model.UpdateJobExecutionRequest;
import dev.thingbridge.jobs.model.UpdateJobExecutionResponse;
import dev.thingbridge.mqtt.MqttClient;
import dev.thingbridge.mqtt.MqttMessage;
import dev.thingbridge.mqtt.QoS;
import dev.thingbridge.mqtt.Subscription;
import dev.thingbridge.mqtt.SubscriptionFilter;
import dev.thingbridge.mqtt.SubscriptionListener;
import dev.thingbridge.mqtt.internal.NamedThreadFactory;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

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
 * <p>Threads: {@code thingbridge-jobs-N} (control: every decision, listener calls) and {@code
 * thingbridge-jobs-N-worker-M} (handlers). Both are stopped by {@link #close()}.
 *
 * @param <D> the job document type
 */
public final class JobAgent<D> implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(JobAgent.class);
  private static final AtomicInteger AGENTS = new AtomicInteger();
  private static final int REMEMBERED = 128;
  private static final int MAX_CLAIM_ATTEMPTS = 3;

  private final JobClient client;
  private final JobDocumentType<D> documentType;
  private final JobHandler<D> handler;
  private final JobAgentListener listener;
  private final JobStateFile stateFile;
  private final Duration stepTimeout;
  private final Duration retryDelay;
  private final ScheduledExecutorService control;
  private final ExecutorService workers;

  // Control-thread state.
  private volatile RunningJob<D> current;
  private JobStateFile.Saved pendingResume;
  private boolean resuming;
  private boolean nextRetryScheduled;
  private final Map<String, Integer> claimAttempts = new HashMap<>();
  private final Map<String, Finished> finished = new LinkedHashMap<>(16, 0.75f, false) {
    @Override
    protected boolean removeEldestEntry(Map.Entry<String, Finished> eldest) {
      return size() > REMEMBERED;
    }
  };
  private volatile Subscription notifyNext;
  private volatile boolean closed;

  /** An outcome sent for an execution; {@code confirmed} once the service answered it. */
  private record Finished(JobOutcome outcome, boolean confirmed) {}

  /** Where a view of an execution came from. */
  private enum Source { NOTIFY_NEXT, DESCRIBE_NEXT, DESCRIBE_JOB }

  private JobAgent(Builder<D> b) {
    this.client = new JobClient(b.mqtt, b.thingName == null ? b.mqtt.clientId() : b.thingName, b.replyTimeout);
    this.documentType = b.documentType;
    this.handler = b.handler;
    this.listener = b.listener;
    this.stateFile = b.stateDir == null ? null : new JobStateFile(b.stateDir, client.thingName());
    this.stepTimeout = b.stepTimeout;
    this.retryDelay = b.retryDelay;
    int n = AGENTS.incrementAndGet();
    this.control = Executors.newSingleThreadScheduledExecutor(new NamedThreadFactory("thingbridge-jobs-" + n, true));
    this.workers = Executors.newCachedThreadPool(new NamedThreadFactory("thingbridge-jobs-" + n + "-worker", true));
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
    RunningJob<D> r = current;
    return r == null ? Optional.empty() : Optional.of(r.jobId());
  }

  /**
   * Subscribes to notify-next, then resumes a remembered execution (if any) and describes {@code $next}.
   * Completes once subscribed; fails with the MQTT error when the subscription failed.
   */
  public CompletableFuture<Void> start() {
    SubscriptionListener l = new SubscriptionListener() {
      @Override
      public void onMessage(MqttMessage message) {
        onControl(() -> onNotifyNext(message));
      }

      @Override
      public void onSessionLost() {
        onControl(JobAgent.this::resync);
      }
    };
    return client.mqtt()
        .subscribe(List.of(SubscriptionFilter.of(client.topics().notifyNext(), QoS.AT_LEAST_ONCE)), l)
        .thenAccept(sub -> {
          notifyNext = sub;
          onControl(this::resumeOrDescribe);
        });
  }

  // ---- events (control thread) ----

  private void onNotifyNext(MqttMessage message) {
    NextJobExecutionChanged change;
    try {
      change = JobCodec.decode(message.payload(), NextJobExecutionChanged.class);
    } catch (IllegalArgumentException e) {
      problem("undecodable notify-next ignored", e);
      describeNext();
      return;
    }
    consider(change.execution(), Source.NOTIFY_NEXT);
  }

  private void resync() {
    log.info("jobs agent {}: session lost, describing again", thingName());
    describeNext();
    if (current != null) {
      verifyCurrent();
    }
  }

  private void resumeOrDescribe() {
    Optional<JobStateFile.Saved> saved = loadState();
    if (saved.isEmpty()) {
      describeNext();
      return;
    }
    pendingResume = saved.get();
    resuming = true;
    log.info("jobs agent {}: resuming job {} after a restart", thingName(), pendingResume.jobId());
    Long execution = pendingResume.executionNumber() > 0 ? pendingResume.executionNumber() : null;
    client.describe(pendingResume.jobId(), new DescribeJobExecutionRequest(execution, true, null))
        .whenCompleteAsync((resp, e) -> {
          resuming = false;
          if (e != null && codeOf(e) == JobErrorCode.RESOURCE_NOT_FOUND) {
            log.info("jobs agent {}: remembered job {} no longer exists", thingName(), pendingResume.jobId());
            forgetResume();
          } else if (e != null) {
            problem("describe of remembered job " + pendingResume.jobId() + " failed", e);
          } else {
            consider(resp.execution(), Source.DESCRIBE_JOB);
            if (pendingResume != null && (resp.execution() == null || !resp.execution().status().isPending())) {
              forgetResume();
            }
          }
          describeNext();
        }, control);
  }

  /** Decides what an execution seen in a message means: a new job, a duplicate, a cancel, a resend. */
  private void consider(JobExecution e, Source source) {
    if (closed) {
      return;
    }
    RunningJob<D> r = current;
    if (r != null) {
      boolean same = e != null && e.jobId().equals(r.jobId()) && e.execution() == r.execution.execution();
      if (!same && source != Source.DESCRIBE_JOB) {
        verifyCurrent(); // the head of the queue is no longer our job: canceled, removed or timed out?
      }
      return;
    }
    if (e == null || resuming) {
      return;
    }
    if (!e.status().isPending()) {
      return;
    }
    JobStateFile.Saved resume = pendingResume;
    if (resume != null && resume.jobId().equals(e.jobId())
        && (resume.executionNumber() == 0 || resume.executionNumber() == e.execution())) {
      pendingResume = null;
      if (resume.outcomeStatus() != null) {
        sendOutcome(new RunningJob<>(e, true, this::progress),
            new JobOutcome(resume.outcomeStatus(), resume.outcomeDetails()));
      } else {
        startJob(e, true);
      }
      return;
    }
    Finished f = finished.get(key(e));
    if (f != null) {
      if (!f.confirmed() && f.outcome() != null) {
        log.info("jobs agent {}: job {} still pending in the cloud, sending its outcome again", thingName(), e.jobId());
        sendOutcome(new RunningJob<>(e, false, this::progress), f.outcome());
      }
      return; // a re-delivery of an execution already handled
    }
    if (e.jobDocument() == null) {
      describeJob(e.jobId(), e.executionNumber());
      return;
    }
    startJob(e, false);
  }

  private void startJob(JobExecution e, boolean resumed) {
    RunningJob<D> r = new RunningJob<>(e, resumed, this::progress);
    current = r;
    saveState(new JobStateFile.Saved(e.jobId(), e.execution(), null, null));
    try {
      r.document = documentType.decode(e.jobDocument());
    } catch (JobDocumentException ex) {
      log.warn("jobs agent {}: rejecting job {}: {}", thingName(), e.jobId(), ex.getMessage());
      sendOutcome(r, JobOutcome.rejected("malformed job document: " + ex.getMessage()));
      return;
    }
    r.deadline = deadlineOf(e);
    if (resumed && !canResume(r)) {
      sendOutcome(r, JobOutcome.failed("the device restarted while the job ran and its handler cannot resume it"));
      return;
    }
    UpdateJobExecutionRequest claim = UpdateJobExecutionRequest.builder(JobStatus.IN_PROGRESS)
        .expectedVersion(e.versionNumber())
        .executionNumber(e.executionNumber())
        .includeJobExecutionState(true)
        .stepTimeoutInMinutes(stepTimeoutMinutes())
        .statusDetails(resumed ? withResumed(e.statusDetails()) : null)
        .build();
    client.update(e.jobId(), claim).whenCompleteAsync((resp, err) -> {
      if (current != r) {
        return;
      }
      if (err == null) {
        r.version = versionAfter(resp, r.version);
        claimAttempts.remove(r.key());
        listener.onJobStarted(e, resumed);
        r.worker = workers.submit(() -> runHandler(r));
        return;
      }
      current = null;
      JobException je = jobException(err);
      if (je == null) {
        problem("claiming job " + e.jobId() + " failed; will describe again", err);
        scheduleDescribeNext();
        return;
      }
      listener.onUpdateRejected(e.jobId(), je);
      int attempts = claimAttempts.merge(r.key(), 1, Integer::sum);
      if (je.code() == JobErrorCode.VERSION_MISMATCH && attempts < MAX_CLAIM_ATTEMPTS) {
        describeJob(e.jobId(), e.executionNumber()); // changed by someone else: look again
      } else {
        log.warn("jobs agent {}: job {} could not be claimed: {}", thingName(), e.jobId(), je.getMessage());
        finished.put(r.key(), new Finished(null, true));
        clearState();
        describeNext();
      }
    }, control);
  }

  private void runHandler(RunningJob<D> r) {
    JobOutcome outcome;
    try {
      outcome = handler.run(r);
      if (outcome == null) {
        outcome = JobOutcome.failed("the job handler returned no outcome");
      }
    } catch (InterruptedException e) {
      outcome = r.isCancelled() ? null : JobOutcome.failed("the job handler was interrupted");
    } catch (Exception e) {
      log.warn("jobs agent {}: handler of job {} failed: {}", thingName(), r.jobId(), e.toString());
      outcome = JobOutcome.failed(e.getMessage() == null ? e.toString() : e.getMessage());
    }
    JobOutcome o = outcome;
    if (o != null) {
      onControl(() -> sendOutcome(r, o));
    }
  }

  /** Sends the terminal update of {@code r} once its earlier updates are answered, then moves on. */
  private void sendOutcome(RunningJob<D> r, JobOutcome outcome) {
    if (r.isCancelled() || (current != null && current != r)) {
      return;
    }
    current = r;
    r.finishing = true;
    saveState(new JobStateFile.Saved(r.jobId(), r.execution.execution(), outcome.status(), outcome.statusDetails()));
    r.updates = r.updates.handle((v, e) -> null).thenCompose(v -> client.update(r.jobId(),
            UpdateJobExecutionRequest.builder(outcome.status())
                .expectedVersion(r.version)
                .executionNumber(r.execution.executionNumber())
                .statusDetails(outcome.statusDetails().isEmpty() ? null : outcome.statusDetails())
                .build()))
        .whenCompleteAsync((resp, err) -> {
          if (current == r) {
            current = null;
          }
          JobException je = err == null ? null : jobException(err);
          if (err == null) {
            finished.put(r.key(), new Finished(outcome, true));
            clearState();
            log.info("jobs agent {}: job {} {}", thingName(), r.jobId(), outcome.status());
            listener.onJobFinished(r.jobId(), outcome);
          } else if (je != null) {
            finished.put(r.key(), new Finished(outcome, true));
            clearState();
            log.warn("jobs agent {}: outcome of job {} refused: {}", thingName(), r.jobId(), je.getMessage());
            listener.onUpdateRejected(r.jobId(), je);
          } else {
            finished.put(r.key(), new Finished(outcome, false));
            problem("outcome of job " + r.jobId() + " not confirmed; will send it again", err);
            scheduleDescribeNext();
            return;
          }
          describeNext();
        }, control);
  }

  private CompletableFuture<Void> progress(RunningJob<D> r, Map<String, String> details) {
    UpdateJobExecutionRequest.Builder update = UpdateJobExecutionRequest.builder(JobStatus.IN_PROGRESS)
        .statusDetails(details).includeJobExecutionState(true).executionNumber(r.execution.executionNumber());
    update.build(); // checks the details at once, on the caller's thread
    CompletableFuture<Void> result = new CompletableFuture<>();
    onControl(() -> {
      if (current != r || r.finishing || r.isCancelled()) {
        result.completeExceptionally(new IllegalStateException("job " + r.jobId() + " is no longer running"));
        return;
      }
      r.updates = r.updates.handle((v, e) -> null)
          .thenCompose(v -> client.update(r.jobId(), update.expectedVersion(r.version).build()))
          .whenCompleteAsync((resp, err) -> {
            if (err == null) {
              r.version = versionAfter(resp, r.version);
              result.complete(null);
              return;
            }
            JobException je = jobException(err);
            if (je != null) {
              listener.onUpdateRejected(r.jobId(), je);
              result.completeExceptionally(je);
            } else {
              result.completeExceptionally(unwrap(err));
            }
          }, control);
    });
    return result;
  }

  /** Asks the service whether the running job is still pending; cancels it when it is not. */
  private void verifyCurrent() {
    RunningJob<D> r = current;
    if (r == null || r.verifying || r.finishing) {
      return;
    }
    r.verifying = true;
    client.describe(r.jobId(), new DescribeJobExecutionRequest(r.execution.executionNumber(), false, null))
        .whenCompleteAsync((resp, e) -> {
          r.verifying = false;
          if (current != r || r.finishing) {
            return;
          }
          JobStatus ended = null;
          if (e != null) {
            if (codeOf(e) == JobErrorCode.RESOURCE_NOT_FOUND) {
              ended = JobStatus.UNKNOWN;
            } else {
              problem("could not check job " + r.jobId(), e);
            }
          } else if (resp.execution() == null) {
            ended = JobStatus.UNKNOWN;
          } else if (!resp.execution().status().isPending()) {
            ended = resp.execution().status();
          }
          if (ended != null) {
            cancel(r, ended);
          }
        }, control);
  }

  private void cancel(RunningJob<D> r, JobStatus status) {
    log.info("jobs agent {}: job {} ended in the cloud ({}); cancelling the handler", thingName(), r.jobId(), status);
    current = null;
    finished.put(r.key(), new Finished(null, true));
    clearState();
    r.cancellation.complete(status);
    if (r.worker != null) {
      r.worker.cancel(true);
    }
    listener.onJobCancelled(r.jobId(), status);
    describeNext();
  }

  private void describeNext() {
    if (closed) {
      return;
    }
    client.describe(JobTopics.NEXT, DescribeJobExecutionRequest.LATEST).whenCompleteAsync((resp, e) -> {
      if (e != null) {
        problem("describe $next failed; will try again", e);
        scheduleDescribeNext();
      } else {
        consider(resp.execution(), Source.DESCRIBE_NEXT);
      }
    }, control);
  }

  private void describeJob(String jobId, Long executionNumber) {
    client.describe(jobId, new DescribeJobExecutionRequest(executionNumber, true, null))
        .whenCompleteAsync((DescribeJobExecutionResponse resp, Throwable e) -> {
          if (e != null) {
            problem("describe of job " + jobId + " failed", e);
            scheduleDescribeNext();
          } else {
            consider(resp.execution(), Source.DESCRIBE_JOB);
          }
        }, control);
  }

  private void scheduleDescribeNext() {
    if (nextRetryScheduled || closed) {
      return;
    }
    nextRetryScheduled = true;
    try {
      control.schedule(() -> {
        nextRetryScheduled = false;
        describeNext();
      }, retryDelay.toMillis(), TimeUnit.MILLISECONDS);
    } catch (RejectedExecutionException stopped) {
      nextRetryScheduled = false;
    }
  }

  // ---- helpers ----

  private boolean canResume(RunningJob<D> r) {
    try {
      return handler.canResume(r);
    } catch (RuntimeException e) {
      log.warn("jobs agent {}: canResume of job {} threw {}", thingName(), r.jobId(), e.toString());
      return false;
    }
  }

  private Instant deadlineOf(JobExecution e) {
    Instant now = Instant.now();
    Instant byStep = stepTimeout == null ? null : now.plus(stepTimeout);
    Instant byService = e.approximateSecondsBeforeTimedOut() == null ? null
        : now.plusSeconds(e.approximateSecondsBeforeTimedOut());
    if (byStep == null) {
      return byService;
    }
    return byService == null || byStep.isBefore(byService) ? byStep : byService;
  }

  private Integer stepTimeoutMinutes() {
    if (stepTimeout == null) {
      return null;
    }
    long minutes = (stepTimeout.toSeconds() + 59) / 60;
    return (int) Math.max(1, Math.min(10_080, minutes));
  }

  private static Map<String, String> withResumed(Map<String, String> details) {
    Map<String, String> m = new LinkedHashMap<>(details);
    if (m.size() < 10 || m.containsKey("resumed")) {
      m.put("resumed", "true");
    }
    return m;
  }

  private static long versionAfter(UpdateJobExecutionResponse resp, long before) {
    if (resp != null && resp.executionState() != null && resp.executionState().versionNumber() != null) {
      return resp.executionState().versionNumber();
    }
    return before + 1;
  }

  static String key(JobExecution e) {
    return e.jobId() + "#" + e.execution();
  }

  private Optional<JobStateFile.Saved> loadState() {
    return stateFile == null ? Optional.empty() : stateFile.load();
  }

  private void saveState(JobStateFile.Saved s) {
    if (stateFile != null) {
      try {
        stateFile.save(s);
      } catch (RuntimeException e) {
        problem("could not save the jobs state file", e);
      }
    }
  }

  private void clearState() {
    if (stateFile != null) {
      try {
        stateFile.clear();
      } catch (RuntimeException e) {
        problem("could not clear the jobs state file", e);
      }
    }
  }

  private void forgetResume() {
    pendingResume = null;
    if (current == null) {
      clearState();
    }
  }

  private void problem(String what, Throwable cause) {
    Throwable c = unwrap(cause);
    log.warn("jobs agent {}: {}: {}", thingName(), what, c.toString());
    try {
      listener.onProblem(what, c);
    } catch (RuntimeException e) {
      log.warn("jobs agent listener threw {}", e.toString());
    }
  }

  private void onControl(Runnable task) {
    if (closed) {
      return;
    }
    try {
      control.execute(() -> {
        try {
          task.run();
        } catch (RuntimeException e) {
          log.error("jobs agent {}: internal error", thingName(), e);
        }
      });
    } catch (RejectedExecutionException stopped) {
      log.debug("jobs agent {} is closed; event dropped", thingName());
    }
  }

  private static JobException jobException(Throwable e) {
    return unwrap(e) instanceof JobException je ? je : null;
  }

  private static JobErrorCode codeOf(Throwable e) {
    JobException je = jobException(e);
    return je == null ? null : je.code();
  }

  private static Throwable unwrap(Throwable e) {
    while (e instanceof CompletionException && e.getCause() != null) {
      e = e.getCause();
    }
    return e;
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
    control.shutdownNow();
    workers.shutdownNow();
    try {
      control.awaitTermination(2, TimeUnit.SECONDS);
      workers.awaitTermination(2, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
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

    public Builder<D> listener(JobAgentListener value) {
      this.listener = Objects.requireNonNull(value);
      return this;
    }

    public JobAgent<D> build() {
      return new JobAgent<>(this);
    }
  }
}
