package dev.thingbridge.cli;

import com.fasterxml.jackson.core.JsonProcessingException;
import dev.thingbridge.jobs.JobClient;
import dev.thingbridge.jobs.JobCodec;
import dev.thingbridge.mqtt.MqttClient;
import java.time.Duration;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code thingbridge jobs}: AWS IoT Jobs from the command line. Prints usage; the work is in the subcommands. */
@Command(name = "jobs", mixinStandardHelpOptions = true,
    description = "AWS IoT Jobs as the device sees them: query, update and run jobs.",
    subcommands = {JobsNextCommand.class, JobsListCommand.class, JobsDescribeCommand.class, JobsUpdateCommand.class,
        JobsHandleCommand.class})
public final class JobsCommand implements Runnable {
  @Spec CommandSpec spec;

  @Option(names = "--thing", required = true, scope = picocli.CommandLine.ScopeType.INHERIT,
      description = "The thing name (1-128 characters of [a-zA-Z0-9:_-]).")
  String thing;

  @Option(names = "--timeout", defaultValue = "5s", scope = picocli.CommandLine.ScopeType.INHERIT,
      converter = DurationConverter.class, description = "How long to wait for each reply (default: ${DEFAULT-VALUE}).")
  Duration timeout;

  private final MqttConnector connector;

  @picocli.CommandLine.Mixin ConnectionOptions connection;

  /** The packaged CLI's form: connects with the connection flags ({@code --endpoint} etc.). */
  public JobsCommand() {
    this.connector = null;
  }

  /** Connects through {@code connector} instead of the connection flags (tests use the in-process bus). */
  public JobsCommand(MqttConnector connector) {
    this.connector = Objects.requireNonNull(connector, "connector");
  }

  @Override
  public void run() {
    spec.commandLine().usage(spec.commandLine().getOut());
  }

  MqttClient connect() throws InterruptedException {
    return connector != null ? connector.connect(thing) : connection.defaultClientId(thing).connect();
  }

  /** Sends one request with a fresh client and prints the reply as JSON. */
  <T> int printReply(CommandSpec leaf, Function<JobClient, CompletableFuture<T>> call) throws Exception {
    try (MqttClient mqtt = connect(); JobClient client = newClient(mqtt)) {
      T reply = await(call.apply(client));
      leaf.commandLine().getOut().println(toJson(reply));
      leaf.commandLine().getOut().flush();
      return ExitCodes.OK;
    }
  }

  JobClient newClient(MqttClient mqtt) {
    try {
      return new JobClient(mqtt, thing, timeout);
    } catch (IllegalArgumentException e) {
      throw new UsageException(e.getMessage(), e);
    }
  }

  static <T> T await(CompletableFuture<T> f) throws Exception {
    try {
      return f.get(10, TimeUnit.MINUTES); // each request has its own, shorter timeout
    } catch (ExecutionException e) {
      throw e.getCause() instanceof Exception ex ? ex : e;
    }
  }

  static String toJson(Object value) throws JsonProcessingException {
    return JobCodec.mapper().writerWithDefaultPrettyPrinter().writeValueAsString(value);
  }
}
