package dev.thingbridge.twin.commands;

import java.time.Duration;
import java.util.Objects;

/**
 * Settings of the twin's commands service: the identity the ARNs carry, AWS's limits, and the choices the twin
 * makes where AWS does not document its behaviour.
 *
 * @param partition the ARN partition ({@code aws})
 * @param region the region in ARNs ({@code us-east-1})
 * @param accountId the 12-digit account in ARNs
 * @param defaultTimeoutSeconds executionTimeoutSeconds when StartCommandExecution gives none (AWS: 10)
 * @param maxTimeoutSeconds largest executionTimeoutSeconds (AWS: 12 h)
 * @param maxPayloadBytes largest command payload (AWS: 32 KiB; unverified)
 * @param defaultListPageSize ListCommandExecutions page size when maxResults is absent
 * @param publishEvents whether status changes are published on {@code $aws/events/commandExecution/...}
 * @param executionTimeToLive how long an execution is kept after its creation: its {@code timeToLive} (AWS:
 *     six months; the default is 183 days). The twin deletes an execution, with its client token, once it has
 *     passed.
 * @param maxFinishedExecutions how many finished executions (any status but CREATED and IN_PROGRESS) the twin
 *     keeps at most; beyond it the oldest are deleted first, so state stays bounded under a steady load. AWS
 *     has no such cap (its records live out their time to live); the default is 10,000.
 */
public record CommandsSettings(
    String partition,
    String region,
    String accountId,
    long defaultTimeoutSeconds,
    long maxTimeoutSeconds,
    int maxPayloadBytes,
    int defaultListPageSize,
    boolean publishEvents,
    Duration executionTimeToLive,
    int maxFinishedExecutions) {

  /** AWS's values in account 123456789012, us-east-1, with events; 183 days and 10,000 finished executions kept. */
  public static final CommandsSettings DEFAULTS = new CommandsSettings("aws", "us-east-1", "123456789012", 10,
      12 * 3600, 32 * 1024, 100, true, Duration.ofDays(183), 10_000);

  public CommandsSettings {
    Objects.requireNonNull(partition, "partition");
    Objects.requireNonNull(region, "region");
    Objects.requireNonNull(accountId, "accountId");
    if (!accountId.matches("[0-9]{12}")) {
      throw new IllegalArgumentException("account id must be 12 digits: " + accountId);
    }
    if (!region.matches("[a-z0-9-]+")) {
      throw new IllegalArgumentException("invalid region: " + region);
    }
    if (defaultTimeoutSeconds < 1 || defaultTimeoutSeconds > maxTimeoutSeconds) {
      throw new IllegalArgumentException("default timeout must be 1.." + maxTimeoutSeconds);
    }
    if (maxPayloadBytes < 1 || defaultListPageSize < 1 || defaultListPageSize > 100) {
      throw new IllegalArgumentException("payload limit and page size must be positive (page size at most 100)");
    }
    Objects.requireNonNull(executionTimeToLive, "executionTimeToLive");
    if (executionTimeToLive.isNegative() || executionTimeToLive.isZero() || maxFinishedExecutions < 0) {
      throw new IllegalArgumentException("time to live must be positive and the execution cap not negative");
    }
  }

  /** A copy in another region and account. */
  public CommandsSettings withIdentity(String newRegion, String newAccountId) {
    return new CommandsSettings(partition, newRegion, newAccountId, defaultTimeoutSeconds, maxTimeoutSeconds,
        maxPayloadBytes, defaultListPageSize, publishEvents, executionTimeToLive, maxFinishedExecutions);
  }

  /** A copy with another command payload limit. */
  public CommandsSettings withMaxPayloadBytes(int value) {
    return new CommandsSettings(partition, region, accountId, defaultTimeoutSeconds, maxTimeoutSeconds, value,
        defaultListPageSize, publishEvents, executionTimeToLive, maxFinishedExecutions);
  }

  /** A copy with events on or off. */
  public CommandsSettings withEvents(boolean value) {
    return new CommandsSettings(partition, region, accountId, defaultTimeoutSeconds, maxTimeoutSeconds,
        maxPayloadBytes, defaultListPageSize, value, executionTimeToLive, maxFinishedExecutions);
  }

  /** A copy with another retention: executions live {@code timeToLive}, at most {@code maxFinished} finished ones. */
  public CommandsSettings withRetention(Duration timeToLive, int maxFinished) {
    return new CommandsSettings(partition, region, accountId, defaultTimeoutSeconds, maxTimeoutSeconds,
        maxPayloadBytes, defaultListPageSize, publishEvents, timeToLive, maxFinished);
  }

  /** The ARN of a command. */
  public String commandArn(String commandId) {
    return "arn:" + partition + ":iot:" + region + ":" + accountId + ":command/" + commandId;
  }

  /** The ARN of a target. */
  public String targetArn(DeviceTarget target) {
    return target.arn(partition, region, accountId);
  }
}
