package dev.thingbridge.jobs;

/**
 * Does the work of a job on the device. Called by {@link JobAgent} on a thread of its own
 * ({@code thingbridge-jobs-{thing}-worker-N}), once per execution.
 *
 * @param <D> the job document type
 */
@FunctionalInterface
public interface JobHandler<D> {
  /**
   * Runs the job and says how it ended. Throwing reports FAILED with the exception's message as the
   * reason. When the job is canceled in the cloud, {@link ActiveJob#cancellation()} completes and the
   * thread is interrupted; what the handler returns after that is not reported (the execution is over).
   */
  JobOutcome run(ActiveJob<D> job) throws Exception;

  /**
   * Whether a job that was running when the device stopped can be resumed now ({@link ActiveJob#resumed()}
   * is true). When false (the default) the agent reports the execution FAILED with a reason instead of
   * calling {@link #run}.
   */
  default boolean canResume(ActiveJob<D> job) {
    return false;
  }
}
