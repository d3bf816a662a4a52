package dev.thingbridge.jobs;

import dev.thingbridge.jobs.model.JobExecution;
import dev.thingbridge.jobs.model.JobExecutionStatus;

/**
 * Observes a {@link JobAgent}: for logs, metrics and tests. Called on the agent's control thread; must be
 * quick and must not throw.
 */
public interface JobAgentListener {
  /** Does nothing. */
  JobAgentListener NONE = new JobAgentListener() {};

  /** An execution was claimed (IN_PROGRESS accepted) and handed to the handler. */
  default void onJobStarted(JobExecution execution, boolean resumed) {}

  /** The service accepted the terminal update of a job. */
  default void onJobFinished(String jobId, JobOutcome outcome) {}

  /** The execution was canceled, removed or timed out in the cloud while the device ran it. */
  default void onJobCancelled(String jobId, JobExecutionStatus status) {}

  /**
   * The service refused an update of a job; {@link JobException#code()} says why ({@code VERSION_MISMATCH}
   * when the update was stale).
   */
  default void onUpdateRejected(String jobId, JobException error) {}

  /** Something went wrong that the agent will recover from (a timeout, a malformed notification). */
  default void onProblem(String what, Throwable cause) {}
}
