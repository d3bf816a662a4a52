package dev.thingbridge.transfer;

import dev.thingbridge.jobs.model.JobExecutionStatus;
import java.util.Map;

/**
 * How an OTA job ended on this run.
 *
 * @param status the terminal status reported (SUCCEEDED, FAILED, REJECTED), or IN_PROGRESS when the device is
 *     restarting into the new image and the job goes on at the next start
 * @param statusDetails what was reported with it
 * @param error the failure, or null
 */
public record OtaResult(JobExecutionStatus status, Map<String, String> statusDetails, OtaException error) {
  public OtaResult {
    statusDetails = statusDetails == null ? Map.of() : Map.copyOf(statusDetails);
  }

  /** Whether the device restarts into a new image (the job is not over). */
  public boolean isRestarting() {
    return status == JobExecutionStatus.IN_PROGRESS;
  }

  public boolean isSuccess() {
    return status == JobExecutionStatus.SUCCEEDED;
  }
}
