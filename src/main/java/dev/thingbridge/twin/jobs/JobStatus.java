package dev.thingbridge.twin.jobs;

/**
 * The status of a job as DescribeJob reports it: IN_PROGRESS while any execution may still run, COMPLETED
 * once every execution of a snapshot job is terminal, CANCELED after CancelJob.
 */
public enum JobStatus {
  IN_PROGRESS,
  CANCELED,
  COMPLETED
}
