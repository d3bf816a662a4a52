package dev.thingbridge.cli;

import picocli.CommandLine.Command;

/** {@code thingbridge commands}: AWS IoT Commands as the device sees them. */
@Command(name = "commands", description = "AWS IoT Commands as the device sees them.",
    subcommands = {CommandsHandleCommand.class})
public final class CommandsCommand {
  private CommandsCommand() {}
}
