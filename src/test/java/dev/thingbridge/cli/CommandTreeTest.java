package dev.thingbridge.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import picocli.CommandLine;

/**
 * The packaged CLI builds only the branch of the command tree its arguments name ({@link CommandTree}): that
 * command line must print the same help, the same errors and exit with the same codes as the full tree, for
 * every command, and fall back to the full tree whenever the output is about other commands.
 */
class CommandTreeTest {
  /** Both trees connect through this: a command that gets this far fails the same way in both. */
  private static final MqttConnector NO_BROKER = id -> {
    throw new IllegalStateException("no broker in this test");
  };

  private static CliRun run(CommandLine cl, String... args) {
    return CliRun.of(cl, args);
  }

  /**
   * Built once: picocli puts every option back to its initial value before it parses, so one command line
   * serves every run (building the full tree is what this class is about: it is slow).
   */
  private static final CommandLine FULL = ThingBridgeCommand.newCommandLine(NO_BROKER);
  private static final Map<CommandTree.Selection, CommandLine> BRANCHES = new ConcurrentHashMap<>();

  private static CliRun full(String... args) {
    return run(FULL, args);
  }

  /** The packaged CLI's command line for {@code args}, one per set of top-level commands it holds. */
  private static CliRun branch(String... args) {
    CommandLine built = BRANCHES.computeIfAbsent(CommandTree.select(FULL, args),
        selection -> ThingBridgeCommand.newCommandLineFor(args, NO_BROKER));
    return run(built, args);
  }

  /** For every command: its help behind the root's own options (a bad flag's error: see {@link #rootLevel}). */
  static Stream<List<String>> perCommand() {
    List<List<String>> cases = new ArrayList<>();
    for (List<String> path : CommandLineConventionsTest.paths()) {
      cases.add(with(List.of("-vv", "--log-level=debug"), path, "--help"));
    }
    return cases.stream();
  }

  private static List<String> with(List<String> before, List<String> path, String after) {
    List<String> args = new ArrayList<>(before);
    args.addAll(path);
    args.add(after);
    return args;
  }

  @ParameterizedTest
  @MethodSource("perCommand")
  void aBranchAloneBehavesAsTheFullTree(List<String> args) {
    String[] a = args.toArray(String[]::new);
    assertThat(branch(a)).isEqualTo(full(a));
  }

  static Stream<List<String>> rootLevel() {
    return Stream.of(List.of(), List.of("--version"), List.of("-V"), List.of("-vV"), List.of("--help"),
        List.of("-v", "--help", "shadow"), List.of("help"), List.of("help", "shadow", "update"),
        List.of("help", "nope"), List.of("completion", "bash"), List.of("shadwo", "get"), List.of("--log-level"),
        List.of("--log-level", "debug", "jobs"), List.of("-vv", "jobs"), List.of("--quiet", "--no-such-flag"),
        List.of("--", "shadow"), List.of("jobs"), List.of("shadow", "get", "--thing", "t"),
        List.of("shadow", "get", "--thing", "bad name"), List.of("--log-level=warn", "mqtt", "pub", "-t", "a/b",
            "-m", "x"), List.of("run", "--help"), List.of("mcu"), List.of("--log-level", "error", "jobs", "list",
            "--no-such-flag"), List.of("ota", "run", "--thing"), List.of("mcu", "info", "--port", "/nonexistent"));
  }

  @ParameterizedTest
  @MethodSource("rootLevel")
  void rootOptionsHelpAndErrorsAreTheFullTrees(List<String> args) {
    String[] a = args.toArray(String[]::new);
    CliRun full = full(a);
    assertThat(branch(a)).isEqualTo(full);
  }

  @Test
  void aCommandGetsOnlyItsBranchAndTheVersionNone() {
    assertThat(topLevel("shadow", "get", "--thing", "t")).containsExactly("shadow");
    assertThat(topLevel("--version")).isEmpty();
    assertThat(topLevel("-vV")).isEmpty();
    assertThat(CommandTree.select(FULL, new String[] {"-v", "--log-level", "debug", "jobs", "list"}).command().type())
        .isEqualTo(JobsCommand.class);
    assertThat(CommandTree.select(FULL, new String[] {"--log-level=info", "run", "--thing", "gw"}).command().type())
        .isEqualTo(RunCommand.class);
    assertThat(CommandTree.select(FULL, new String[] {"shadow", "get"}).connects()).isTrue();
    assertThat(CommandTree.select(FULL, new String[] {"mcu", "info"}).connects()).isFalse();
  }

  @Test
  void listingsAndUnknownNamesGetTheWholeTree() {
    for (String[] args : List.of(new String[] {}, new String[] {"--help"}, new String[] {"help", "shadow"},
        new String[] {"completion", "bash"}, new String[] {"shadwo"}, new String[] {"-x", "shadow"},
        new String[] {"--version", "--help"}, new String[] {"-v"}, new String[] {"--", "shadow"})) {
      assertThat(CommandTree.select(FULL, args).all()).as(String.join(" ", args)).isTrue();
    }
  }

  private static List<String> topLevel(String... args) {
    return List.copyOf(ThingBridgeCommand.newCommandLineFor(args, NO_BROKER).getSubcommands().keySet());
  }
}
