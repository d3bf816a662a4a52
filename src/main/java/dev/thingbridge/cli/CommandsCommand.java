package dev.thingbridge.cli;

import java.util.Objects;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/** {@code thingbridge commands}: AWS IoT Commands from the command line. */
@Command(name = "commands", mixinStandardHelpOptions = true,
    description = "AWS IoT Commands as the device sees them.", subcommands = {CommandsHandleCommand.class})
public final class CommandsCommand implements Runnable {
  @Spec CommandSpec spec;

  final MqttConnector connector;

  public CommandsCommand(MqttConnector connector) {
    this.connector = Objects.requireNonNull(connector, "connector");
  }

  @Override
  public void run() {
    spec.commandLine().usage(spec.commandLine().getOut());
  }
}
