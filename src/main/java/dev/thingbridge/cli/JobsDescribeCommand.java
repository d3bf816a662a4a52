package dev.thingbridge.cli;

import dev.thingbridge.jobs.model.DescribeJobExecutionRequest;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;

/** {@code jobs describe}: DescribeJobExecution of one job. */
@Command(name = "describe", mixinStandardHelpOptions = true,
    description = "Describe one job execution of the thing, with its job document (prints the reply JSON).")
final class JobsDescribeCommand implements Callable<Integer> {
  @ParentCommand JobsCommand jobs;
  @Spec CommandSpec spec;

  @Option(names = "--job", required = true, description = "The job id (1-64 characters of [a-zA-Z0-9_-]).")
  String job;

  @Option(names = "--execution-number", description = "Which execution (default: the latest).")
  Long executionNumber;

  @Override
  public Integer call() throws Exception {
    DescribeJobExecutionRequest request;
    try {
      request = new DescribeJobExecutionRequest(executionNumber, true, null);
      dev.thingbridge.jobs.model.JobLimits.checkJobId(job);
    } catch (IllegalArgumentException e) {
      throw new UsageException(e.getMessage(), e);
    }
    return jobs.printReply(spec, c -> c.describe(job, request));
  }
}
