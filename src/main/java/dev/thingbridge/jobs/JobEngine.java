package dev.thingbridge.jobs;

import static dev.thingbridge.jobs.ExecutionRules.codeOf;
import static dev.thingbridge.jobs.ExecutionRules.jobException;
import static dev.thingbridge.jobs.ExecutionRules.key;
import static dev.thingbridge.internal.Futures.unwrap;

import dev.thingbridge.internal.NamedThreadFactory;
import dev.thingbridge.jobs.internal.JobStateFile;
import dev.thingbridge.jobs.model.DescribeJobExecutionRequest;
import dev.thingbridge.jobs.model.JobExecution;
import dev.thingbridge.jobs.model.JobExecutionStatus;
import dev.thingbridge.jobs.model.NextJobExecutionChanged;
import dev.thingbridge.jobs.model.UpdateJobExecutionRequest;
import dev.thingbridge.mqtt.MqttMessage;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The decisions behind {@link dev.thingbridge.jobs.JobAgent}: which execution is new, a duplicate, a cancel
 * or an outcome to resend; claiming, running, reporting; remembering across restarts. Every decision runs on
 * one control thread ({@code thingbridge-jobs-{thing}-1}); handlers run on {@code thingbridge-jobs-{thing}-worker-N}.
 *
 * @param <D> the job document type
 */
