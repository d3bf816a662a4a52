package dev.thingbridge.transfer;

import com.fasterxml.jackson.databind.JsonNode;
import dev.thingbridge.jobs.ActiveJob;
import dev.thingbridge.jobs.JobHandler;
import dev.thingbridge.jobs.JobOutcome;
import dev.thingbridge.jobs.model.JobExecutionStatus;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * The job handler that runs OTA jobs through an {@link OtaUpdater}, for a {@link dev.thingbridge.jobs.JobAgent}
 * of your own; jobs that are not OTA jobs go to the handler given for them (or are REJECTED).
 *
 * <pre>{@code
 * OtaJobHandler ota = new OtaJobHandler(updater, JobHandlers.builder().on("reboot", Reboot.class, rebooter).build());
 * JobAgent<JsonNode> agent = JobAgent.builder(mqtt, JobDocumentType.JSON, ota).stateDir(dir).build();
 * }</pre>
 *
 * <p>Every status of an OTA job is sent by the updater itself (terminal ones through {@link ActiveJob#finish},
 * so that a reset may follow them); what this handler returns is then not reported again. When the device
 * restarts into new firmware the handler waits for the process to end (or the job to be canceled): the job goes
 * on at the next start, which hands it back resumed.
 */
public final class OtaJobHandler implements JobHandler<JsonNode> {
  private final OtaUpdater updater;
  private final JobHandler<JsonNode> others;

  /** OTA jobs only; any other job is REJECTED. */
  public OtaJobHandler(OtaUpdater updater) {
    this(updater, null);
  }

  /** OTA jobs through {@code updater}, any other job through {@code others}. */
  public OtaJobHandler(OtaUpdater updater, JobHandler<JsonNode> others) {
    this.updater = Objects.requireNonNull(updater, "updater");
    this.others = others;
  }

  /** Whether a document is an OTA job (a malformed one counts: it is rejected as such). */
  public boolean isOtaJob(JsonNode document) {
    try {
      return updater.read(document).isPresent();
    } catch (OtaDocumentException e) {
      return true;
    }
  }

  @Override
  public JobOutcome run(ActiveJob<JsonNode> job) throws Exception {
    if (!isOtaJob(job.document())) {
      return others != null ? others.run(job) : JobOutcome.rejected("not an OTA job (no afr_ota)");
    }
    OtaResult r = updater.run(OtaJob.of(job));
    if (r.isRestarting()) {
      job.cancellation().get(); // the process ends (restart) before this returns, or the job was canceled
      return JobOutcome.failed("canceled while restarting");
    }
    if (r.status() == JobExecutionStatus.CANCELED || r.error() != null && r.error().code() == OtaErrorCode.USER_ABORT) {
      awaitCancellation(job);
      return JobOutcome.failed(r.error() == null ? "canceled" : r.error().getMessage());
    }
    return new JobOutcome(r.status(), r.statusDetails());
  }

  private void awaitCancellation(ActiveJob<JsonNode> job) throws InterruptedException {
    try {
      job.cancellation().get(updater.config().statusAckTimeout().toMillis(), TimeUnit.MILLISECONDS);
    } catch (ExecutionException | TimeoutException e) {
      // the agent did not see it end; the outcome is then sent and refused, which is harmless
    }
  }

  @Override
  public boolean canResume(ActiveJob<JsonNode> job) {
    if (isOtaJob(job.document())) {
      return true; // downloads resume from their checkpoint; activations continue with the self-test
    }
    return others != null && others.canResume(job);
  }

  /** The OTA request of a job, if it is one. */
  public Optional<OtaDocument> otaRequest(JsonNode document) {
    return updater.read(document);
  }
}
