package dev.thingbridge.twin.commands;

import java.time.Instant;
import java.util.Objects;

/**
 * A command as GetCommand returns it: its definition plus what the cloud assigned.
 *
 * @param spec the definition given to CreateCommand
 * @param commandArn {@code arn:aws:iot:<region>:<account>:command/<commandId>}
 * @param createdAt when it was created
 * @param lastUpdatedAt when it last changed
 */
public record Command(CommandSpec spec, String commandArn, Instant createdAt, Instant lastUpdatedAt) {
  public Command {
    Objects.requireNonNull(spec, "spec");
    Objects.requireNonNull(commandArn, "commandArn");
    Objects.requireNonNull(createdAt, "createdAt");
    Objects.requireNonNull(lastUpdatedAt, "lastUpdatedAt");
  }

  /** The command id. */
  public String commandId() {
    return spec.commandId();
  }
}
