package dev.thingbridge.cli;

import java.util.Locale;
import java.util.Map;
import java.util.Set;
import picocli.CommandLine;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;

/**
 * {@code --log-level}, {@code -v/--verbose} and {@code --quiet}: how much the process logs on standard
 * error. Every command has them (the root mixes them in with inherited scope). Quiet by default: warnings
 * and errors only, so a one-off command prints its result and, on failure, one {@code error:} line;
 * {@code run} (the component) logs at info.
 */
public final class LoggingOptions {
  /** The levels, quietest first. */
  static final java.util.List<String> LEVELS = java.util.List.of("error", "warn", "info", "debug", "trace");
  /** The variable that sets the level when no flag does. */
  static final String ENVIRONMENT = "THINGBRIDGE_LOG_LEVEL";
  private static final Set<String> LOGGER_ROOTS = Set.of("dev.thingbridge", "software.amazon", "com.fasterxml");

  @Option(names = "--log-level", paramLabel = "LEVEL", scope = CommandLine.ScopeType.INHERIT,
      converter = LevelConverter.class,
      description = "Log level on standard error: error, warn, info, debug or trace (env " + ENVIRONMENT
          + "; default: warn, info for run).")
  String level;

  @Option(names = {"-v", "--verbose"}, scope = CommandLine.ScopeType.INHERIT,
      description = "Say more: -v logs at info (connections; a job handler's output), -vv at debug.")
  boolean[] verbose = new boolean[0];

  @Option(names = "--quiet", scope = CommandLine.ScopeType.INHERIT, description = "Log errors only.")
  boolean quiet;

  /** The level in effect for {@code leaf}: the flags, then the environment, then the command's default. */
  String effectiveLevel(CommandSpec leaf, Map<String, String> environment) {
    if (level != null) {
      return level;
    }
    if (quiet) {
      return "error";
    }
    if (verbose.length > 0) {
      return LEVELS.get(Math.min(LEVELS.size() - 1, 1 + verbose.length));
    }
    String fromEnvironment = environment.get(ENVIRONMENT);
    if (fromEnvironment != null && LEVELS.contains(fromEnvironment.strip().toLowerCase(Locale.ROOT))) {
      return fromEnvironment.strip().toLowerCase(Locale.ROOT);
    }
    return leaf.userObject() instanceof RunCommand ? "info" : "warn";
  }

  /** Whether the user asked for at least info: commands then echo what they otherwise keep to themselves. */
  boolean verbose(CommandSpec leaf, Map<String, String> environment) {
    return LEVELS.indexOf(effectiveLevel(leaf, environment)) >= LEVELS.indexOf("info");
  }

  /**
   * Sets slf4j-simple's levels for the loggers created from now on. Only the packaged CLI does this (a test
   * running commands in its own JVM keeps its logging); Main runs it before any logger exists.
   */
  void apply(CommandSpec leaf, Map<String, String> environment) {
    if (!ThingBridgeCommand.of(leaf).ownsProcess()) {
      return;
    }
    String effective = effectiveLevel(leaf, environment);
    if (level != null || quiet || verbose.length > 0
        || System.getProperty("org.slf4j.simpleLogger.defaultLogLevel") == null) {
      System.setProperty("org.slf4j.simpleLogger.defaultLogLevel", effective);
      for (String root : LOGGER_ROOTS) {
        System.setProperty("org.slf4j.simpleLogger.log." + root, effective);
      }
    }
  }

  /** Checks {@code --log-level}. */
  static final class LevelConverter implements CommandLine.ITypeConverter<String> {
    @Override
    public String convert(String value) {
      String v = value.strip().toLowerCase(Locale.ROOT);
      if (!LEVELS.contains(v)) {
        throw new CommandLine.TypeConversionException(
            "'" + value + "' is not a log level (error, warn, info, debug, trace)");
      }
      return v;
    }
  }
}
