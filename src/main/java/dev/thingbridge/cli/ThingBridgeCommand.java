package dev.thingbridge.cli;

import dev.thingbridge.component.CrtDirectConnector;
import dev.thingbridge.mqtt.MqttNotConnectedException;
import dev.thingbridge.mqtt.MqttRefusedException;
import dev.thingbridge.mqtt.MqttTimeoutException;
import dev.thingbridge.mqtt.internal.AbstractMqttClient;
import java.io.PrintWriter;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/** The root command: prints usage; the work is in the subcommands. */
@Command(
    name = "thingbridge",
    mixinStandardHelpOptions = true,
    versionProvider = ThingBridgeCommand.Version.class,
    description = "The device side of AWS IoT for Java and Greengrass v2, with a local twin of the cloud.",
    subcommands = {CommandLine.HelpCommand.class, LocalCommand.class, TwinCommand.class, MqttCommand.class})
public final class ThingBridgeCommand implements Runnable {
  @Spec CommandSpec spec;

  @Override
  public void run() {
    spec.commandLine().usage(spec.commandLine().getOut());
  }

  /** A command line with thingbridge's exit-code mapping: what {@code main} runs and tests execute. */
  public static CommandLine newCommandLine() {
    return build(null);
  }

  /**
   * A command line whose {@code jobs}, {@code commands} and {@code shadow} subcommands connect through {@code connector}
   * instead of their connection flags (tests pass an in-process bus).
   */
  public static CommandLine newCommandLine(MqttConnector connector) {
    return build(connector);
  }

  private static CommandLine build(MqttConnector connector) {
    CommandLine cl = new CommandLine(new ThingBridgeCommand());
    cl.addSubcommand("run", new RunCommand(System.getenv(), java.util.Optional.of(new CrtDirectConnector())));
    cl.addSubcommand(new CommandLine(connector == null ? new JobsCommand() : new JobsCommand(connector)));
    cl.addSubcommand(new CommandLine(connector == null ? new CommandsCommand() : new CommandsCommand(connector)));
    cl.addSubcommand(new CommandLine(connector == null ? new ShadowCommand() : new ShadowCommand(connector)));
    cl.addSubcommand(new CommandLine(connector == null ? new OtaCommand() : new OtaCommand(connector)));
    cl.setExecutionExceptionHandler(ThingBridgeCommand::handleExecutionException);
    cl.setParameterExceptionHandler(ThingBridgeCommand::handleParameterException);
    return cl;
  }


  private static int handleParameterException(CommandLine.ParameterException e, String[] args) {
    PrintWriter err = e.getCommandLine().getErr();
    err.println("error: " + e.getMessage());
    err.println("try: " + e.getCommandLine().getCommandSpec().qualifiedName() + " --help");
    err.flush();
    return ExitCodes.USAGE;
  }

  private static int handleExecutionException(
      Exception e, CommandLine commandLine, CommandLine.ParseResult parseResult) {
    Throwable cause = AbstractMqttClient.unwrap(e);
    PrintWriter err = commandLine.getErr();
    int code;
    if (cause instanceof UsageException) {
      code = ExitCodes.USAGE;
    } else if (cause instanceof MqttTimeoutException) {
      code = ExitCodes.TIMEOUT;
    } else if (cause instanceof MqttRefusedException || cause instanceof MqttNotConnectedException) {
      code = ExitCodes.CONNECTION;
    } else {
      code = ExitCodes.FAILURE;
    }
    err.println("error: " + (cause.getMessage() == null ? cause.toString() : cause.getMessage()));
    err.flush();
    return code;
  }

  /** Reads the version from the jar manifest, or says "development" when run from classes. */
  static final class Version implements CommandLine.IVersionProvider {
    @Override
    public String[] getVersion() {
      String v = ThingBridgeCommand.class.getPackage().getImplementationVersion();
      return new String[] {"thingbridge " + (v == null ? "development" : v)};
    }
  }
}
