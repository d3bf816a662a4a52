package dev.thingbridge.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.thingbridge.commands.CommandAgent;
import dev.thingbridge.commands.CommandAgentListener;
import dev.thingbridge.commands.CommandException;
import dev.thingbridge.commands.CommandFormat;
import dev.thingbridge.commands.CommandOutcome;
import dev.thingbridge.commands.CommandTopics;
import dev.thingbridge.mqtt.MqttClient;
import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import java.util.concurrent.atomic.AtomicInteger;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code commands handle}: runs a command line per command execution until stopped. */
@Command(name = "handle",
    description = {"Serve the thing's commands: CMD runs once per execution with the payload on standard input "
        + "and THINGBRIDGE_EXECUTION_ID in its environment.",
        "Exit 0 reports SUCCEEDED with standard output (a JSON object) as the result; another code FAILED.",
        "Prints one JSON line per event (ready, succeeded, failed, rejected...); Ctrl-C or SIGTERM stops it."})
final class CommandsHandleCommand implements Callable<Integer> {
  /** Payload formats on the command line. */
  enum Format { json, cbor }

  @Spec CommandSpec spec;

  @ArgGroup(exclusive = true, multiplicity = "1")
  Target target;

  /** Whose commands: a thing's, or an MQTT client's (the {@code clients} namespace). */
  static final class Target {
    @Option(names = "--thing", paramLabel = "THING", converter = ThingNameConverter.class,
        description = "Serve this thing's commands ($aws/commands/things/THING/...).")
    String thing;

    @Option(names = "--client-target", paramLabel = "ID",
        description = "Serve the commands sent to an MQTT client target instead ($aws/commands/clients/ID/...); "
            + "the MQTT client id defaults to ID, as AWS IoT requires.")
    String clientTarget;
  }

  @Mixin DeviceConnectionOptions connection;
  @Mixin OutputOptions output;

  @Option(names = "--handler", required = true, paramLabel = "CMD",
      description = "The handler: an executable file, or a program on PATH.")
  String handler;

  @Parameters(paramLabel = "ARG", description = "Arguments passed to the handler.")
  List<String> handlerArgs = List.of();

  @Option(names = "--format", defaultValue = "json", paramLabel = "FORMAT",
      description = "Payload format: ${COMPLETION-CANDIDATES} (default: ${DEFAULT-VALUE}).")
  Format format;

  @Option(names = "--handler-timeout", defaultValue = "5m", paramLabel = "DURATION",
      converter = DurationConverter.class,
      description = "Stop a handler after this long and report FAILED (default: ${DEFAULT-VALUE}).")
  Duration handlerTimeout;

  @Option(names = "--timeout", defaultValue = "5", paramLabel = "DURATION", converter = DurationConverter.class,
      description = "How long to wait for the cloud's reply to each status (default: ${DEFAULT-VALUE} s).")
  Duration timeout;

  @Option(names = {"-C", "--count"}, paramLabel = "N",
      description = "Exit after N executions ended (default: run until Ctrl-C or SIGTERM).")
  Integer count;

  @Option(names = "--max-executions", hidden = true, paramLabel = "N", description = "Old spelling of --count.")
  void maxExecutions(Integer n) {
    count = n;
  }

  @Override
  public Integer call() throws Exception {
    if (count != null && count < 1) {
      throw new UsageException("--count must be at least 1: " + count);
    }
    String deviceId = target.thing != null ? target.thing : checkedClientTarget(target.clientTarget);
    List<String> cmd = new ArrayList<>();
    cmd.add(executable(handler));
    cmd.addAll(handlerArgs);
    ThingBridgeCommand root = ThingBridgeCommand.of(spec);
    try (StopSignal stop = root.exit().stopSignal(TwinCommand.STOP_BUDGET);
        MqttClient mqtt = connection.connect(deviceId, stop)) {
      CommandAgent.Builder<JsonNode> b = CommandAgent.builder(mqtt, JsonNode.class,
              new ProcessCommandHandler(cmd, handlerTimeout))
          .format(format == Format.cbor ? CommandFormat.CBOR : CommandFormat.JSON).replyTimeout(timeout)
          .acceptRaw(true).listener(printer(stop));
      try (CommandAgent<JsonNode> agent = (target.thing != null ? b.thing(deviceId) : b.client(deviceId)).build()) {
        JobsCommand.await(agent.start());
        output.event(JobsHandleCommand.event("ready").put(target.thing != null ? "thing" : "clientTarget", deviceId)
            .put("format", agent.format().suffix()));
        stop.await(null);
      }
    }
    return ExitCodes.OK;
  }

  private static String checkedClientTarget(String id) {
    try {
      CommandTopics.forClient(id);
      return id;
    } catch (IllegalArgumentException e) {
      throw new UsageException("--client-target: " + e.getMessage(), e);
    }
  }

  /** The handler as a path that runs: checked now, not at the first execution. */
  static String executable(String handler) {
    if (handler.isBlank()) {
      throw new UsageException("--handler is empty");
    }
    if (handler.contains(File.separator)) {
      Path p = Path.of(handler);
      if (!Files.isRegularFile(p)) {
        throw new UsageException("--handler " + handler + " does not exist or is not a file");
      }
      if (!Files.isExecutable(p)) {
        throw new UsageException("--handler " + handler + " is not executable (chmod +x " + handler + ")");
      }
      return p.toAbsolutePath().toString();
    }
    String path = System.getenv("PATH");
    for (String dir : (path == null ? "" : path).split(File.pathSeparator)) {
      if (!dir.isEmpty() && Files.isRegularFile(Path.of(dir, handler)) && Files.isExecutable(Path.of(dir, handler))) {
        return handler;
      }
    }
    throw new UsageException("--handler " + handler + " is not a file and not a program on PATH");
  }

  /** One JSON line per ended execution; stops the command after {@code --count} of them. */
  private CommandAgentListener printer(StopSignal stop) {
    AtomicInteger ended = new AtomicInteger();
    Runnable oneEnded = () -> {
      if (count != null && ended.incrementAndGet() >= count) {
        stop.stopNow();
      }
    };
    return new CommandAgentListener() {
      @Override
      public void onFinished(String executionId, CommandOutcome outcome) {
        output.event(outcome(outcome.status().name().toLowerCase(Locale.ROOT), executionId, outcome));
        oneEnded.run();
      }

      @Override
      public void onRejected(String executionId, CommandOutcome outcome, CommandException error) {
        output.event(outcome("update-rejected", executionId, outcome).put("message", error.getMessage()));
        oneEnded.run();
      }

      @Override
      public void onUnconfirmed(String executionId, CommandOutcome outcome, Throwable cause) {
        output.event(outcome("unconfirmed", executionId, outcome).put("message", cause.getMessage()));
        oneEnded.run();
      }
    };
  }

  private static ObjectNode outcome(String kind, String executionId, CommandOutcome outcome) {
    ObjectNode line = JobsHandleCommand.event(kind).put("executionId", executionId)
        .put("status", outcome.status().name());
    if (outcome.reason() != null) {
      line.put("reasonCode", outcome.reason().reasonCode());
      if (outcome.reason().reasonDescription() != null) {
        line.put("reasonDescription", outcome.reason().reasonDescription());
      }
    }
    return line;
  }
}
