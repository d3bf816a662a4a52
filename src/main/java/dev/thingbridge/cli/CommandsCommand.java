package dev.thingbridge.cli;

import dev.thingbridge.mqtt.MqttClient;

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

  @picocli.CommandLine.Mixin ConnectionOptions connection;

  /** The packaged CLI's form: connects with the connection flags ({@code --endpoint} etc.). */
  public CommandsCommand() {
    this.connector = null;
  }

  /** Connects through {@code connector} instead of the connection flags (tests use the in-process bus). */
  public CommandsCommand(MqttConnector connector) {
    this.connector = Objects.requireNonNull(connector, "connector");
  }

  @Override
  public void run() {
    spec.commandLine().usage(spec.commandLine().getOut());
  }

  /** Connects as {@code deviceId} (the client id unless {@code --client-id} says otherwise). */
  MqttClient connect(String deviceId) throws InterruptedException {
    return connector != null ? connector.connect(deviceId) : connection.defaultClientId(deviceId).connect();
  }
}
