package dev.thingbridge.cli;

import java.util.Map;
import java.util.Optional;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;

/**
 * The root command and the process-wide context its subcommands share: the environment (for the
 * {@code THINGBRIDGE_*} defaults), the connector tests put in place of the connection flags, and whether
 * this command line owns the process (the packaged CLI) or runs inside another program (tests).
 *
 * <p>{@link #newCommandLine()} wires the conventions every command inherits, whichever package it comes
 * from: the version on every command, help for groups without a subcommand, the {@code help} command that
 * takes a path, the environment defaults, the logging options and the one exit-code mapping ({@link
 * ExitCodes}). See {@code package-info.java} for the rules a new command follows.
 */
@Command(
    name = "thingbridge",
    mixinStandardHelpOptions = true,
    versionProvider = ThingBridgeCommand.Version.class,
    description = "The device side of AWS IoT for Java and Greengrass v2, with a local twin of the cloud.")
public final class ThingBridgeCommand {
  @Mixin LoggingOptions logging;

  private final Map<String, String> environment;
  private final MqttConnector connector;
  private final boolean ownsProcess;
  private final ProcessExit exit;

  private ThingBridgeCommand(Map<String, String> environment, MqttConnector connector, boolean ownsProcess) {
    this.environment = Map.copyOf(environment);
    this.connector = connector;
    this.ownsProcess = ownsProcess;
    this.exit = new ProcessExit(ownsProcess);
  }

  /** A command line with thingbridge's conventions, for this process' environment: what tests execute. */
  public static CommandLine newCommandLine() {
    return build(new ThingBridgeCommand(System.getenv(), null, false));
  }

  /**
   * A command line whose MQTT commands connect through {@code connector} instead of their connection flags
   * (tests pass an in-process bus).
   */
  public static CommandLine newCommandLine(MqttConnector connector) {
    return build(new ThingBridgeCommand(System.getenv(), connector, false));
  }

  /** A command line that reads its {@code THINGBRIDGE_*} defaults from {@code environment} (tests). */
  public static CommandLine newCommandLine(Map<String, String> environment) {
    return build(new ThingBridgeCommand(environment, null, false));
  }

  /**
   * The packaged CLI's command line for {@code args}: it owns the process (signals, the native runtime's
   * release) and holds only the commands {@code args} need ({@link CommandTree}), which saves most of a
   * one-off command's start-up.
   */
  static CommandLine newProcessCommandLine(String[] args) {
    return forArgs(new ThingBridgeCommand(System.getenv(), null, true), args, true);
  }

  /**
   * The command line the packaged CLI builds for {@code args}, without owning the process and connecting
   * through {@code connector}: tests check that it behaves as the full tree does.
   */
  static CommandLine newCommandLineFor(String[] args, MqttConnector connector) {
    return forArgs(new ThingBridgeCommand(System.getenv(), connector, false), args, false);
  }

  private static CommandLine forArgs(ThingBridgeCommand root, String[] args, boolean warmUp) {
    CommandLine cl = new CommandLine(root);
    CommandTree.Selection selection = CommandTree.select(cl, args);
    if (warmUp) {
      WarmUp.begin(args, selection).ifPresent(root.exit::nativeLoadStarted);
    }
    CommandTree.add(cl, selection);
    Conventions.apply(cl, root.environment);
    return cl;
  }

  private static CommandLine build(ThingBridgeCommand root) {
    CommandLine cl = new CommandLine(root);
    CommandTree.addAll(cl);
    Conventions.apply(cl, root.environment);
    return cl;
  }

  /** The root command of the command line {@code spec} belongs to. */
  static ThingBridgeCommand of(CommandSpec spec) {
    Object root = spec.root().userObject();
    if (root instanceof ThingBridgeCommand r) {
      return r;
    }
    throw new IllegalStateException(spec.qualifiedName() + " is not part of a thingbridge command line");
  }

  /** The environment the {@code THINGBRIDGE_*} defaults come from. */
  Map<String, String> environment() {
    return environment;
  }

  /** The connector that replaces the connection flags in tests, if any. */
  Optional<MqttConnector> connector() {
    return Optional.ofNullable(connector);
  }

  /** Whether this command line is the packaged CLI's (it may install signal handlers and exit). */
  boolean ownsProcess() {
    return ownsProcess;
  }

  /** Whether standard output is a terminal (replies are then indented); never for a test's command line. */
  boolean stdoutIsTerminal() {
    return ownsProcess && System.console() != null;
  }

  /**
   * The width of the terminal this process runs on, or empty when it runs on none (a pipe, a file, a service, a
   * test's command line): {@code COLUMNS} when the shell exports it, otherwise 80.
   */
  java.util.OptionalInt terminalColumns() {
    if (!stdoutIsTerminal()) {
      return java.util.OptionalInt.empty();
    }
    return java.util.OptionalInt.of(columns(environment.get("COLUMNS")));
  }

  /** {@code COLUMNS} as a width: a number from 20 to 1000, otherwise the usual 80. */
  static int columns(String value) {
    try {
      int n = value == null ? 80 : Integer.parseInt(value.trim());
      return n >= 20 && n <= 1000 ? n : 80;
    } catch (NumberFormatException e) {
      return 80;
    }
  }

  /** Standard input, for {@code --file -} and {@code @-}. */
  java.io.InputStream stdin() {
    return System.in;
  }

  /** What happens when the process ends: the native runtime's release, the signal that stopped it. */
  ProcessExit exit() {
    return exit;
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
