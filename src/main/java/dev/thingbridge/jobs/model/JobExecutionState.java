package dev.thingbridge.jobs.model;

import com.fasterxml.jackson.annotation.JsonInclude;
import java.util.Map;

/**
 * The state part of an execution, as update replies and {@code VersionMismatch} /
 * {@code InvalidStateTransition} errors carry it.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record JobExecutionState(JobExecutionStatus status, Map<String, String> statusDetails, Long versionNumber) {
  public JobExecutionState {
    status = status == null ? JobExecutionStatus.UNKNOWN : status;
    statusDetails = statusDetails == null ? Map.of() : Map.copyOf(statusDetails);
  }
}
