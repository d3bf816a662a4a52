package dev.thingbridge.jobs;

import com.fasterxml.jackson.databind.JsonNode;
import dev.thingbridge.internal.HandlerProcess;
import dev.thingbridge.jobs.model.JobLimits;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * The {@code jobs handle} handler: runs the executable in a directory named by the job document's
 * {@code operation} field, with the document on standard input and the job in the environment
 * ({@code THINGBRIDGE_JOB_ID}, {@code THINGBRIDGE_THING_NAME}, {@code THINGBRIDGE_JOB_EXECUTION_NUMBER},
 * {@code THINGBRIDGE_JOB_RESUMED}). Exit 0 is SUCCEEDED; another exit code is FAILED with the code; the last
 * lines of standard output and standard error go into statusDetails either way; no such executable is
 * REJECTED; past the deadline the process is stopped.
 */
public final class ProcessJobHandler implements JobHandler<JsonNode> {
  private static final Pattern SAFE_NAME = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]{0,127}");

  /** What the handler tells the command: a process started, a line it wrote. */
  public interface Events {
    /** Does nothing. */
    Events NONE = new Events() {
      @Override
      public void started(ActiveJob<JsonNode> job, String operation) {}

      @Override
      public void output(String jobId, String stream, String line) {}
    };

    /** The executable for {@code operation} started for this job. */
    void started(ActiveJob<JsonNode> job, String operation);

    /** A line the executable wrote on {@code stream} ({@code stdout} or {@code stderr}). */
    void output(String jobId, String stream, String line);
  }

  private final Path dir;
  private final String thingName;
  private final Events events;
  private final JobHandlers dispatch = JobHandlers.builder().build();

  /**
   * @param dir the directory of executables
   * @param thingName the thing, passed on as {@code THINGBRIDGE_THING_NAME}
   * @param events what to tell the caller about each run
   */
  public ProcessJobHandler(Path dir, String thingName, Events events) {
    this.dir = dir;
    this.thingName = thingName;
    this.events = events;
  }

  /** Whether {@code dir} holds an executable for {@code operation}. */
  public boolean handles(String operation) {
    if (operation == null || !SAFE_NAME.matcher(operation).matches()) {
      return false;
    }
    Path exe = dir.resolve(operation);
    return Files.isRegularFile(exe) && Files.isExecutable(exe);
  }

  @Override
  public JobOutcome run(ActiveJob<JsonNode> job) throws Exception {
    String operation = dispatch.keyOf(job.document()).orElse(null);
    if (operation == null) {
      return JobOutcome.rejected("the job document has no string field 'operation'");
    }
    Path exe = dir.resolve(operation);
    if (!SAFE_NAME.matcher(operation).matches() || !Files.isRegularFile(exe) || !Files.isExecutable(exe)) {
      return JobOutcome.rejected("no handler for operation '" + JobLimits.toDetailValue(operation) + "'");
    }
    Map<String, String> env = Map.of(
        "THINGBRIDGE_JOB_ID", job.jobId(),
        "THINGBRIDGE_THING_NAME", thingName,
        "THINGBRIDGE_JOB_EXECUTION_NUMBER", Long.toString(job.execution().execution()),
        "THINGBRIDGE_JOB_RESUMED", Boolean.toString(job.resumed()));
    events.started(job, operation);
    HandlerProcess.Result r = HandlerProcess.run(List.of(exe.toAbsolutePath().toString()), dir, env,
        JobCodec.mapper().writeValueAsBytes(job.document()), job.deadline().orElse(null), job::isCancelled,
        (stream, line) -> events.output(job.jobId(), stream, line));
    if (r.timedOut()) {
      return JobOutcome.failed(details("stopped after the step timeout", null, operation, r));
    }
    if (r.cancelled()) {
      return JobOutcome.failed(details("stopped: the job was canceled", null, operation, r));
    }
    if (r.exitCode() == 0) {
      return JobOutcome.succeeded(details(null, null, operation, r));
    }
    return JobOutcome.failed(details("handler exited with code " + r.exitCode(), r.exitCode(), operation, r));
  }

  @Override
  public boolean canResume(ActiveJob<JsonNode> job) {
    return true; // the handler learns it from THINGBRIDGE_JOB_RESUMED and decides itself
  }

  private static Map<String, String> details(String reason, Integer exitCode, String operation,
      HandlerProcess.Result r) {
    Map<String, String> d = new LinkedHashMap<>();
    if (reason != null) {
      d.put("reason", reason);
    }
    d.put("operation", operation);
    if (exitCode != null) {
      d.put("exitCode", Integer.toString(exitCode));
    }
    if (!r.stdoutTail().isEmpty()) {
      d.put("stdout", JobLimits.toDetailValue(r.stdoutSummary()));
    }
    if (!r.stderrTail().isEmpty()) {
      d.put("stderr", JobLimits.toDetailValue(r.stderrSummary()));
    }
    return d;
  }
}
