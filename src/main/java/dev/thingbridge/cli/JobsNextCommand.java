package dev.thingbridge.cli;

import dev.thingbridge.jobs.JobTopics;
import dev.thingbridge.jobs.model.DescribeJobExecutionRequest;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;

/** {@code jobs next}: DescribeJobExecution of {@code $next}. */
@Command(name = "next", mixinStandardHelpOptions = true,
    description = "Describe the next pending job execution of the thing (prints the reply JSON).")
final class JobsNextCommand implements Callable<Integer> {
  @ParentCommand JobsCommand jobs;
  @Spec CommandSpec spec;

  @Override
  public Integer call() throws Exception {
    return jobs.printReply(spec, c -> c.describe(JobTopics.NEXT, DescribeJobExecutionRequest.LATEST));
  }
}
