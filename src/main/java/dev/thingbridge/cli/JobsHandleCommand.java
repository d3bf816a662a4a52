package dev.thingbridge.cli;

import com.fasterxml.jackson.databind.JsonNode;
import dev.thingbridge.jobs.JobAgent;
import dev.thingbridge.jobs.JobAgentListener;
import dev.thingbridge.jobs.JobDocumentType;
import dev.thingbridge.jobs.JobException;
import dev.thingbridge.jobs.JobOutcome;
import dev.thingbridge.jobs.model.JobExecution;
import dev.thingbridge.jobs.model.JobStatus;
import dev.thingbridge.mqtt.MqttClient;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.Callable;
import java.util.concurrent.atomic.AtomicInteger;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;

/** {@code jobs handle}: runs the thing's jobs through executables in a directory until stopped. */
@Command(name = "handle", mixinStandardHelpOptions = true,
    description = {"Run the thing's jobs: for each, the executable in DIR named by the job document's 'operation' "
        + "gets the document on standard input and THINGBRIDGE_JOB_ID in its environment.",
        "Exit 0 reports SUCCEEDED; another code FAILED with the code and the last lines of standard error; "
            + "no executable REJECTED. Prints one line per job event; Ctrl-C or SIGTERM stops it "
            + "(the running handler is stopped and, with --state-dir, resumed by the next run)."})
final class JobsHandleCommand implements Callable<Integer> {
  @ParentCommand JobsCommand jobs;
  @Spec CommandSpec spec;

  @Option(names = "--handler-dir", required = true, paramLabel = "DIR", description = "Directory of handler executables.")
  Path handlerDir;

  @Option(names = "--state-dir", paramLabel = "DIR",
      description = "Where to remember the running job across restarts (default: nowhere).")
  Path stateDir;

  @Option(names = "--step-timeout", converter = DurationConverter.class,
      description = "Stop a handler after this long and report FAILED (also sent as the job's step timeout).")
  Duration stepTimeout;

  @Option(names = "--max-jobs", description = "Exit after this many jobs ended (default: run until stopped).")
  Integer maxJobs;

  @Override
  public Integer call() throws Exception {
    if (!Files.isDirectory(handlerDir)) {
      throw new UsageException("--handler-dir is not a directory: " + handlerDir);
    }
    PrintWriter out = spec.commandLine().getOut();
    if (maxJobs != null && maxJobs < 1) {
      throw new UsageException("--max-jobs must be at least 1: " + maxJobs);
    }
    try (StopSignal stop = new StopSignal(TwinCommand.STOP_BUDGET)) {
      AtomicInteger ended = new AtomicInteger();
      Runnable oneEnded = () -> {
        if (maxJobs != null && ended.incrementAndGet() >= maxJobs) {
          stop.stopNow();
        }
      };
      run(out, oneEnded, stop);
    }
    return ExitCodes.OK;
  }

  private void run(PrintWriter out, Runnable oneEnded, StopSignal stop) throws Exception {
    JobAgentListener listener = new JobAgentListener() {
      @Override
      public void onJobStarted(JobExecution execution, boolean resumed) {
        print(out, "started " + execution.jobId() + (resumed ? " (resumed)" : ""));
      }

      @Override
      public void onJobFinished(String jobId, JobOutcome outcome) {
        print(out, outcome.status() + " " + jobId + (outcome.statusDetails().isEmpty() ? "" : " " + outcome.statusDetails()));
        oneEnded.run();
      }

      @Override
      public void onJobCancelled(String jobId, JobStatus status) {
        print(out, "cancelled " + jobId + " (" + status + ")");
        oneEnded.run();
      }

      @Override
      public void onUpdateRejected(String jobId, JobException error) {
        print(out, "update of " + jobId + " rejected: " + error.code().wire());
      }
    };
    try (MqttClient mqtt = jobs.connect()) {
      JobAgent<JsonNode> agent;
      try {
        agent = JobAgent.builder(mqtt, JobDocumentType.JSON, new ProcessJobHandler(handlerDir, jobs.thing))
            .thingName(jobs.thing).stateDir(stateDir).stepTimeout(stepTimeout).replyTimeout(jobs.timeout)
            .listener(listener).build();
      } catch (IllegalArgumentException e) {
        throw new UsageException(e.getMessage(), e);
      }
      try (agent) {
        JobsCommand.await(agent.start());
        print(out, "handling jobs of " + jobs.thing + " with " + handlerDir);
        stop.await(null);
      }
    }
  }

  private static void print(PrintWriter out, String line) {
    synchronized (out) {
      out.println(line);
      out.flush();
    }
  }
}
