package dev.thingbridge.cli;

import dev.thingbridge.jobs.model.DescribeJobExecutionRequest;
import dev.thingbridge.jobs.model.JobLimits;
import dev.thingbridge.mqtt.AwsNames;
import java.time.Duration;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code jobs describe}: DescribeJobExecution of one job. */
@Command(name = "describe",
    description = "Describe one job execution of the thing, with its job document (prints the reply JSON).")
final class JobsDescribeCommand implements Callable<Integer> {
  @Mixin ThingOption thing;
  @Mixin ConnectionOptions connection;
  @Mixin OutputOptions output;

  @Option(names = "--timeout", paramLabel = "DURATION", defaultValue = "5", converter = DurationConverter.class,
      description = "How long to wait for the reply (default: ${DEFAULT-VALUE} s).")
  Duration timeout;

  @Option(names = "--job", required = true, paramLabel = "JOB", description = "The job id (1-64 of a-z, A-Z, 0-9, "
      + "'_', '-').")
  String job;

  @Option(names = "--execution-number", paramLabel = "N", description = "Which execution (default: the latest).")
  Long executionNumber;

  @Override
  public Integer call() throws Exception {
    DescribeJobExecutionRequest request;
    try {
      AwsNames.requireJobId(job);
      request = new DescribeJobExecutionRequest(executionNumber, true, null);
    } catch (IllegalArgumentException e) {
      throw new UsageException("--job: " + e.getMessage(), e);
    }
    return JobsCommand.printReply(thing.name(), timeout, connection, output, c -> c.describe(job, request));
  }
}
