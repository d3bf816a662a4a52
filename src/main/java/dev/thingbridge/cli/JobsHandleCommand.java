package dev.thingbridge.cli;

import dev.thingbridge.jobs.ProcessJobHandler;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.thingbridge.jobs.ActiveJob;
import dev.thingbridge.jobs.JobAgent;
import dev.thingbridge.jobs.JobAgentListener;
import dev.thingbridge.jobs.JobDocumentType;
import dev.thingbridge.jobs.JobException;
import dev.thingbridge.jobs.JobOutcome;
import dev.thingbridge.jobs.model.JobExecutionStatus;
import dev.thingbridge.mqtt.MqttClient;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Locale;
import java.util.concurrent.Callable;
import java.util.concurrent.atomic.AtomicInteger;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code jobs handle}: runs the thing's jobs through executables in a directory until stopped. */
@Command(name = "handle",
    description = {"Run the thing's jobs: for each, the executable in DIR named by the job document's 'operation' "
        + "gets the document on standard input and THINGBRIDGE_JOB_ID in its environment.",
        "Exit 0 reports SUCCEEDED, another code FAILED; the last lines of the handler's standard output and "
            + "standard error go into statusDetails; no executable: REJECTED.",
        "Prints one JSON line per event (ready, started, succeeded, failed, rejected, canceled; with -v also each "
            + "line the handler writes). Ctrl-C or SIGTERM stops it (the running handler is stopped and, with "
            + "--state-dir, resumed by the next run)."})
final class JobsHandleCommand implements Callable<Integer> {
  @Spec CommandSpec spec;
  @Mixin ThingOption thing;
  @Mixin DeviceConnectionOptions connection;
  @Mixin OutputOptions output;

  @Option(names = "--handler-dir", required = true, paramLabel = "DIR", description = "Directory of handler executables.")
  Path handlerDir;

  @Option(names = "--state-dir", paramLabel = "DIR",
      description = "Where to remember the running job across restarts (default: nowhere).")
  Path stateDir;

  @Option(names = "--step-timeout", paramLabel = "DURATION", converter = DurationConverter.class,
      description = "Stop a handler after this long and report FAILED (also sent as the job's step timeout).")
  Duration stepTimeout;

  @Option(names = "--timeout", paramLabel = "DURATION", defaultValue = "5", converter = DurationConverter.class,
      description = "How long to wait for the cloud's reply to each update (default: ${DEFAULT-VALUE} s).")
  Duration timeout;

  @Option(names = {"-C", "--count"}, paramLabel = "N",
      description = "Exit after N jobs ended (default: run until Ctrl-C or SIGTERM).")
  Integer count;

  @Option(names = "--max-jobs", hidden = true, paramLabel = "N", description = "Old spelling of --count.")
  void maxJobs(Integer n) {
    count = n;
  }

  @Override
  public Integer call() throws Exception {
    if (!Files.isDirectory(handlerDir)) {
      throw new UsageException("--handler-dir is not a directory: " + handlerDir);
    }
    if (count != null && count < 1) {
      throw new UsageException("--count must be at least 1: " + count);
    }
    if (stateDir != null) {
      StateDirs.check("--state-dir", stateDir);
    }
    ThingBridgeCommand root = ThingBridgeCommand.of(spec);
    boolean verbose = root.logging.verbose(spec, root.environment());
    try (StopSignal stop = root.exit().stopSignal(TwinCommand.STOP_BUDGET);
        MqttClient mqtt = connection.connect(thing.name(), stop)) {
      AtomicInteger ended = new AtomicInteger();
      Runnable oneEnded = () -> {
        if (count != null && ended.incrementAndGet() >= count) {
          stop.stopNow();
        }
      };
      JobAgent<JsonNode> agent;
      try {
        agent = JobAgent.builder(mqtt, JobDocumentType.JSON,
                new ProcessJobHandler(handlerDir, thing.name(), events(verbose)))
            .thingName(thing.name()).stateDir(stateDir).stepTimeout(stepTimeout).replyTimeout(timeout)
            .listener(listener(oneEnded)).build();
      } catch (IllegalArgumentException e) {
        throw new UsageException(e.getMessage(), e);
      }
      try (agent) {
        JobsCommand.await(agent.start());
        output.event(event("ready").put("thing", thing.name()).put("handlerDir", handlerDir.toString()));
        stop.await(null);
      }
    }
    return ExitCodes.OK;
  }

  private ProcessJobHandler.Events events(boolean verbose) {
    return new ProcessJobHandler.Events() {
      @Override
      public void started(ActiveJob<JsonNode> job, String operation) {
        output.event(event("started").put("jobId", job.jobId()).put("operation", operation)
            .put("executionNumber", job.execution().execution()).put("resumed", job.resumed()));
      }

      @Override
      public void output(String jobId, String stream, String line) {
        if (verbose) {
          output.event(event("output").put("jobId", jobId).put("stream", stream).put("line", line));
        }
      }
    };
  }

  private JobAgentListener listener(Runnable oneEnded) {
    return new JobAgentListener() {
      @Override
      public void onJobFinished(String jobId, JobOutcome outcome) {
        ObjectNode line = event(outcome.status().name().toLowerCase(Locale.ROOT)).put("jobId", jobId);
        line.set("statusDetails", OutputOptions.Json.MAPPER.valueToTree(outcome.statusDetails()));
        output.event(line);
        oneEnded.run();
      }

      @Override
      public void onJobCancelled(String jobId, JobExecutionStatus status) {
        output.event(event("canceled").put("jobId", jobId).put("status", status.name()));
        oneEnded.run();
      }

      @Override
      public void onUpdateRejected(String jobId, JobException error) {
        output.event(event("update-rejected").put("jobId", jobId).put("code", error.code().wire())
            .put("message", error.getMessage()));
      }
    };
  }

  static ObjectNode event(String kind) {
    return JsonNodeFactory.instance.objectNode().put("event", kind);
  }
}
