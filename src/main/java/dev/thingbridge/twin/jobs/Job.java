package dev.thingbridge.twin.jobs;

import java.time.Instant;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * A job as AWS IoT's DescribeJob reports it.
 *
 * @param jobId the id (1-64 characters of {@code [a-zA-Z0-9_-]})
 * @param jobArn {@code arn:aws:iot:<region>:<account>:job/<jobId>}
 * @param document the job document, JSON text
 * @param description the description, or null
 * @param targets the thing ARNs targeted
 * @param targetSelection always {@code SNAPSHOT}
 * @param status the job's status
 * @param forceCanceled whether CancelJob was called with {@code force}
 * @param reasonCode CancelJob's reason code, or null
 * @param comment CancelJob's comment, or null
 * @param createdAt when it was created
 * @param lastUpdatedAt when it last changed
 * @param completedAt when it completed, or null
 * @param inProgressTimeoutInMinutes {@code timeoutConfig.inProgressTimeoutInMinutes}, or null
 * @param executionCounts how many executions are in each status (jobProcessDetails)
 */
public record Job(
    String jobId,
    String jobArn,
    String document,
    String description,
    List<String> targets,
    String targetSelection,
    JobStatus status,
    boolean forceCanceled,
    String reasonCode,
    String comment,
    Instant createdAt,
    Instant lastUpdatedAt,
    Instant completedAt,
    Integer inProgressTimeoutInMinutes,
    Map<ExecutionStatus, Integer> executionCounts) {
  public Job {
    Objects.requireNonNull(jobId, "jobId");
    targets = List.copyOf(targets);
    EnumMap<ExecutionStatus, Integer> counts = new EnumMap<>(ExecutionStatus.class);
    for (ExecutionStatus s : ExecutionStatus.values()) {
      counts.put(s, executionCounts.getOrDefault(s, 0));
    }
    executionCounts = java.util.Collections.unmodifiableMap(counts);
  }
}
