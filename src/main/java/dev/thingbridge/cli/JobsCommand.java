package dev.thingbridge.cli;

import dev.thingbridge.jobs.JobClient;
import dev.thingbridge.jobs.JobCodec;
import dev.thingbridge.mqtt.MqttClient;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import picocli.CommandLine.Command;

/** {@code thingbridge jobs}: AWS IoT Jobs as the device sees them. The work is in the subcommands. */
@Command(name = "jobs",
    description = "AWS IoT Jobs as the device sees them: query, update and run jobs.",
    subcommands = {JobsNextCommand.class, JobsListCommand.class, JobsDescribeCommand.class, JobsUpdateCommand.class,
        JobsHandleCommand.class})
public final class JobsCommand {
  private JobsCommand() {}

  /** Sends one request with a fresh client and prints the reply as JSON; returns the reply. */
  static <T> T request(String thing, Duration timeout, ConnectionOptions connection,
      Function<JobClient, CompletableFuture<T>> call) throws Exception {
    try (MqttClient mqtt = connection.connect(); JobClient client = newClient(mqtt, thing, timeout)) {
      return await(call.apply(client));
    }
  }

  /** {@link #request} and print the reply. */
  static <T> int printReply(String thing, Duration timeout, ConnectionOptions connection, OutputOptions output,
      Function<JobClient, CompletableFuture<T>> call) throws Exception {
    output.reply(request(thing, timeout, connection, call), JobCodec.mapper());
    return ExitCodes.OK;
  }

  static JobClient newClient(MqttClient mqtt, String thing, Duration timeout) {
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
}
