package dev.thingbridge.twin.jobs;

import java.time.Instant;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;

/**
 * One thing's execution of a job, as AWS IoT's DescribeJobExecution reports it.
 *
 * @param jobId the job
 * @param thingName the thing
 * @param thingArn the thing's ARN
 * @param status the execution's status
 * @param statusDetails what the device reported, in order
 * @param queuedAt when it was queued
 * @param startedAt when it went IN_PROGRESS, or null
 * @param lastUpdatedAt when it last changed
 * @param versionNumber starts at 1, increases with every change
 * @param executionNumber identifies the execution of this job on this thing (1: the twin has no retries)
 * @param forceCanceled whether it was canceled while IN_PROGRESS
 * @param approximateSecondsBeforeTimedOut seconds until a step or in-progress timer ends it, or null
 */
public record JobExecutionDescription(
    String jobId,
    String thingName,
    String thingArn,
    ExecutionStatus status,
    Map<String, String> statusDetails,
    Instant queuedAt,
    Instant startedAt,
    Instant lastUpdatedAt,
    long versionNumber,
    long executionNumber,
    boolean forceCanceled,
    Long approximateSecondsBeforeTimedOut) {
  public JobExecutionDescription {
    Objects.requireNonNull(jobId, "jobId");
    Objects.requireNonNull(thingName, "thingName");
    Objects.requireNonNull(status, "status");
    statusDetails = Collections.unmodifiableMap(new LinkedHashMap<>(statusDetails));
  }
}
