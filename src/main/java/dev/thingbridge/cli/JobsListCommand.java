package dev.thingbridge.cli;

import dev.thingbridge.jobs.JobClient;
import java.time.Duration;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code jobs list}: GetPendingJobExecutions. */
@Command(name = "list",
    description = "List the thing's pending job executions, in progress and queued (prints the reply JSON).")
final class JobsListCommand implements Callable<Integer> {
  @Mixin ThingOption thing;
  @Mixin ConnectionOptions connection;
  @Mixin OutputOptions output;

  @Option(names = "--timeout", paramLabel = "DURATION", defaultValue = "5", converter = DurationConverter.class,
      description = "How long to wait for the reply (default: ${DEFAULT-VALUE} s).")
  Duration timeout;

  @Override
  public Integer call() throws Exception {
    return JobsCommand.printReply(thing.name(), timeout, connection, output, JobClient::pending);
  }
}
