package dev.thingbridge.cli;

import com.fasterxml.jackson.databind.JsonNode;
import dev.thingbridge.commands.CommandAgent;
import dev.thingbridge.commands.CommandFormat;
import dev.thingbridge.mqtt.MqttClient;
import java.io.PrintWriter;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
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
        "Exit 0 reports SUCCEEDED with standard output (a JSON object) as the result; another code FAILED."})
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

  @Override
  public Integer call() throws Exception {
    if ((thing == null) == (client == null)) {
      throw new UsageException("give exactly one of --thing and --client");
    }
    PrintWriter out = spec.commandLine().getOut();
    List<String> cmd = new java.util.ArrayList<>();
    cmd.add(handler);
    cmd.addAll(handlerArgs);
    try (MqttClient mqtt = commands.connect(thing != null ? thing : client)) {
      CommandAgent<JsonNode> agent;
      try {
        CommandAgent.Builder<JsonNode> b = CommandAgent.builder(mqtt, JsonNode.class,
                new ProcessCommandHandler(cmd, handlerTimeout))
            .format(format == Format.cbor ? CommandFormat.CBOR : CommandFormat.JSON).replyTimeout(timeout).acceptRaw(true);
        agent = (thing != null ? b.thing(thing) : b.client(client)).build();
      } catch (IllegalArgumentException e) {
        throw new UsageException(e.getMessage(), e);
      }
      try (agent) {
        JobsCommand.await(agent.start());
        out.println("handling commands of " + agent.topics().deviceId() + " (" + agent.format().suffix() + ")");
        out.flush();
        new CountDownLatch(1).await(); // until interrupted (Ctrl-C ends the process)
      }
    }
    return ExitCodes.OK;
  }
}
