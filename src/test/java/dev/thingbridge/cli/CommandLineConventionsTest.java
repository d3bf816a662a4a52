package dev.thingbridge.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.DynamicTest.dynamicTest;

import java.lang.reflect.AnnotatedElement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;
import picocli.CommandLine;
import picocli.CommandLine.Model.ArgSpec;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Model.OptionSpec;

/**
 * The command-line conventions, checked mechanically over the whole command tree as it is when the test runs
 * (commands added later are checked too): help and version everywhere, {@code help PATH}, groups printing
 * their help, option names from one vocabulary, placeholders that say their format, one way to read
 * durations, bad values refused as usage errors before anything starts. A new option name goes into {@link
 * #VOCABULARY} (and into the README's "Command-line conventions") after checking that no existing name means
 * the same thing.
 */
class CommandLineConventionsTest {
  /** Every visible long option name, with the placeholders it may have (empty: a flag). */
  static final Map<String, Set<String>> VOCABULARY = Map.ofEntries(
      // every command
      Map.entry("--help", Set.of()), Map.entry("--version", Set.of()), Map.entry("--log-level", Set.of("LEVEL")),
      Map.entry("--verbose", Set.of()), Map.entry("--quiet", Set.of()), Map.entry("--pretty", Set.of()),
      // connection
      Map.entry("--endpoint", Set.of("URI")), Map.entry("--cert", Set.of("PEM")), Map.entry("--key", Set.of("PEM")),
      Map.entry("--ca", Set.of("PEM")), Map.entry("--client-id", Set.of("ID")), Map.entry("--mqtt-client", Set.of("KIND")),
      Map.entry("--connect-timeout", Set.of("DURATION")),
      // what to work on
      Map.entry("--thing", Set.of("THING")), Map.entry("--name", Set.of("NAME")), Map.entry("--job", Set.of("JOB")),
      Map.entry("--client-target", Set.of("ID")), Map.entry("--topic", Set.of("TOPIC", "FILTER")),
      Map.entry("--topic-prefix", Set.of("PREFIX")),
      // how long and how many
      Map.entry("--timeout", Set.of("DURATION")), Map.entry("--duration", Set.of("DURATION")),
      Map.entry("--step-timeout", Set.of("DURATION")), Map.entry("--handler-timeout", Set.of("DURATION")),
      Map.entry("--count", Set.of("N")), Map.entry("--attempts", Set.of("N")),
      // input and output
      Map.entry("--message", Set.of("TEXT")), Map.entry("--file", Set.of("FILE")),
      Map.entry("--desired", Set.of("JSON")), Map.entry("--reported", Set.of("JSON")),
      Map.entry("--detail", Set.of("KEY=VALUE")), Map.entry("--format", Set.of("FORMAT")),
      Map.entry("--base64", Set.of()), Map.entry("--payload-only", Set.of()),
      // MQTT
      Map.entry("--qos", Set.of("0|1")), Map.entry("--retain", Set.of()),
      // state and servers
      Map.entry("--state-dir", Set.of("DIR")), Map.entry("--sync", Set.of("MODE")), Map.entry("--handler-dir", Set.of("DIR")),
      Map.entry("--handler", Set.of("CMD")), Map.entry("--config", Set.of("FILE")),
      Map.entry("--api-port", Set.of("PORT")), Map.entry("--api-host", Set.of("ADDRESS")),
      Map.entry("--aws-limits", Set.of()), Map.entry("--max-payload-bytes", Set.of("BYTES")),
      Map.entry("--fake-mcu", Set.of("N")), Map.entry("--demo", Set.of()),
      Map.entry("--mqtt-port", Set.of("PORT")), Map.entry("--mqtt-host", Set.of("ADDRESS")),
      Map.entry("--local-api-port", Set.of("PORT")),
      // provisioning, certificates and Device Defender
      Map.entry("--template", Set.of("TEMPLATE")), Map.entry("--param", Set.of("KEY=VALUE")),
      Map.entry("--csr", Set.of("ALGORITHM")), Map.entry("--csr-file", Set.of("FILE")),
      Map.entry("--out", Set.of("DIR")), Map.entry("--custom", Set.of("NAME=VALUE")),
      Map.entry("--standard", Set.of()),
      // jobs and shadows
      Map.entry("--status", Set.of("STATUS")), Map.entry("--expected-version", Set.of("N")),
      Map.entry("--execution-number", Set.of("N")), Map.entry("--ack", Set.of()),
      // OTA
      Map.entry("--api", Set.of("URL")), Map.entry("--install-dir", Set.of("DIR")),
      Map.entry("--code-signing-cert", Set.of("PEM")), Map.entry("--sign-key", Set.of("PEM")),
      Map.entry("--protocol", Set.of("MQTT|HTTP")), Map.entry("--interval", Set.of("DURATION")),
      Map.entry("--platform", Set.of("PLATFORM")), Map.entry("--id", Set.of("ID")),
      Map.entry("--block-size", Set.of("BYTES")), Map.entry("--certfile", Set.of("PATH")),
      Map.entry("--filepath", Set.of("PATH")), Map.entry("--file-type", Set.of("N")),
      Map.entry("--url-expiry", Set.of("DURATION")), Map.entry("--self-test", Set.of("CMD")),
      Map.entry("--self-test-timeout", Set.of("DURATION")), Map.entry("--restart-exit-code", Set.of("N")),
      Map.entry("--allow-sha1", Set.of()), Map.entry("--blocks-per-request", Set.of("N")),
      // MCUs: --port is the MCU's serial device (issue 13 names it so, as mcumgr does), never a TCP port
      Map.entry("--port", Set.of("DEVICE")), Map.entry("--baud", Set.of("N")),
      Map.entry("--framing", Set.of("CONSOLE|RAW")), Map.entry("--mtu", Set.of("BYTES")),
      Map.entry("--image", Set.of("FILE")), Map.entry("--confirm-after", Set.of("CMD")),
      Map.entry("--pty", Set.of()), Map.entry("--link", Set.of("FILE")),
      Map.entry("--mode", Set.of("SWAP|OVERWRITE-ONLY|SINGLE-APP")), Map.entry("--recovery", Set.of()),
      Map.entry("--reenumerate", Set.of()), Map.entry("--seed", Set.of("N")),
      Map.entry("--bit-error-rate", Set.of("RATE")), Map.entry("--boot-delay", Set.of("DURATION")),
      Map.entry("--image-version", Set.of("VERSION")), Map.entry("--crash-version", Set.of("VERSION")));

