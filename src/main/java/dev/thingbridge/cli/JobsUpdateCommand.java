package dev.thingbridge.cli;

import dev.thingbridge.jobs.model.JobLimits;
import dev.thingbridge.jobs.model.JobExecutionStatus;
import dev.thingbridge.jobs.model.UpdateJobExecutionRequest;
import dev.thingbridge.mqtt.AwsNames;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code jobs update}: UpdateJobExecution. */
@Command(name = "update",
    description = "Update a job execution's status (prints the reply JSON; a rejection exits with code 1).")
final class JobsUpdateCommand implements Callable<Integer> {
  /** The statuses a device may set. */
  enum DeviceStatus { IN_PROGRESS, SUCCEEDED, FAILED, REJECTED }

  /** The most minutes a step timeout may have (7 days). */
  static final long MAX_STEP_MINUTES = 10_080;

  @Mixin ThingOption thing;
  @Mixin ConnectionOptions connection;
  @Mixin OutputOptions output;

  @Option(names = "--timeout", paramLabel = "DURATION", defaultValue = "5", converter = DurationConverter.class,
      description = "How long to wait for the reply (default: ${DEFAULT-VALUE} s).")
  Duration timeout;

  @Option(names = "--job", required = true, paramLabel = "JOB", description = "The job id.")
  String job;

  @Option(names = "--status", required = true, paramLabel = "STATUS",
      description = "One of: ${COMPLETION-CANDIDATES}.")
  DeviceStatus status;

  @Option(names = "--detail", paramLabel = "KEY=VALUE",
      description = "A statusDetails entry (repeatable, at most 10; replaces the stored details).")
  List<String> details = List.of();

  @Option(names = "--expected-version", paramLabel = "N", description = "Apply only if the execution is at version N.")
  Long expectedVersion;

  @Option(names = "--step-timeout", paramLabel = "DURATION", converter = StepTimeoutConverter.class,
      description = "A new step timeout, as for jobs handle (sent in whole minutes, rounded up, at most 7 days), "
          + "or 'none' to clear it.")
  Long stepTimeoutMinutes;

  @Override
  public Integer call() throws Exception {
    UpdateJobExecutionRequest request;
    try {
      AwsNames.requireJobId(job);
    } catch (IllegalArgumentException e) {
      throw new UsageException("--job: " + e.getMessage(), e);
    }
    try {
      Map<String, String> map = new LinkedHashMap<>();
      for (String d : details) {
        int eq = d.indexOf('=');
        if (eq <= 0) {
          throw new IllegalArgumentException("--detail must be KEY=VALUE: " + d);
        }
        map.put(d.substring(0, eq), d.substring(eq + 1));
      }
      request = UpdateJobExecutionRequest.builder(JobExecutionStatus.valueOf(status.name()))
          .statusDetails(map.isEmpty() ? null : map)
          .expectedVersion(expectedVersion)
          .stepTimeoutInMinutes(stepTimeoutMinutes == null ? null : Math.toIntExact(stepTimeoutMinutes))
          .includeJobExecutionState(true)
          .build();
    } catch (IllegalArgumentException e) {
      throw new UsageException(e.getMessage(), e);
    }
    return JobsCommand.printReply(thing.name(), timeout, connection, output, c -> c.update(job, request));
  }

  /** A duration in whole minutes, rounded up, 1..10080; {@code none} (or -1) is -1, which clears the timer. */
  static final class StepTimeoutConverter implements CommandLine.ITypeConverter<Long> {
    @Override
    public Long convert(String value) {
      String v = value.strip().toLowerCase(Locale.ROOT);
      if (v.equals("none") || v.equals("-1")) {
        return -1L;
      }
      Duration d = new DurationConverter().convert(value);
      long minutes = (d.toSeconds() + (d.toNanosPart() > 0 ? 1 : 0) + 59) / 60;
      if (minutes > MAX_STEP_MINUTES) {
        throw new CommandLine.TypeConversionException("'" + value + "' is longer than 7 days, the most AWS IoT allows");
      }
      return minutes;
    }
  }
}