final class JobEngine<D> implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(JobEngine.class);
  private static final int REMEMBERED = 128;
  private static final int MAX_CLAIM_ATTEMPTS = 3;

  /** What an engine runs with; {@code stateDir} and {@code stepTimeout} may be null. */
  public record Settings<D>(JobClient client, JobDocumentType<D> documentType, JobHandler<D> handler,
      JobAgentListener listener, Path stateDir, Duration stepTimeout, Duration retryDelay) {}

  private final JobClient client;
  private final JobDocumentType<D> documentType;
  private final JobHandler<D> handler;
  private final JobAgentListener listener;
  private final StateMemory state;
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
  private volatile boolean closed;

  /** An outcome sent for an execution; {@code confirmed} once the service answered it. */
  private record Finished(JobOutcome outcome, boolean confirmed) {}

  /** Where a view of an execution came from. */
  private enum Source { NOTIFY_NEXT, DESCRIBE_NEXT, DESCRIBE_JOB }

  public JobEngine(Settings<D> s) {
    this.client = s.client();
    this.documentType = s.documentType();
    this.handler = s.handler();
    this.listener = s.listener();
    this.state = new StateMemory(s.stateDir() == null ? null : new JobStateFile(s.stateDir(), client.thingName()),
        this::problem);
    this.stepTimeout = s.stepTimeout();
    this.retryDelay = s.retryDelay();
    String name = "thingbridge-jobs-" + client.thingName();
    this.control = Executors.newSingleThreadScheduledExecutor(new NamedThreadFactory(name, true));
    this.workers = Executors.newCachedThreadPool(new NamedThreadFactory(name + "-worker", true));
  }

  public String thingName() {
    return client.thingName();
  }

  public Optional<String> currentJobId() {
    RunningJob<D> r = current;
    return r == null ? Optional.empty() : Optional.of(r.jobId());
  }

  // ---- events, queued onto the control thread ----

  /** The notify-next subscription is in place: resume a remembered execution, then describe {@code $next}. */
  public void onSubscribed() {
    onControl(this::resumeOrDescribe);
  }

  public void onNotifyNextMessage(MqttMessage message) {
    onControl(() -> onNotifyNext(message));
  }

  /** The broker dropped the session; the client resubscribed, and what was missed must be asked for. */
  public void onSessionLost() {
    onControl(this::resync);
  }

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
    Optional<JobStateFile.Saved> saved = state.load();
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
          if (e != null && ExecutionRules.endedStatus(e) != null) {
            log.info("jobs agent {}: remembered job {} is over or gone", thingName(), pendingResume.jobId());
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
    if (e == null || resuming || !e.status().isPending()) {
      return;
    }
    JobStateFile.Saved resume = pendingResume;
    if (resume != null && resume.jobId().equals(e.jobId())
        && (resume.executionNumber() == 0 || resume.executionNumber() == e.execution())) {
      pendingResume = null;
      if (resume.outcomeStatus() != null) {
        sendOutcome(new RunningJob<>(e, true, this::progress, this::finishEarly),
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
        sendOutcome(new RunningJob<>(e, false, this::progress, this::finishEarly), f.outcome());
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
    RunningJob<D> r = new RunningJob<>(e, resumed, this::progress, this::finishEarly);
    current = r;
    state.save(new JobStateFile.Saved(e.jobId(), e.execution(), null, null));
    try {
      r.document = documentType.decode(e.jobDocument());
    } catch (JobDocumentException ex) {
      log.warn("jobs agent {}: rejecting job {}: {}", thingName(), e.jobId(), ex.getMessage());
      sendOutcome(r, JobOutcome.rejected("malformed job document: " + ex.getMessage()));
      return;
    }
    r.deadline = ExecutionRules.deadlineOf(e, stepTimeout, Instant.now());
    if (resumed && !ExecutionRules.canResume(handler, r)) {
      sendOutcome(r, JobOutcome.failed("the device restarted while the job ran and its handler cannot resume it"));
      return;
    }
    UpdateJobExecutionRequest claim = UpdateJobExecutionRequest.builder(JobExecutionStatus.IN_PROGRESS)
        .expectedVersion(e.versionNumber())
        .executionNumber(e.executionNumber())
        .includeJobExecutionState(true)
        .stepTimeoutInMinutes(ExecutionRules.stepTimeoutMinutes(stepTimeout))
        .statusDetails(resumed ? ExecutionRules.withResumed(e.statusDetails()) : null)
        .build();
    client.update(e.jobId(), claim).whenCompleteAsync((resp, err) -> {
      if (current != r) {
        return;
      }
      if (err == null) {
        r.version = ExecutionRules.versionAfter(resp, r.version);
        claimAttempts.remove(r.key());
        listener.onJobStarted(e, resumed);
        r.worker = workers.submit(() -> runHandler(r));
        return;
      }
      current = null;
      claimRefused(r, err);
    }, control);
  }

  private void claimRefused(RunningJob<D> r, Throwable err) {
    JobException je = jobException(err);
    if (je == null) {
      problem("claiming job " + r.jobId() + " failed; will describe again", err);
      scheduleDescribeNext();
      return;
    }
    listener.onUpdateRejected(r.jobId(), je);
    int attempts = claimAttempts.merge(r.key(), 1, Integer::sum);
    if (je.code() == JobErrorCode.VERSION_MISMATCH && attempts < MAX_CLAIM_ATTEMPTS) {
      describeJob(r.jobId(), r.execution.executionNumber()); // changed by someone else: look again
    } else {
      log.warn("jobs agent {}: job {} could not be claimed: {}", thingName(), r.jobId(), je.getMessage());
      finished.put(r.key(), new Finished(null, true));
      state.clear();
      describeNext();
    }
  }

  private void runHandler(RunningJob<D> r) {
    JobOutcome outcome = ExecutionRules.outcomeOf(handler, r);
    onControl(() -> handlerReturned(r, outcome));
  }

  private void handlerReturned(RunningJob<D> r, JobOutcome outcome) {
    r.handlerDone = true;
    if (r.finishedEarly) {
      if (r.answered && current == r) {
        current = null;
        describeNext();
      }
      return;
    }
    if (outcome != null) {
      sendOutcome(r, outcome, null);
    }
  }

  /** {@link dev.thingbridge.jobs.ActiveJob#finish}: the outcome now, the next job once the handler returned. */
  private CompletableFuture<Void> finishEarly(RunningJob<D> r, JobOutcome outcome) {
    java.util.Objects.requireNonNull(outcome, "outcome");
    CompletableFuture<Void> result = new CompletableFuture<>();
    onControl(() -> {
      if (current != r || r.finishing || r.isCancelled()) {
        result.completeExceptionally(new IllegalStateException("job " + r.jobId() + " is no longer running"));
        return;
      }
      r.finishedEarly = true;
      sendOutcome(r, outcome, result);
    });
    return result;
  }

  private void sendOutcome(RunningJob<D> r, JobOutcome outcome) {
    sendOutcome(r, outcome, null);
  }

  /** Sends the terminal update of {@code r} once its earlier updates are answered, then moves on. */
  private void sendOutcome(RunningJob<D> r, JobOutcome outcome, CompletableFuture<Void> answered) {
    if (r.isCancelled() || (current != null && current != r)) {
      return;
    }
    current = r;
    r.finishing = true;
    state.save(new JobStateFile.Saved(r.jobId(), r.execution.execution(), outcome.status(), outcome.statusDetails()));
    r.updates = r.updates.handle((v, e) -> null).thenCompose(v -> ExecutionUpdates.send(client, r,
            UpdateJobExecutionRequest.builder(outcome.status())
                .executionNumber(r.execution.executionNumber())
                .statusDetails(outcome.statusDetails().isEmpty() ? null : outcome.statusDetails())))
        .whenCompleteAsync((resp, err) -> {
          outcomeAnswered(r, outcome, err);
          if (answered != null) {
            if (err == null) {
              answered.complete(null);
            } else {
              answered.completeExceptionally(unwrap(err));
            }
          }
        }, control);
  }

  private void outcomeAnswered(RunningJob<D> r, JobOutcome outcome, Throwable err) {
    r.answered = true;
    // A handler that reported early keeps the agent until it returns (it may be rebooting the device).
    boolean release = !r.finishedEarly || r.handlerDone;
    if (current == r && release) {
      current = null;
    }
    JobException je = err == null ? null : jobException(err);
    if (err == null) {
      finished.put(r.key(), new Finished(outcome, true));
      state.clear();
      log.info("jobs agent {}: job {} {}", thingName(), r.jobId(), outcome.status());
      listener.onJobFinished(r.jobId(), outcome);
    } else if (je != null) {
      finished.put(r.key(), new Finished(outcome, true));
      state.clear();
      log.warn("jobs agent {}: outcome of job {} refused: {}", thingName(), r.jobId(), je.getMessage());
      listener.onUpdateRejected(r.jobId(), je);
    } else {
      finished.put(r.key(), new Finished(outcome, false));
      problem("outcome of job " + r.jobId() + " not confirmed; will send it again", err);
      if (release) {
        scheduleDescribeNext();
      }
      return;
    }
    if (release) {
      describeNext();
    }
  }

  private CompletableFuture<Void> progress(RunningJob<D> r, Map<String, String> details) {
    UpdateJobExecutionRequest.Builder update = UpdateJobExecutionRequest.builder(JobExecutionStatus.IN_PROGRESS)
        .statusDetails(details).includeJobExecutionState(true).executionNumber(r.execution.executionNumber());
    update.build(); // checks the details at once, on the caller's thread
    CompletableFuture<Void> result = new CompletableFuture<>();
    onControl(() -> {
      if (current != r || r.finishing || r.isCancelled()) {
        result.completeExceptionally(new IllegalStateException("job " + r.jobId() + " is no longer running"));
        return;
      }
      r.updates = r.updates.handle((v, e) -> null)
          .thenCompose(v -> ExecutionUpdates.send(client, r, update))
          .whenCompleteAsync((resp, err) -> {
            if (err == null) {
              r.version = ExecutionRules.versionAfter(resp, r.version);
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
    long executionNumber = r.execution.executionNumber();
    client.describe(r.jobId(), new DescribeJobExecutionRequest(executionNumber, false, null))
        .handle((resp, e) -> e != null ? EndedStatusProbe.afterRefusedDescribe(client, r.jobId(), executionNumber, e)
            : CompletableFuture.completedFuture(ExecutionRules.endedStatus(resp)))
        .thenCompose(ended -> ended)
        .whenCompleteAsync((ended, e) -> {
          r.verifying = false;
          if (current != r || r.finishing) {
            return;
          }
          if (e != null) {
            problem("could not check job " + r.jobId(), e);
          } else if (ended != null) {
            cancel(r, ended);
          }
        }, control);
  }

  private void cancel(RunningJob<D> r, JobExecutionStatus status) {
    log.info("jobs agent {}: job {} ended in the cloud ({}); cancelling the handler", thingName(), r.jobId(), status);
    current = null;
    finished.put(r.key(), new Finished(null, true));
    state.clear();
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
        .whenCompleteAsync((resp, e) -> {
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

  private void forgetResume() {
    pendingResume = null;
    if (current == null) {
      state.clear();
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

  /** Stops the control thread and interrupts the handler; reports nothing. Idempotent. */
  @Override
  public void close() {
    if (closed) {
      return;
    }
    closed = true;
    control.shutdownNow();
    workers.shutdownNow();
    try {
      control.awaitTermination(2, TimeUnit.SECONDS);
      workers.awaitTermination(2, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