  /** Spellings that may live on only as hidden aliases, and what to use instead. */
  static final Map<String, String> USE_INSTEAD = Map.of(
      "--thing-name", "--thing", "--broker", "--endpoint", "--max-jobs", "--count", "--max-executions", "--count",
      "--client", "--client-id (the MQTT client id) or --client-target (the commands namespace)",
      "--host", "--endpoint", "--wait", "--timeout");

  /** What a placeholder looks like: capitals naming the format, never picocli's {@code <field>}. */
  private static final Pattern PLACEHOLDER = Pattern.compile("[A-Z0-9][A-Z0-9_]*(?:[|=,.\\[\\]-]+[A-Z0-9_.\\[\\]]*)*");
  private static final Pattern LONG_NAME = Pattern.compile("--[a-z][a-z0-9]*(-[a-z0-9]+)*");

  private static CliRun run(CommandLine cl, String... args) {
    return CliRun.of(cl, args);
  }

  /** A command line whose MQTT commands fail the test if they ever connect. */
  private static CommandLine commandLine() {
    return ThingBridgeCommand.newCommandLine(id -> {
      throw new AssertionError("a command connected (as " + id + ") although it should have stopped before");
    });
  }

  /** Every command below the root, by its path of names. */
  static List<List<String>> paths() {
    List<List<String>> paths = new ArrayList<>();
    collect(commandLine(), new ArrayList<>(), paths);
    return paths;
  }

