package dev.thingbridge.cli;

import java.io.PrintWriter;
import java.util.Map;
import org.slf4j.LoggerFactory;
import picocli.CommandLine;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.ParseResult;

/**
 * Applies the command-line conventions to a whole command tree, so that every command has them whoever
 * wrote it: {@code -h/--help} and {@code -V/--version} everywhere, the {@code THINGBRIDGE_*} environment
 * defaults, a group without a subcommand printing its help, the log level set before a command runs, and
 * one line plus one exit code ({@link ExitCodes}) per failure.
 */
final class Conventions {
  /** Help text width: the flags' descriptions (URIs, examples) read better wider than picocli's 80. */
  static final int USAGE_WIDTH = 100;

  private Conventions() {}

  /** Call once every subcommand is added: settings reach only the commands present at that moment. */
  static void apply(CommandLine root, Map<String, String> environment) {
    forEach(root, cl -> {
      CommandSpec spec = cl.getCommandSpec();
      spec.mixinStandardHelpOptions(true);
      spec.versionProvider(new ThingBridgeCommand.Version());
    });
    root.setDefaultValueProvider(new EnvironmentDefaults(environment));
    root.setUsageHelpWidth(USAGE_WIDTH);
    root.setExpandAtFiles(false); // @FILE is a JSON option's value (--desired @state.json), not picocli's arguments file
    root.setExecutionStrategy(Conventions::execute);
    root.setExecutionExceptionHandler(Conventions::handleExecutionException);
    root.setParameterExceptionHandler(Conventions::handleParameterException);
  }

  /** Runs {@code action} on {@code cl} and every command below it. */
  static void forEach(CommandLine cl, java.util.function.Consumer<CommandLine> action) {
    action.accept(cl);
    for (CommandLine sub : cl.getSubcommands().values()) {
      if (sub.getParent() == cl) { // aliases list a subcommand twice
        forEach(sub, action);
      }
    }
  }

  private static int execute(ParseResult parseResult) {
    ParseResult leaf = parseResult;
    while (leaf.hasSubcommand()) {
      leaf = leaf.subcommand();
    }
    Integer help = CommandLine.executeHelpRequest(parseResult);
    if (help != null) {
      return help;
    }
    ThingBridgeCommand root = ThingBridgeCommand.of(leaf.commandSpec());
    root.logging.apply(leaf.commandSpec(), root.environment());
    CommandSpec spec = leaf.commandSpec();
    if (!spec.subcommands().isEmpty()) { // a group without a subcommand: its help, whatever the group is
      spec.commandLine().usage(spec.commandLine().getOut());
      return ExitCodes.OK;
    }
    return new CommandLine.RunLast().execute(parseResult);
  }

  private static int handleParameterException(CommandLine.ParameterException e, String[] args) {
    PrintWriter err = e.getCommandLine().getErr();
    err.println("error: " + ExitCodes.message(e));
    err.println("try: " + e.getCommandLine().getCommandSpec().qualifiedName() + " --help");
    err.flush();
    return ExitCodes.USAGE;
  }

  private static int handleExecutionException(
      Exception e, CommandLine commandLine, CommandLine.ParseResult parseResult) {
    LoggerFactory.getLogger(Conventions.class).debug("{} failed", commandLine.getCommandSpec().qualifiedName(), e);
    PrintWriter err = commandLine.getErr();
    err.println("error: " + ExitCodes.message(e));
    err.flush();
    return ExitCodes.of(e);
  }
}
