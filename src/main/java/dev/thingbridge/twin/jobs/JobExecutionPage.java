package dev.thingbridge.twin.jobs;

import java.util.List;

/**
 * One page of ListJobExecutionsForThing or ListJobExecutionsForJob.
 *
 * @param executions the executions on this page
 * @param nextToken the token for the next page, or null on the last page
 */
public record JobExecutionPage(List<JobExecutionDescription> executions, String nextToken) {
  public JobExecutionPage {
    executions = List.copyOf(executions);
  }
}
