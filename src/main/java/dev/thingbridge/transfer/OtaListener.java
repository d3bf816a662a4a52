package dev.thingbridge.transfer;

import dev.thingbridge.jobs.model.JobExecutionStatus;
import java.util.Map;

/**
 * Observes OTA jobs: progress bars, logs, metrics, tests. Called on the job's thread; must be quick and must not
 * throw.
 */
public interface OtaListener {
  OtaListener NONE = new OtaListener() {};

  /** A job starts (or resumes, with blocks already on disk). */
  default void onJobStarted(String jobId, OtaDocument document) {}

  /** Download progress: after the first block, then at most every 200 ms, and at each file's end. */
  default void onProgress(TransferProgress progress) {}

  /** A file passed its checks. */
  default void onFileVerified(String jobId, VerifiedFile file) {}

  /** A status update the cloud accepted (or, for progress, was sent). */
  default void onStatus(String jobId, JobExecutionStatus status, Map<String, String> statusDetails) {}

  /** The job ended on this run. */
  default void onJobFinished(String jobId, OtaResult result) {}
}
