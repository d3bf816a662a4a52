package dev.thingbridge.cli;

import dev.thingbridge.jobs.JobClient;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;

/** {@code jobs list}: GetPendingJobExecutions. */
@Command(name = "list", mixinStandardHelpOptions = true,
    description = "List the thing's pending job executions, in progress and queued (prints the reply JSON).")
final class JobsListCommand implements Callable<Integer> {
  @ParentCommand JobsCommand jobs;
  @Spec CommandSpec spec;

  @Override
  public Integer call() throws Exception {
    return jobs.printReply(spec, JobClient::pending);
  }
}
