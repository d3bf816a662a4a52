package dev.thingbridge.jobs.model;

import java.util.EnumMap;
import java.util.List;
import java.util.Map;

/** A {@code notify} message: the pending list changed. Lists are grouped by status. */
public record JobExecutionsChanged(Map<JobExecutionStatus, List<JobExecutionSummary>> jobs, Long timestamp) {
  public JobExecutionsChanged {
    Map<JobExecutionStatus, List<JobExecutionSummary>> copy = new EnumMap<>(JobExecutionStatus.class);
    if (jobs != null) {
      jobs.forEach((k, v) -> copy.put(k == null ? JobExecutionStatus.UNKNOWN : k, v == null ? List.of() : List.copyOf(v)));
    }
    jobs = Map.copyOf(copy);
  }

  public List<JobExecutionSummary> queued() {
    return jobs.getOrDefault(JobExecutionStatus.QUEUED, List.of());
  }

  public List<JobExecutionSummary> inProgress() {
    return jobs.getOrDefault(JobExecutionStatus.IN_PROGRESS, List.of());
  }
}
