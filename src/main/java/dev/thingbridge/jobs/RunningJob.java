package dev.thingbridge.jobs;

import dev.thingbridge.jobs.model.JobExecution;
import dev.thingbridge.jobs.model.JobExecutionStatus;
import java.time.Instant;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Future;
import java.util.function.BiFunction;
import java.util.function.Function;

/** The agent's bookkeeping for the execution it runs; fields other than the futures are control-thread only. */
final class RunningJob<D> implements ActiveJob<D> {
  final JobExecution execution;
  final boolean resumed;
  final CompletableFuture<JobExecutionStatus> cancellation = new CompletableFuture<>();
  final Function<Map<String, String>, CompletableFuture<Void>> progress;
  final Function<JobOutcome, CompletableFuture<Void>> finisher;
  volatile long version;
  /**
   * Updates of this execution that left but went unanswered (reply timeout) since the version was last known:
   * the service may have applied them, so the version it holds may be that many ahead.
   */
  volatile int unanswered;
  volatile D document;
  volatile Instant deadline;
  CompletableFuture<?> updates = CompletableFuture.completedFuture(null);
  Future<?> worker;
  boolean finishing;
  boolean verifying;
  /** The handler reported its outcome through {@link #finish}; its return value is not reported. */
  boolean finishedEarly;
  /** The handler has returned. */
  boolean handlerDone;
  /** The service answered the terminal update (or it failed). */
  boolean answered;

  RunningJob(JobExecution execution, boolean resumed,
      BiFunction<RunningJob<D>, Map<String, String>, CompletableFuture<Void>> progress,
      BiFunction<RunningJob<D>, JobOutcome, CompletableFuture<Void>> finisher) {
    this.execution = execution;
    this.resumed = resumed;
    this.version = execution.version();
    this.progress = details -> progress.apply(this, details);
    this.finisher = outcome -> finisher.apply(this, outcome);
  }

  String key() {
    return ExecutionRules.key(execution);
  }

  @Override
  public String jobId() {
    return execution.jobId();
  }

  @Override
  public JobExecution execution() {
    return execution;
  }

  @Override
  public D document() {
    return document;
  }

  @Override
  public boolean resumed() {
    return resumed;
  }

  @Override
  public Optional<Instant> deadline() {
    return Optional.ofNullable(deadline);
  }

  @Override
  public CompletableFuture<JobExecutionStatus> cancellation() {
    return cancellation.copy(); // the handler may not complete the agent's own signal
  }

  @Override
  public CompletableFuture<Void> reportProgress(Map<String, String> statusDetails) {
    return progress.apply(statusDetails);
  }

  @Override
  public CompletableFuture<Void> finish(JobOutcome outcome) {
    return finisher.apply(outcome);
  }

  @Override
  public String toString() {
    return "ActiveJob[" + execution.jobId() + "#" + execution.execution() + (resumed ? ", resumed" : "") + "]";
  }
}
