package dev.thingbridge.cli;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code ota status}: follows an OTA job on the twin until every device is done with it. */
@Command(name = "status",
    description = {"Follow an OTA job on the twin: one JSON line per device whenever its status or statusDetails "
        + "change, until every execution has ended.",
        "Exit 0 when all succeeded, 1 when one failed, was rejected, canceled or timed out, 4 after --timeout."})
final class OtaStatusCommand implements Callable<Integer> {
  private static final Set<String> TERMINAL = Set.of("SUCCEEDED", "FAILED", "REJECTED", "CANCELED", "TIMED_OUT",
      "REMOVED");

  @Spec CommandSpec spec;
  @picocli.CommandLine.Mixin OutputOptions output;

  @Option(names = "--job", required = true, paramLabel = "JOB", description = "The job id (AFR_OTA-<id>, as ota create prints it).")
  String job;

  @Option(names = "--timeout", paramLabel = "DURATION", converter = DurationConverter.class,
      description = "Give up after this long (default: wait until every execution ended).")
  Duration timeout;

  @Option(names = "--interval", paramLabel = "DURATION", converter = DurationConverter.class, defaultValue = "500ms",
      description = "How often to look (default: ${DEFAULT-VALUE}).")
  Duration interval;

  @EnvironmentDefault("THINGBRIDGE_API")
  @Option(names = "--api", paramLabel = "URL", defaultValue = OtaCommand.DEFAULT_API,
      description = "The twin's HTTP API. Env THINGBRIDGE_API. Default: ${DEFAULT-VALUE}.")
  String api;

  @Override
  public Integer call() throws Exception {
    TwinApi twin = new TwinApi(OtaCommand.api(api));
    long deadline = timeout == null ? Long.MAX_VALUE : System.nanoTime() + timeout.toNanos();
    Map<String, String> seen = new HashMap<>();
    try {
      while (true) {
        JsonNode list = twin.get("/jobs/" + TwinApi.segment(job) + "/things?maxResults=250");
        boolean allDone = list.path("executionSummaries").size() > 0;
        boolean allSucceeded = true;
        for (JsonNode s : list.path("executionSummaries")) {
          String arn = s.path("thingArn").asText();
          String thing = arn.substring(arn.lastIndexOf('/') + 1);
          JsonNode e = twin.get("/things/" + TwinApi.segment(thing) + "/jobs/" + TwinApi.segment(job)).path("execution");
          com.fasterxml.jackson.databind.node.ObjectNode line = OutputOptions.Json.MAPPER.createObjectNode()
              .put("event", "status").put("thing", thing).put("status", e.path("status").asText());
          line.set("statusDetails", e.path("statusDetails").path("detailsMap"));
          if (!line.toString().equals(seen.put(thing, line.toString()))) {
            output.event(line);
          }
          String status = e.path("status").asText();
          allDone &= TERMINAL.contains(status);
          allSucceeded &= status.equals("SUCCEEDED");
        }
        if (allDone) {
          return allSucceeded ? ExitCodes.OK : ExitCodes.FAILURE;
        }
        if (System.nanoTime() > deadline) {
          spec.commandLine().getErr().println("error: " + job + " has not ended after " + timeout);
          return ExitCodes.TIMEOUT;
        }
        Thread.sleep(interval.toMillis());
      }
    } catch (TwinApi.Failure e) {
      spec.commandLine().getErr().println("error: " + e.getMessage());
      return ExitCodes.FAILURE;
    } catch (TwinApi.Unreachable e) {
      spec.commandLine().getErr().println("error: " + e.getMessage());
      return ExitCodes.CONNECTION;
    }
  }

}
