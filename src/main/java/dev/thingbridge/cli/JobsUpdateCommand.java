package dev.thingbridge.cli;

import dev.thingbridge.jobs.model.JobLimits;
import dev.thingbridge.jobs.model.JobStatus;
import dev.thingbridge.jobs.model.UpdateJobExecutionRequest;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;

/** {@code jobs update}: UpdateJobExecution. */
@Command(name = "update", mixinStandardHelpOptions = true,
    description = "Update a job execution's status (prints the reply JSON; a rejection exits with code 1).")
final class JobsUpdateCommand implements Callable<Integer> {
  /** The statuses a device may set. */
  enum DeviceStatus { IN_PROGRESS, SUCCEEDED, FAILED, REJECTED }

  @ParentCommand JobsCommand jobs;
  @Spec CommandSpec spec;

  @Option(names = "--job", required = true, description = "The job id.")
  String job;

  @Option(names = "--status", required = true, description = "One of: ${COMPLETION-CANDIDATES}.")
  DeviceStatus status;

  @Option(names = "--detail", paramLabel = "KEY=VALUE",
      description = "A statusDetails entry (repeatable, at most 10; replaces the stored details).")
  List<String> details = List.of();

  @Option(names = "--expected-version", description = "Apply only if the execution is at this version.")
  Long expectedVersion;

  @Option(names = "--step-timeout", description = "Step timeout in minutes (1-10080, or -1 to clear it).")
  Integer stepTimeoutMinutes;

  @Override
  public Integer call() throws Exception {
    UpdateJobExecutionRequest request;
    try {
      JobLimits.checkJobId(job);
      Map<String, String> map = new LinkedHashMap<>();
      for (String d : details) {
        int eq = d.indexOf('=');
        if (eq <= 0) {
          throw new IllegalArgumentException("--detail must be KEY=VALUE: " + d);
        }
        map.put(d.substring(0, eq), d.substring(eq + 1));
      }
      request = UpdateJobExecutionRequest.builder(JobStatus.valueOf(status.name()))
          .statusDetails(map.isEmpty() ? null : map)
          .expectedVersion(expectedVersion)
          .stepTimeoutInMinutes(stepTimeoutMinutes)
          .includeJobExecutionState(true)
          .build();
    } catch (IllegalArgumentException e) {
      throw new UsageException(e.getMessage(), e);
    }
    return jobs.printReply(spec, c -> c.update(job, request));
  }
}
