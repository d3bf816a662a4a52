package dev.thingbridge.jobs;

import dev.thingbridge.jobs.model.JobExecutionState;

/**
 * A Jobs {@code rejected} reply. {@code executionState} comes only with {@code VersionMismatch} and
 * {@code InvalidStateTransition}.
 */
public record JobErrorResponse(
    JobErrorCode code, String message, String clientToken, Long timestamp, JobExecutionState executionState) {
  public JobErrorResponse {
    code = code == null ? JobErrorCode.UNKNOWN : code;
    message = message == null ? "" : message;
  }
}
