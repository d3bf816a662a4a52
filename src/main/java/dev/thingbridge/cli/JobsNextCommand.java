package dev.thingbridge.cli;

import dev.thingbridge.jobs.JobTopics;
import dev.thingbridge.jobs.model.DescribeJobExecutionRequest;
import java.time.Duration;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code jobs next}: DescribeJobExecution of {@code $next}. */
@Command(name = "next",
    description = {"Describe the next pending job execution of the thing (prints the reply JSON).",
        "With nothing pending it prints nothing, says so on standard error and exits with code 5."})
final class JobsNextCommand implements Callable<Integer> {
  @Spec CommandSpec spec;
  @Mixin ThingOption thing;
  @Mixin ConnectionOptions connection;
  @Mixin OutputOptions output;

  @Option(names = "--timeout", paramLabel = "DURATION", defaultValue = "5", converter = DurationConverter.class,
      description = "How long to wait for the reply (default: ${DEFAULT-VALUE} s).")
  Duration timeout;

  @Override
  public Integer call() throws Exception {
    var reply = JobsCommand.request(thing.name(), timeout, connection,
        c -> c.describe(JobTopics.NEXT, DescribeJobExecutionRequest.LATEST));
    if (reply.execution() == null) {
      spec.commandLine().getErr().println("no pending job execution for " + thing.name());
      spec.commandLine().getErr().flush();
      return ExitCodes.NOTHING;
    }
    output.reply(reply, dev.thingbridge.jobs.JobCodec.mapper());
    return ExitCodes.OK;
  }
}
