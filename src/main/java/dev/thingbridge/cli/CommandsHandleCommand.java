package dev.thingbridge.cli;

import com.fasterxml.jackson.databind.JsonNode;
import dev.thingbridge.commands.CommandAgent;
import dev.thingbridge.commands.CommandAgentListener;
import dev.thingbridge.commands.CommandException;
import dev.thingbridge.commands.CommandOutcome;
import dev.thingbridge.commands.CommandFormat;
import dev.thingbridge.mqtt.MqttClient;
import java.io.PrintWriter;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.atomic.AtomicInteger;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;

/** {@code commands handle}: runs a command line per command execution until stopped. */
@Command(name = "handle", mixinStandardHelpOptions = true,
    description = {"Serve the thing's commands: CMD runs once per execution with the payload on standard input "
        + "and THINGBRIDGE_EXECUTION_ID in its environment.",
        "Exit 0 reports SUCCEEDED with standard output (a JSON object) as the result; another code FAILED.",
        "Prints one line per ended execution; Ctrl-C or SIGTERM stops it."})
final class CommandsHandleCommand implements Callable<Integer> {
  /** Payload formats on the command line. */
  enum Format { json, cbor }

  @ParentCommand CommandsCommand commands;
  @Spec CommandSpec spec;

  @Option(names = "--thing", description = "The thing name (topics $aws/commands/things/<thing>/...).")
  String thing;

  @Option(names = "--client", description = "A plain MQTT client id instead (topics $aws/commands/clients/<id>/...).")
  String client;

  @Option(names = "--handler", required = true, paramLabel = "CMD", description = "The handler command line.")
  String handler;

  @Parameters(paramLabel = "ARG", description = "Arguments passed to the handler.")
  List<String> handlerArgs = List.of();

  @Option(names = "--format", defaultValue = "json", description = "Payload format: ${COMPLETION-CANDIDATES} "
      + "(default: ${DEFAULT-VALUE}).")
  Format format;

  @Option(names = "--handler-timeout", defaultValue = "5m", converter = DurationConverter.class,
      description = "Stop a handler after this long and report FAILED (default: ${DEFAULT-VALUE}).")
  Duration handlerTimeout;

  @Option(names = "--timeout", defaultValue = "5s", converter = DurationConverter.class,
      description = "How long to wait for the cloud's reply to each status (default: ${DEFAULT-VALUE}).")
  Duration timeout;

  @Option(names = "--max-executions", paramLabel = "N",
      description = "Exit after this many executions ended (default: run until Ctrl-C or SIGTERM).")
  Integer maxExecutions;

  @Override
  public Integer call() throws Exception {
    if (maxExecutions != null && maxExecutions < 1) {
      throw new UsageException("--max-executions must be at least 1: " + maxExecutions);
    }
    if ((thing == null) == (client == null)) {
      throw new UsageException("give exactly one of --thing and --client");
    }
    PrintWriter out = spec.commandLine().getOut();
    List<String> cmd = new java.util.ArrayList<>();
    cmd.add(handler);
    cmd.addAll(handlerArgs);
    try (StopSignal stop = new StopSignal(TwinCommand.STOP_BUDGET);
        MqttClient mqtt = commands.connect(thing != null ? thing : client)) {
      CommandAgent<JsonNode> agent;
      try {
        CommandAgent.Builder<JsonNode> b = CommandAgent.builder(mqtt, JsonNode.class,
                new ProcessCommandHandler(cmd, handlerTimeout))
            .format(format == Format.cbor ? CommandFormat.CBOR : CommandFormat.JSON).replyTimeout(timeout)
            .acceptRaw(true).listener(printer(out, stop));
        agent = (thing != null ? b.thing(thing) : b.client(client)).build();
      } catch (IllegalArgumentException e) {
        throw new UsageException(e.getMessage(), e);
      }
      try (agent) {
        JobsCommand.await(agent.start());
        print(out, "handling commands of " + agent.topics().deviceId() + " (" + agent.format().suffix() + ")");
        stop.await(null);
      }
    }
    return ExitCodes.OK;
  }

  /** One line per ended execution; stops the command after {@code --max-executions} of them. */
  private CommandAgentListener printer(PrintWriter out, StopSignal stop) {
    AtomicInteger ended = new AtomicInteger();
    Runnable oneEnded = () -> {
      if (maxExecutions != null && ended.incrementAndGet() >= maxExecutions) {
        stop.stopNow();
      }
    };
    return new CommandAgentListener() {
      @Override
      public void onFinished(String executionId, CommandOutcome outcome) {
        print(out, outcome.status() + " " + executionId + (outcome.reason() == null ? ""
            : " " + outcome.reason().reasonCode()
                + (outcome.reason().reasonDescription() == null ? "" : ": " + outcome.reason().reasonDescription())));
        oneEnded.run();
      }

      @Override
      public void onRejected(String executionId, CommandOutcome outcome, CommandException error) {
        print(out, outcome.status() + " of " + executionId + " rejected: " + error.getMessage());
        oneEnded.run();
      }

      @Override
      public void onUnconfirmed(String executionId, CommandOutcome outcome, Throwable cause) {
        print(out, outcome.status() + " of " + executionId + " not confirmed: " + cause.getMessage());
        oneEnded.run();
      }
    };
  }

  private static void print(PrintWriter out, String line) {
    synchronized (out) {
      out.println(line);
      out.flush();
    }
  }
}
