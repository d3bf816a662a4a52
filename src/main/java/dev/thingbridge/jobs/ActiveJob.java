package dev.thingbridge.jobs;

import dev.thingbridge.jobs.model.JobExecution;
import dev.thingbridge.jobs.model.JobExecutionStatus;
import java.time.Instant;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;

/**
 * A job execution handed to a {@link JobHandler}: its document, whether it is resumed after a restart,
 * the cancellation signal and progress reporting.
 *
 * @param <D> the job document type
 */
public interface ActiveJob<D> {
  /** The job id. */
  String jobId();

  /** The execution as the service described it when the job was handed over. */
  JobExecution execution();

  /** The job document, decoded. */
  D document();

  /** Whether this execution was running when the device (or the agent) stopped, and is handed back. */
  boolean resumed();

  /**
   * When the job should be done by: the agent's step timeout, or what the service said was left before
   * TIMED_OUT, whichever is earlier. Empty when neither is known.
   */
  Optional<Instant> deadline();

  /**
   * Completes when the execution stopped being the device's to run (canceled, removed or timed out in the
   * cloud), with the status the service gave it. When the service refuses to describe the finished execution
   * ({@code TerminalStateReached}, which carries no state) the agent asks with an update that cannot be accepted,
   * whose refusal carries the state. {@link JobExecutionStatus#UNKNOWN} if the execution was deleted, or if neither
   * answer said how it ended.
   */
  CompletableFuture<JobExecutionStatus> cancellation();

  /** Whether {@link #cancellation()} has completed. */
  default boolean isCancelled() {
    return cancellation().isDone();
  }

  /**
   * Reports progress: an IN_PROGRESS update at QoS 1 with these details, conditional on the execution's
   * version (so it is refused if someone else changed the execution meanwhile). Updates of one job are
   * sent in order. Completes when the service accepted it; fails with {@link JobException} (VERSION_MISMATCH
   * for a stale one) or an MQTT timeout. Need not be waited for.
   */
  CompletableFuture<Void> reportProgress(Map<String, String> statusDetails);

  /**
   * Reports the job's outcome now, before the handler returns: for work that must happen only once the cloud
   * knows how the job ended, such as a reboot. Completes when the service accepted the update; fails with
   * {@link JobException} when it refused it, or with an MQTT error when no answer came (the agent then sends
   * the outcome again later, also after a restart). Whatever the handler returns afterwards is not reported;
   * the agent takes the next job only when the handler has returned. Call it at most once.
   */
  CompletableFuture<Void> finish(JobOutcome outcome);
}
