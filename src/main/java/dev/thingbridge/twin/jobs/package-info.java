/**
 * The twin's AWS IoT Jobs: {@link dev.thingbridge.twin.jobs.JobsService} answers devices on
 * {@code $aws/things/{thing}/jobs/...} like AWS IoT Core (get, start-next, {jobId}/get with {@code $next},
 * {jobId}/update, notify and notify-next), times executions out (step timers and the job's in-progress
 * timeout, on the twin's clock), and offers the control plane (CreateJob, DescribeJob, CancelJob,
 * DescribeJobExecution, the two ListJobExecutions operations, CancelJobExecution, DeleteJobExecution,
 * GetJobDocument) in Java and over HTTP for the AWS SDKs.
 *
 * <p>Workflow: register things with {@code ThingsService}, create a job targeting their ARNs, and each device
 * gets notify-next; it calls start-next (or {@code $next/get}), reports progress with IN_PROGRESS updates
 * and ends with SUCCEEDED, FAILED or REJECTED; the job is COMPLETED once every execution is terminal.
 * Where AWS's documentation is ambiguous the choice is a {@link dev.thingbridge.twin.jobs.JobsSettings}.
 */
package dev.thingbridge.twin.jobs;
