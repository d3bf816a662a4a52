package dev.thingbridge.transfer;

import com.fasterxml.jackson.databind.JsonNode;
import dev.thingbridge.jobs.ActiveJob;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;

/**
 * One OTA job execution to run: what {@link OtaUpdater#run} needs.
 *
 * @param jobId the job id
 * @param statusDetails the execution's statusDetails as the cloud has them ({@code self_test} decides the
 *     self-test flow)
 * @param document the whole job document
 * @param control where status updates go
 * @param cancellation completes when the job was taken away in the cloud (may be null)
 */
public record OtaJob(String jobId, Map<String, String> statusDetails, JsonNode document, OtaJobControl control,
    CompletableFuture<?> cancellation) {
  public OtaJob {
    Objects.requireNonNull(jobId, "jobId");
    Objects.requireNonNull(control, "control");
    statusDetails = statusDetails == null ? Map.of() : Map.copyOf(statusDetails);
    cancellation = cancellation == null ? new CompletableFuture<>() : cancellation;
  }

  /** The job a {@link dev.thingbridge.jobs.JobAgent} hands its handler. */
  public static OtaJob of(ActiveJob<JsonNode> job) {
    return new OtaJob(job.jobId(), job.execution().statusDetails(), job.document(), OtaJobControl.of(job),
        job.cancellation());
  }
}
