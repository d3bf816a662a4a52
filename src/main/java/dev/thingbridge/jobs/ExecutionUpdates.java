package dev.thingbridge.jobs;

import static dev.thingbridge.internal.Futures.unwrap;

import dev.thingbridge.jobs.model.JobExecutionState;
import dev.thingbridge.jobs.model.UpdateJobExecutionRequest;
import dev.thingbridge.jobs.model.UpdateJobExecutionResponse;
import dev.thingbridge.mqtt.MqttTimeoutException;
import java.util.concurrent.CompletableFuture;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The progress and terminal updates of a running execution, sent expecting the version the agent knows. An update
 * whose answer was lost (a reply timeout, a connection dropped between the update and its answer) may still have
 * been applied, leaving the agent a version behind: the next update is then refused with {@code VersionMismatch}
 * and, before this, the job's outcome was refused and the execution left IN_PROGRESS in the cloud. So an update
 * refused only for that reason is sent once more, expecting the version the refusal names; a version moved by
 * anyone else stays a refusal.
 */
final class ExecutionUpdates {
  private static final Logger log = LoggerFactory.getLogger(ExecutionUpdates.class);

  private ExecutionUpdates() {}

  /** Sends {@code update} for {@code r}, counting unanswered updates and adopting the version they left behind. */
  static CompletableFuture<UpdateJobExecutionResponse> send(JobClient client, RunningJob<?> r,
      UpdateJobExecutionRequest.Builder update) {
    long known = r.version;
    int unanswered = r.unanswered;
    return client.update(r.jobId(), update.expectedVersion(known).build()).whenComplete((ok, e) -> {
      if (e == null) {
        r.unanswered = 0; // the answer says where the version is
      } else if (unwrap(e) instanceof MqttTimeoutException) {
        r.unanswered++;
      }
    }).exceptionallyCompose(e -> {
      Long current = versionAfterUnanswered(e, known, unanswered);
      if (current == null) {
        return CompletableFuture.failedFuture(unwrap(e));
      }
      log.info("jobs agent {}: job {} is at version {}, not {}: an update was applied but its answer lost; "
          + "sending again", client.thingName(), r.jobId(), current, known);
      r.version = current;
      r.unanswered = 0;
      return client.update(r.jobId(), update.expectedVersion(current).build());
    });
  }

  /**
   * The version the service holds when it refused an update only because {@code unanswered} earlier updates were
   * applied: {@code VersionMismatch} with the state (AWS and the twin send it) of an execution still pending, at
   * most {@code unanswered} versions past {@code sent}; null otherwise.
   */
  static Long versionAfterUnanswered(Throwable e, long sent, int unanswered) {
    JobException je = ExecutionRules.jobException(e);
    if (unanswered <= 0 || je == null || je.code() != JobErrorCode.VERSION_MISMATCH) {
      return null;
    }
    JobExecutionState state = je.executionState().orElse(null);
    if (state == null || !state.status().isPending() || state.versionNumber() == null) {
      return null;
    }
    long v = state.versionNumber();
    return v > sent && v - sent <= unanswered ? v : null;
  }
}