  private static void collect(CommandLine cl, List<String> path, List<List<String>> out) {
    for (CommandLine sub : cl.getSubcommands().values()) {
      if (sub.getParent() != cl) {
        continue; // an alias lists the same command again
      }
      List<String> p = new ArrayList<>(path);
      p.add(sub.getCommandName());
      out.add(p);
      collect(sub, p, out);
    }
  }

  private static final CommandLine TREE = commandLine();

  /** The spec of a command, from one tree built for reading (never executed). */
  private static CommandSpec spec(List<String> path) {
    CommandLine cl = TREE;
    for (String name : path) {
      cl = cl.getSubcommands().get(name);
    }
    return cl.getCommandSpec();
  }

  private static String[] args(List<String> path, String... more) {
    List<String> all = new ArrayList<>(path);
    all.addAll(List.of(more));
    return all.toArray(String[]::new);
  }

  private static Stream<DynamicTest> forEachCommand(java.util.function.Consumer<List<String>> check) {
    return paths().stream().map(p -> dynamicTest(String.join(" ", p), () -> check.accept(p)));
  }

  @Test
  void the_tree_has_the_commands_the_readme_documents() {
    assertThat(paths()).extracting(p -> String.join(" ", p)).contains("help", "completion", "local", "twin",
        "mqtt pub", "mqtt sub", "jobs next", "jobs handle", "commands handle", "shadow get", "shadow update",
        "shadow watch", "run");
  }

  @TestFactory
  Stream<DynamicTest> every_command_prints_its_own_help_with_dash_dash_help_and_with_help_path() {
    CommandLine cl = commandLine();
    return forEachCommand(path -> {
      CliRun help = run(cl, args(path, "--help"));
      assertThat(help.exitCode()).as(help.err()).isZero();
      assertThat(help.out()).startsWith("Usage: thingbridge " + String.join(" ", path) + " ");
      assertThat(help.err()).isEmpty();
      CliRun byPath = run(cl, args(List.of("help"), path.toArray(String[]::new)));
      assertThat(byPath.exitCode()).isZero();
      assertThat(byPath.out()).isEqualTo(help.out());
      assertThat(spec(path).usageMessage().description()).as("a description").isNotEmpty();
    });
  }

  @TestFactory
  Stream<DynamicTest> dash_v_prints_the_version_everywhere() {
    CommandLine cl = commandLine();
    String version = run(cl, "-V").out();
    assertThat(version).startsWith("thingbridge ");
    return forEachCommand(path -> {
      CliRun v = run(cl, args(path, "-V"));
      assertThat(v.exitCode()).isZero();
      assertThat(v.out()).isEqualTo(version);
      CliRun longForm = run(cl, args(path, "--version"));
      assertThat(longForm.out()).isEqualTo(version);
    });
  }

  @TestFactory
  Stream<DynamicTest> a_group_without_a_subcommand_prints_its_help() {
    CommandLine cl = commandLine();
    return forEachCommand(path -> {
      if (spec(path).subcommands().isEmpty()) {
        return;
      }
      CliRun bare = run(cl, args(path));
      assertThat(bare.exitCode()).as(bare.err()).isZero();
      assertThat(bare.out()).isEqualTo(run(cl, args(path, "--help")).out());
    });
  }

  @TestFactory
  Stream<DynamicTest> every_command_has_the_logging_options() {
    return forEachCommand(path -> {
      CommandSpec spec = spec(path);
      assertThat(spec.findOption("--log-level")).isNotNull();
      assertThat(spec.findOption("-v")).isNotNull();
      assertThat(spec.findOption("--quiet")).isNotNull();
    });
  }

