package dev.thingbridge.transfer;

import dev.thingbridge.jobs.ActiveJob;
import dev.thingbridge.jobs.JobClient;
import dev.thingbridge.jobs.JobOutcome;
import dev.thingbridge.jobs.model.JobExecutionStatus;
import dev.thingbridge.jobs.model.UpdateJobExecutionRequest;
import java.util.Map;
import java.util.concurrent.CompletableFuture;

/**
 * How an OTA update reports to its job execution (rustot's control interface). {@link #of(ActiveJob)} reports
 * through a {@link dev.thingbridge.jobs.JobAgent}'s running job; {@link #of(JobClient, String)} publishes the
 * updates directly, for a job loop of your own.
 */
public interface OtaJobControl {
  /**
   * A progress update that need not be waited for (download progress). Completes when the service answered;
   * a rejection means the job is no longer ours.
   */
  CompletableFuture<Void> progress(Map<String, String> statusDetails);

  /**
   * An update the service must accept before the update goes on (the first and last progress, {@code
   * self_test} changes, the terminal status). A terminal status ends the execution.
   */
  CompletableFuture<Void> update(JobExecutionStatus status, Map<String, String> statusDetails);

  /** Through a job agent: progress and IN_PROGRESS via {@link ActiveJob#reportProgress}, terminal via {@link ActiveJob#finish}. */
  static OtaJobControl of(ActiveJob<?> job) {
    return new OtaJobControl() {
      @Override
      public CompletableFuture<Void> progress(Map<String, String> statusDetails) {
        return job.reportProgress(statusDetails);
      }

      @Override
      public CompletableFuture<Void> update(JobExecutionStatus status, Map<String, String> statusDetails) {
        return status == JobExecutionStatus.IN_PROGRESS ? job.reportProgress(statusDetails)
            : job.finish(new JobOutcome(status, statusDetails));
      }
    };
  }

  /**
   * Directly, as rustot does: every update published at QoS 1 on {@code $aws/things/{thing}/jobs/{jobId}/update}
   * without {@code expectedVersion}; {@link #progress} is not waited for.
   */
  static OtaJobControl of(JobClient client, String jobId) {
    return new OtaJobControl() {
      @Override
      public CompletableFuture<Void> progress(Map<String, String> statusDetails) {
        return update(JobExecutionStatus.IN_PROGRESS, statusDetails);
      }

      @Override
      public CompletableFuture<Void> update(JobExecutionStatus status, Map<String, String> statusDetails) {
        return client.update(jobId, UpdateJobExecutionRequest.builder(status).statusDetails(statusDetails).build())
            .thenApply(r -> null);
      }
    };
  }
}
