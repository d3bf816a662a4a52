package dev.thingbridge.twin.commands;

import java.time.Instant;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;

/**
 * One command execution on one device, as GetCommandExecution returns it. Timestamps have millisecond precision.
 *
 * @param executionId the id (a UUID), also the 6th segment of the execution's topics
 * @param commandId the command's id
 * @param commandArn the command's ARN
 * @param target the device
 * @param targetArn the target ARN given to StartCommandExecution
 * @param status the current status
 * @param statusReason the reason of the last status change, or null
 * @param result the result map the device reported last (insertion order kept), empty if none
 * @param parameters the parameters the execution was started with (defaults filled in)
 * @param executionTimeoutSeconds how long the device has, counted from {@code createdAt}
 * @param createdAt when StartCommandExecution created it
 * @param lastUpdatedAt when it last changed
 * @param startedAt when the device first reported on it, or null
 * @param completedAt when the device reported a final status, or null (a cloud-set TIMED_OUT leaves it null)
 * @param timeToLive when the record is deleted ({@link CommandsSettings#executionTimeToLive()} after creation;
 *     six months on AWS)
 * @param clientToken the idempotency token it was started with, or null
 */
public record CommandExecution(
    String executionId,
    String commandId,
    String commandArn,
    DeviceTarget target,
    String targetArn,
    CommandExecutionStatus status,
    StatusReason statusReason,
    Map<String, ResultValue> result,
    Map<String, ParameterValue> parameters,
    long executionTimeoutSeconds,
    Instant createdAt,
    Instant lastUpdatedAt,
    Instant startedAt,
    Instant completedAt,
    Instant timeToLive,
    String clientToken) {

  public CommandExecution {
    Objects.requireNonNull(executionId, "executionId");
    Objects.requireNonNull(commandId, "commandId");
    Objects.requireNonNull(commandArn, "commandArn");
    Objects.requireNonNull(target, "target");
    Objects.requireNonNull(targetArn, "targetArn");
    Objects.requireNonNull(status, "status");
    Objects.requireNonNull(createdAt, "createdAt");
    Objects.requireNonNull(lastUpdatedAt, "lastUpdatedAt");
    Objects.requireNonNull(timeToLive, "timeToLive");
    result = Collections.unmodifiableMap(new LinkedHashMap<>(result));
    parameters = Collections.unmodifiableMap(new LinkedHashMap<>(parameters));
  }

  /**
   * Whether no further update is accepted: the device reported SUCCEEDED, FAILED, REJECTED or TIMED_OUT. A
   * TIMED_OUT set by the cloud's timer is not terminal.
   */
  public boolean isTerminal() {
    return completedAt != null;
  }

  /** When the cloud times the execution out unless the device finishes it first. */
  public Instant deadline() {
    return createdAt.plusSeconds(executionTimeoutSeconds);
  }

  /** A copy carrying a client token (an older version kept tokens apart from their executions). */
  CommandExecution withClientToken(String token) {
    return new CommandExecution(executionId, commandId, commandArn, target, targetArn, status, statusReason, result,
        parameters, executionTimeoutSeconds, createdAt, lastUpdatedAt, startedAt, completedAt, timeToLive, token);
  }

  /** A copy after a status change. */
  CommandExecution withStatus(CommandExecutionStatus newStatus, StatusReason reason, Map<String, ResultValue> newResult,
      Instant now, Instant newStartedAt, Instant newCompletedAt) {
    return new CommandExecution(executionId, commandId, commandArn, target, targetArn, newStatus, reason, newResult,
        parameters, executionTimeoutSeconds, createdAt, now, newStartedAt, newCompletedAt, timeToLive, clientToken);
  }
}