  @TestFactory
  Stream<DynamicTest> option_names_come_from_the_vocabulary_with_their_placeholders() {
    return forEachCommand(path -> {
      for (OptionSpec o : spec(path).options()) {
        for (String name : o.names()) {
          if (!name.startsWith("--")) {
            assertThat(name).as("short options are one letter").matches("-[a-zA-Z]");
            continue;
          }
          assertThat(name).matches(LONG_NAME);
          if (o.hidden()) {
            assertThat(USE_INSTEAD).as("hidden %s is a documented old spelling", name).containsKey(name);
            continue;
          }
          assertThat(USE_INSTEAD).as("%s: use %s", name, USE_INSTEAD.get(name)).doesNotContainKey(name);
          assertThat(VOCABULARY).as("%s is in the vocabulary (or gets added there, after checking that no "
              + "existing name means the same)", name).containsKey(name);
          Set<String> labels = VOCABULARY.get(name);
          if (o.arity().max() == 0) {
            assertThat(labels).as("%s is a flag", name).isEmpty();
          } else {
            assertThat(labels).as("%s's placeholder", name).contains(o.paramLabel());
          }
        }
      }
    });
  }

  @TestFactory
  Stream<DynamicTest> placeholders_say_their_format() {
    return forEachCommand(path -> {
      List<ArgSpec> args = new ArrayList<>(spec(path).options());
      args.addAll(spec(path).positionalParameters());
      for (ArgSpec a : args) {
        if (a.arity().max() > 0 && !(a instanceof OptionSpec o && o.hidden())) {
          assertThat(a.paramLabel()).as("placeholder of %s", a).matches(PLACEHOLDER);
        }
      }
    });
  }

  @TestFactory
  Stream<DynamicTest> every_duration_reads_a_bare_number_as_seconds() {
    return forEachCommand(path -> {
      for (OptionSpec o : spec(path).options()) {
        boolean isDuration = o.type() == Duration.class;
        if (isDuration || "DURATION".equals(o.paramLabel())) {
          assertThat(o.paramLabel()).as("%s's placeholder", o.longestName()).isEqualTo("DURATION");
          assertThat(o.converters()).as("%s has a converter", o.longestName()).isNotEmpty();
          Object five = convert(o, "5");
          Object fiveSeconds = convert(o, "5s");
          assertThat(five).as("%s 5 means 5 s", o.longestName()).isEqualTo(fiveSeconds);
          if (isDuration) {
            assertThat(five).isEqualTo(Duration.ofSeconds(5));
          }
        }
      }
    });
  }

  private static Object convert(OptionSpec o, String value) {
    try {
      return o.converters()[0].convert(value);
    } catch (Exception e) {
      throw new AssertionError(o.longestName() + " refused " + value + ": " + e.getMessage(), e);
    }
  }

  @TestFactory
  Stream<DynamicTest> stop_after_n_is_dash_dash_count_with_dash_c() {
    return forEachCommand(path -> {
      OptionSpec count = spec(path).findOption("--count");
      if (count != null) {
        assertThat(count.names()).contains("-C");
      }
    });
  }

  @TestFactory
  Stream<DynamicTest> mqtt_commands_share_the_connection_flags_and_their_environment_defaults() {
    Map<String, String> variables = Map.of("--endpoint", "THINGBRIDGE_ENDPOINT", "--cert", "THINGBRIDGE_CERT",
        "--key", "THINGBRIDGE_KEY", "--ca", "THINGBRIDGE_CA");
    return forEachCommand(path -> {
      CommandSpec spec = spec(path);
      if (spec.findOption("--endpoint") == null || path.equals(List.of("run"))) {
        return; // run takes its connection from its configuration file, the flags overriding it
      }
      for (String flag : List.of("--cert", "--key", "--ca", "--client-id", "--connect-timeout")) {
        assertThat(spec.findOption(flag)).as(flag).isNotNull();
      }
      variables.forEach((flag, variable) -> assertThat(EnvironmentDefaults.variableOf(spec.findOption(flag)))
          .as("%s defaults from %s", flag, variable).isEqualTo(variable));
      assertThat(spec.findOption("--endpoint").defaultValue()).isEqualTo(BrokerOptions.DEFAULT_ENDPOINT);
    });
  }

