package dev.thingbridge.jobs.model;

import java.util.List;

/**
 * The accepted reply to GetPendingJobExecutions: every pending execution (not just the first). A list the
 * service leaves out is empty here.
 */
public record GetPendingJobExecutionsResponse(
    List<JobExecutionSummary> inProgressJobs, List<JobExecutionSummary> queuedJobs, Long timestamp,
    String clientToken) {
  public GetPendingJobExecutionsResponse {
    inProgressJobs = inProgressJobs == null ? List.of() : List.copyOf(inProgressJobs);
    queuedJobs = queuedJobs == null ? List.of() : List.copyOf(queuedJobs);
  }
}
