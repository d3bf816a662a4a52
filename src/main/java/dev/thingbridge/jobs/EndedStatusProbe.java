package dev.thingbridge.jobs;

import dev.thingbridge.jobs.model.JobExecutionState;
import dev.thingbridge.jobs.model.JobExecutionStatus;
import dev.thingbridge.jobs.model.UpdateJobExecutionRequest;
import java.util.concurrent.CompletableFuture;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Learns how an execution ended when the service refused to describe it. AWS refuses a describe of a finished
 * execution with {@code TerminalStateReached}, whose error carries no execution state (AWS sends that only with
 * {@code VersionMismatch} and {@code InvalidStateTransition}); so the device would not know whether the job was
 * canceled or timed out. The probe is an update that cannot be accepted: it expects version 0, which no execution
 * has (versions start at 1), so the service refuses it with {@code VersionMismatch} or, for a finished execution,
 * {@code InvalidStateTransition}, and either refusal carries the execution's state. It changes nothing in the cloud.
 */
final class EndedStatusProbe {
  private static final Logger log = LoggerFactory.getLogger(EndedStatusProbe.class);
  /** An expected version no execution has: the probe is refused whatever the execution's state. */
  private static final long NO_VERSION = 0;

  private EndedStatusProbe() {}

  /**
   * How an execution whose describe was refused with {@code refusal} ended: the status the refusal or the probe
   * names, {@link JobExecutionStatus#UNKNOWN} when the service says it is over without saying how (or it is
   * deleted); a failed future with {@code refusal} when the refusal says nothing about the execution.
   */
  static CompletableFuture<JobExecutionStatus> afterRefusedDescribe(JobClient client, String jobId,
      long executionNumber, Throwable refusal) {
    JobExecutionStatus ended = ExecutionRules.endedStatus(refusal);
    if (ended == null) {
      return CompletableFuture.failedFuture(refusal);
    }
    if (ended != JobExecutionStatus.UNKNOWN || ExecutionRules.codeOf(refusal) != JobErrorCode.TERMINAL_STATE_REACHED) {
      return CompletableFuture.completedFuture(ended);
    }
    UpdateJobExecutionRequest probe = UpdateJobExecutionRequest.builder(JobExecutionStatus.IN_PROGRESS)
        .executionNumber(executionNumber).expectedVersion(NO_VERSION).includeJobExecutionState(true).build();
    return client.update(jobId, probe).handle((accepted, e) -> {
      if (e == null) {
        // Only a service that ignores expectedVersion accepts it; then the execution is still the device's.
        JobExecutionState state = accepted.executionState();
        return state == null || state.status().isPending() ? null : state.status();
      }
      JobException je = ExecutionRules.jobException(e);
      JobExecutionStatus status = je == null ? null
          : je.executionState().map(JobExecutionState::status).filter(s -> !s.isPending()).orElse(null);
      if (status == null) {
        log.debug("jobs: the state of ended job {} is not known: {}", jobId, e.toString());
        return JobExecutionStatus.UNKNOWN;
      }
      return status;
    });
  }
}