  @TestFactory
  Stream<DynamicTest> a_bad_value_is_a_usage_error_naming_the_flag_before_anything_starts() {
    return forEachCommand(path -> {
      CommandLine cl = commandLine();
      for (OptionSpec o : spec(path).options()) {
        if (o.arity().max() == 0 || o.type() == String.class || o.hidden()
            || o.type() == java.nio.file.Path.class || o.type() == List.class) {
          continue; // free text and paths are checked by the command (see the per-command tests)
        }
        String flag = o.longestName();
        CliRun bad = run(cl, args(path, flag, "%%not-a-value%%"));
        assertThat(bad.exitCode()).as("%s %s: %s", String.join(" ", path), flag, bad.err()).isEqualTo(ExitCodes.USAGE);
        assertThat(bad.err()).as(String.join(" ", path)).startsWith("error: ").contains(flag)
            .contains("try: thingbridge " + String.join(" ", path) + " --help");
        assertThat(bad.out()).as("nothing started").isEmpty();
      }
    });
  }

  @Test
  void environment_variables_give_the_connection_defaults_and_help_shows_them() {
    CommandLine cl = ThingBridgeCommand.newCommandLine(Map.of("THINGBRIDGE_ENDPOINT", "mqtts://broker.example:8884",
        "THINGBRIDGE_CA", "/etc/ca.pem"));
    CliRun help = run(cl, "shadow", "get", "--help");
    assertThat(help.out()).contains("Default: mqtts://broker.example:").contains("8884");
    CommandLine parsed = ThingBridgeCommand.newCommandLine(Map.of("THINGBRIDGE_ENDPOINT", "mqtts://broker.example:8884",
        "THINGBRIDGE_CA", "/etc/ca.pem"));
    CommandLine.ParseResult result = parsed.parseArgs("shadow", "get", "--thing", "t");
    CommandSpec get = result.subcommand().subcommand().commandSpec();
    assertThat(get.findOption("--endpoint").<Object>getValue().toString()).isEqualTo("mqtts://broker.example:8884");
    assertThat(get.findOption("--ca").<Object>getValue().toString()).isEqualTo("/etc/ca.pem");
    CommandLine.ParseResult flagWins = ThingBridgeCommand.newCommandLine(Map.of("THINGBRIDGE_ENDPOINT",
        "mqtts://broker.example:8884")).parseArgs("shadow", "get", "--thing", "t", "--endpoint", "mqtt://10.0.0.1");
    assertThat(flagWins.subcommand().subcommand().commandSpec().findOption("--endpoint").<Object>getValue()
        .toString()).isEqualTo("mqtt://10.0.0.1:1883");
    CommandLine.ParseResult none = ThingBridgeCommand.newCommandLine(Map.of()).parseArgs("jobs", "list", "--thing", "t");
    assertThat(none.subcommand().subcommand().commandSpec().findOption("--endpoint").<Object>getValue().toString())
        .isEqualTo("mqtt://127.0.0.1:1883");
  }

  @Test
  void help_with_an_unknown_path_is_a_usage_error() {
    CliRun r = run(commandLine(), "help", "shadow", "nope");
    assertThat(r.exitCode()).isEqualTo(ExitCodes.USAGE);
    assertThat(r.err()).contains("'shadow nope' is not a command").contains("get, update, delete, watch");
  }

  @Test
  void environment_defaults_are_marked_on_the_fields_they_fill() throws Exception {
    AnnotatedElement endpoint = BrokerOptions.class.getDeclaredField("endpoint");
    assertThat(endpoint.getAnnotation(EnvironmentDefault.class).value()).isEqualTo("THINGBRIDGE_ENDPOINT");
  }
}
