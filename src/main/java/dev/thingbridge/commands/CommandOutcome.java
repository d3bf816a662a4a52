package dev.thingbridge.commands;

import java.util.Map;
import java.util.Objects;

/** How a command execution ended on the device: SUCCEEDED with results, or FAILED / REJECTED with a reason. */
public record CommandOutcome(CommandStatus status, CommandStatusReason reason, Map<String, CommandResultValue> result) {
  public CommandOutcome {
    Objects.requireNonNull(status, "status");
    if (status == CommandStatus.IN_PROGRESS || status == CommandStatus.UNKNOWN) {
      throw new IllegalArgumentException("an outcome is a terminal status, not " + status);
    }
    result = result == null ? Map.of() : new CommandUpdate(null, status, reason, result).result();
  }

  public static CommandOutcome succeeded(Map<String, CommandResultValue> result) {
    return new CommandOutcome(CommandStatus.SUCCEEDED, null, result);
  }

  public static CommandOutcome failed(String reasonCode, String description) {
    return new CommandOutcome(CommandStatus.FAILED, CommandStatusReason.fitted(reasonCode, description), null);
  }

  public static CommandOutcome rejected(String reasonCode, String description) {
    return new CommandOutcome(CommandStatus.REJECTED, CommandStatusReason.fitted(reasonCode, description), null);
  }
}
