package dev.thingbridge.cli;

import dev.thingbridge.component.CrtDirectConnector;
import java.util.List;
import java.util.Optional;
import java.util.function.Function;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Model.OptionSpec;

/**
 * The top-level commands, and which of them one command line needs.
 *
 * <p>picocli builds the model of every command it is given: it reflects over each command, mixin and converter
 * and instantiates them, which for the whole tree takes most of a one-off command's start-up. The packaged CLI
 * adds only the branch the arguments name ({@code shadow} for {@code shadow get ...}) and the full tree only
 * when the output lists commands or the arguments name none: root help, {@code help}, {@code completion}, a
 * misspelt command (for picocli's suggestions). Tests build the full tree; {@code CommandTreeTest} checks that
 * a branch alone parses, helps and fails as it does in the full tree.
 */
final class CommandTree {
  /**
   * A top-level command: its class (name and aliases come from its {@code @Command}), how to make it, and
   * whether its subcommands connect to a broker (so that aws-crt may be loaded ahead, {@link WarmUp}).
   */
  record TopLevel(Class<?> type, Function<ThingBridgeCommand, Object> factory, boolean connects) {
    static TopLevel of(Class<?> type) {
      return new TopLevel(type, root -> type, false);
    }

    static TopLevel connecting(Class<?> type) {
      return new TopLevel(type, root -> type, true);
    }

    boolean answersTo(String name) {
      Command command = type.getAnnotation(Command.class);
      return command.name().equals(name) || List.of(command.aliases()).contains(name);
    }
  }

  /** In the order root help lists them. */
  private static final List<TopLevel> COMMANDS = List.of(TopLevel.of(HelpCommand.class),
      TopLevel.of(CompletionCommand.class), TopLevel.of(LocalCommand.class),
      // The twin connects, but on mqtt:// (the default) with the NIO client: aws-crt loaded ahead would be wasted.
      TopLevel.of(TwinCommand.class),
      TopLevel.connecting(MqttCommand.class), TopLevel.connecting(JobsCommand.class),
      TopLevel.connecting(CommandsCommand.class), TopLevel.connecting(ShadowCommand.class),
      TopLevel.connecting(OtaCommand.class), TopLevel.of(McuCommand.class), TopLevel.connecting(ProvisionCommand.class),
      TopLevel.connecting(DefenderCommand.class), TopLevel.of(CaCommand.class),
      new TopLevel(RunCommand.class,
          root -> new RunCommand(root.environment(), Optional.of(new CrtDirectConnector())), true));

  /** Commands whose output is about the other commands: they need the whole tree. */
  private static final List<Class<?>> NEED_ALL = List.of(HelpCommand.class, CompletionCommand.class);

  private CommandTree() {}

  /** Adds every top-level command (and so the whole tree) below {@code root}. */
  static void addAll(CommandLine root) {
    ThingBridgeCommand command = root.getCommand();
    for (TopLevel top : COMMANDS) {
      root.addSubcommand(top.factory().apply(command));
    }
  }

  /**
   * What {@code args} need below {@code root}: the one branch they name, nothing for a bare {@code --version},
   * or everything. Reading them builds nothing.
   */
  static Selection select(CommandLine root, String[] args) {
    return select(root.getCommandSpec(), args);
  }

  /** Adds the commands {@code selection} holds below {@code root}. */
  static void add(CommandLine root, Selection selection) {
    if (selection.all()) {
      addAll(root);
    } else if (selection.command() != null) {
      root.addSubcommand(selection.command().factory().apply(root.getCommand()));
    }
  }

  /** Either every command, no command ({@code command} null and not {@code all}), or one. */
  record Selection(boolean all, TopLevel command) {
    static final Selection ALL = new Selection(true, null);
    static final Selection NONE = new Selection(false, null);

    /** Whether this is one branch, and its commands connect to a broker. */
    boolean connects() {
      return command != null && command.connects();
    }
  }

  /** Reads the root's own options up to the first command name, as picocli would. */
  private static Selection select(CommandSpec rootSpec, String[] args) {
    boolean version = false;
    for (int i = 0; i < args.length; i++) {
      String arg = args[i];
      if (!arg.startsWith("-") || arg.equals("-")) {
        return named(arg);
      }
      List<OptionSpec> options = rootOptions(rootSpec, arg);
      if (options == null) {
        return Selection.ALL; // "--" or an unknown option: picocli's own error, with the whole tree
      }
      for (OptionSpec option : options) {
        if (option.usageHelp()) {
          return Selection.ALL;
        }
        version |= option.versionHelp();
        if (!arg.contains("=") && option.arity().min() > 0) {
          i++; // its value
        }
      }
    }
    return version ? Selection.NONE : Selection.ALL;
  }

  private static Selection named(String name) {
    for (TopLevel top : COMMANDS) {
      if (top.answersTo(name)) {
        return NEED_ALL.contains(top.type()) ? Selection.ALL : new Selection(false, top);
      }
    }
    return Selection.ALL;
  }

  /** The root options {@code arg} gives ({@code --log-level=info}, {@code -vv}), or null if it is not one. */
  private static List<OptionSpec> rootOptions(CommandSpec rootSpec, String arg) {
    String name = arg.contains("=") ? arg.substring(0, arg.indexOf('=')) : arg;
    OptionSpec option = rootSpec.findOption(name);
    if (option != null) {
      return List.of(option);
    }
    if (arg.startsWith("--") || arg.contains("=")) {
      return null;
    }
    List<OptionSpec> cluster = new java.util.ArrayList<>(); // -vv, -vV: short flags run together
    for (char c : arg.substring(1).toCharArray()) {
      OptionSpec flag = rootSpec.findOption(c);
      if (flag == null || flag.arity().min() > 0) {
        return null;
      }
      cluster.add(flag);
    }
    return cluster;
  }
}
