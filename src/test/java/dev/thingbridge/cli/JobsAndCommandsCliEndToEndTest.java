package dev.thingbridge.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.thingbridge.commands.CommandFormat;
import dev.thingbridge.mqtt.MqttClient;
import dev.thingbridge.mqtt.crt.CrtMqttClient;
import dev.thingbridge.mqtt.crt.CrtMqttOptions;
import dev.thingbridge.testing.Mosquitto;
import dev.thingbridge.twin.server.TwinServer;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.core.SdkBytes;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.iot.IotClient;
import software.amazon.awssdk.services.iot.model.CommandExecutionStatus;
import software.amazon.awssdk.services.iot.model.CommandNamespace;
import software.amazon.awssdk.services.iot.model.GetCommandExecutionResponse;
import software.amazon.awssdk.services.iot.model.JobExecution;
import software.amazon.awssdk.services.iot.model.JobExecutionStatus;
import software.amazon.awssdk.services.iotjobsdataplane.IotJobsDataPlaneClient;

/**
 * {@code thingbridge jobs ...} and {@code thingbridge commands handle} as a user runs them: the packaged
 * command line with its own connection flags ({@code --endpoint mqtt://127.0.0.1:<port>}) against the local
 * twin attached to a real Mosquitto, real executable handler scripts, jobs and commands created through the
 * twin's AWS-compatible HTTP API.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class JobsAndCommandsCliEndToEndTest {
  private static final Duration WAIT = Duration.ofSeconds(20);
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final AtomicInteger THINGS = new AtomicInteger();

  @TempDir static Path classDir;
  private Mosquitto mosquitto;
  private MqttClient twinClient;
  private TwinServer twin;
  private IotClient iot;
  private IotJobsDataPlaneClient dataPlane;
  private String endpoint;

  private String thing;
  private String thingArn;
  private Path dir;

  @BeforeAll
  void startTwin() throws Exception {
    mosquitto = Mosquitto.plain(classDir.resolve("mosquitto"));
    endpoint = "mqtt://127.0.0.1:" + mosquitto.port();
    twinClient = CrtMqttClient.connect(CrtMqttOptions.builder(mosquitto.endpoint(), "twin").build(),
        Duration.ofSeconds(10));
    twin = TwinServer.start(twinClient, TwinServer.Options.defaults().withApi(InetAddress.getLoopbackAddress(), 0));
    var credentials = StaticCredentialsProvider.create(AwsBasicCredentials.create("AKIDTWIN", "twin-secret"));
    var api = twin.controlPlane().orElseThrow().endpoint();
    iot = IotClient.builder().endpointOverride(api).region(Region.US_EAST_1).credentialsProvider(credentials)
        .httpClient(UrlConnectionHttpClient.create()).build();
    dataPlane = IotJobsDataPlaneClient.builder().endpointOverride(api).region(Region.US_EAST_1)
        .credentialsProvider(credentials).httpClient(UrlConnectionHttpClient.create()).build();
  }

  @AfterAll
  void stopTwin() {
    iot.close();
    dataPlane.close();
    twin.close();
    twinClient.close();
    mosquitto.close();
  }

  @BeforeEach
  void newThing() throws Exception {
    thing = "cli-" + THINGS.incrementAndGet();
    thingArn = iot.createThing(b -> b.thingName(thing)).thingArn();
    dir = Files.createDirectories(classDir.resolve(thing));
  }

  /** One CLI run's exit code and what it printed. */
  private CliRun run(String... args) {
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    int code = execute(out, err, args);
    return new CliRun(code, out.toString(), err.toString());
  }

  private static int execute(StringWriter out, StringWriter err, String... args) {
    var cl = ThingBridgeCommand.newCommandLine();
    cl.setOut(new PrintWriter(out, true));
    cl.setErr(new PrintWriter(err, true));
    return cl.execute(args);
  }

  /** Starts a long-running CLI command; returns once it printed {@code ready}. */
  private CompletableFuture<Integer> runInBackground(StringWriter out, StringWriter err, String ready,
      String... args) {
    CompletableFuture<Integer> exit = CompletableFuture.supplyAsync(() -> execute(out, err, args));
    await().atMost(WAIT).until(() -> out.toString().contains(ready) || exit.isDone());
    assertThat(exit).as("stderr: %s", err).isNotDone();
    return exit;
  }

  private Path script(String name, String body) throws Exception {
    Path p = dir.resolve(name);
    Files.createDirectories(p.getParent());
    Files.writeString(p, "#!/bin/sh\n" + body + "\n");
    Files.setPosixFilePermissions(p, PosixFilePermissions.fromString("rwxr-xr-x"));
    return p;
  }

  private void createJob(String jobId, String document) {
    iot.createJob(b -> b.jobId(jobId).document(document).targets(thingArn));
  }

  private JobExecution execution(String jobId) {
    return iot.describeJobExecution(b -> b.thingName(thing).jobId(jobId)).execution();
  }

  private String[] jobs(String sub, String... rest) {
    List<String> all = new ArrayList<>(List.of("jobs", sub, "--endpoint", endpoint, "--thing", thing));
    all.addAll(List.of(rest));
    return all.toArray(String[]::new);
  }

  @Test
  void jobs_handle_runs_executables_from_the_handler_directory_against_the_twin() throws Exception {
    Path seen = dir.resolve("seen.txt");
    script("handlers/reboot", "cat > '" + seen + "'; echo \" $THINGBRIDGE_JOB_ID $THINGBRIDGE_THING_NAME\" >> '"
        + seen + "'");
    script("handlers/broken", "echo 'mounting /data' >&2; echo 'no space left on device' >&2; exit 3");
    script("handlers/slow", "sleep 30");
    createJob("ok", "{\"operation\":\"reboot\",\"delaySeconds\":1}");
    createJob("bad", "{\"operation\":\"broken\"}");
    createJob("nope", "{\"operation\":\"format-disk\"}");
    createJob("stuck", "{\"operation\":\"slow\"}");

    CliRun r = run(jobs("handle", "--handler-dir", dir.resolve("handlers").toString(), "--step-timeout", "1s",
        "--max-jobs", "4"));

    assertThat(r.exitCode()).as(r.err()).isEqualTo(ExitCodes.OK);
    assertThat(execution("ok").status()).isEqualTo(JobExecutionStatus.SUCCEEDED);
    assertThat(Files.readString(seen)).contains("\"delaySeconds\":1").contains(" ok " + thing);
    JobExecution bad = execution("bad");
    assertThat(bad.status()).isEqualTo(JobExecutionStatus.FAILED);
    assertThat(bad.statusDetails().detailsMap()).containsEntry("exitCode", "3")
        .containsEntry("stderr", "mounting /data | no space left on device");
    JobExecution nope = execution("nope");
    assertThat(nope.status()).isEqualTo(JobExecutionStatus.REJECTED);
    assertThat(nope.statusDetails().detailsMap().get("reason")).contains("format-disk");
    JobExecution stuck = execution("stuck");
    assertThat(stuck.status()).isEqualTo(JobExecutionStatus.FAILED);
    assertThat(stuck.statusDetails().detailsMap()).containsEntry("reason", "stopped after the step timeout");
    assertThat(r.out()).contains("{\"event\":\"succeeded\",\"jobId\":\"ok\"")
        .contains("{\"event\":\"failed\",\"jobId\":\"bad\"").contains("{\"event\":\"rejected\",\"jobId\":\"nope\"")
        .contains("{\"event\":\"failed\",\"jobId\":\"stuck\"");
  }

  @Test
  void jobs_next_list_describe_and_update_print_the_reply_json() throws Exception {
    createJob("fw-42", "{\"operation\":\"install\",\"url\":\"https://example.com/fw.bin\"}");
    createJob("cfg-7", "{\"operation\":\"configure\"}");

    CliRun next = run(jobs("next"));
    assertThat(next.exitCode()).as(next.err()).isEqualTo(ExitCodes.OK);
    assertThat(next.json().at("/execution/jobId").asText()).isEqualTo("fw-42");
    assertThat(next.json().at("/execution/jobDocument/url").asText()).isEqualTo("https://example.com/fw.bin");

    CliRun list = run(jobs("list"));
    assertThat(list.exitCode()).isEqualTo(ExitCodes.OK);
    assertThat(list.json().get("queuedJobs")).extracting(j -> j.get("jobId").asText())
        .containsExactly("fw-42", "cfg-7");

    CliRun update = run(jobs("update", "--job", "fw-42", "--status", "IN_PROGRESS", "--detail", "step=download",
        "--expected-version", "1"));
    assertThat(update.exitCode()).as(update.err()).isEqualTo(ExitCodes.OK);
    assertThat(update.json().at("/executionState/status").asText()).isEqualTo("IN_PROGRESS");
    assertThat(update.json().at("/executionState/versionNumber").asLong()).isEqualTo(2);
    assertThat(execution("fw-42").statusDetails().detailsMap()).containsEntry("step", "download");

    CliRun describe = run(jobs("describe", "--job", "fw-42"));
    assertThat(describe.exitCode()).isEqualTo(ExitCodes.OK);
    assertThat(describe.json().at("/execution/status").asText()).isEqualTo("IN_PROGRESS");
    assertThat(describe.json().at("/execution/statusDetails/step").asText()).isEqualTo("download");

    CliRun stale = run(jobs("update", "--job", "fw-42", "--status", "SUCCEEDED", "--expected-version", "1"));
    assertThat(stale.exitCode()).isEqualTo(ExitCodes.FAILURE);
    assertThat(stale.err()).contains("VersionMismatch");
    assertThat(execution("fw-42").status()).isEqualTo(JobExecutionStatus.IN_PROGRESS);
  }

  @Test
  void jobs_exit_codes_say_usage_connection_and_timeout() throws Exception {
    CliRun usage = run(jobs("describe", "--job", "x".repeat(65)));
    assertThat(usage.exitCode()).isEqualTo(ExitCodes.USAGE);
    assertThat(usage.err()).contains("job id must be 1-64");
    assertThat(run(jobs("update", "--job", "j", "--status", "CANCELED")).exitCode()).isEqualTo(ExitCodes.USAGE);
    assertThat(run("jobs", "next", "--endpoint", endpoint).exitCode()).isEqualTo(ExitCodes.USAGE); // no --thing

    CliRun refused = run("jobs", "next", "--thing", thing, "--endpoint", "mqtt://127.0.0.1:1",
        "--connect-timeout", "2s");
    assertThat(refused.exitCode()).isEqualTo(ExitCodes.CONNECTION);

    try (Mosquitto noTwin = Mosquitto.plain(dir.resolve("no-twin"))) {
      CliRun silent = run("jobs", "next", "--thing", thing, "--endpoint", "mqtt://127.0.0.1:" + noTwin.port(),
          "--timeout", "300ms");
      assertThat(silent.exitCode()).isEqualTo(ExitCodes.TIMEOUT);
    }
  }

  private String createCommand(String id, byte[] payload, String contentType) {
    return iot.createCommand(b -> b.commandId(id).namespace(CommandNamespace.AWS_IOT)
        .payload(p -> p.content(SdkBytes.fromByteArray(payload)).contentType(contentType))).commandArn();
  }

  private String startCommand(String commandArn) {
    return dataPlane.startCommandExecution(b -> b.targetArn(thingArn).commandArn(commandArn)
        .executionTimeoutSeconds(30L)).executionId();
  }

  private GetCommandExecutionResponse command(String id) {
    return iot.getCommandExecution(b -> b.executionId(id).targetArn(thingArn).includeResult(true));
  }

  @Test
  void commands_handle_turns_the_handler_output_into_the_result_in_json_and_in_cbor() throws Exception {
    Path handler = script("valve.sh", "bytes=$(wc -c | tr -d ' ')\n"
        + "printf '{\"position\":\"40\",\"ok\":true,\"stdinBytes\":%s,\"format\":\"%s\",\"trace\":{\"bin\":\"AQI=\"},"
        + "\"id\":\"%s\"}' \"$bytes\" \"$THINGBRIDGE_COMMAND_FORMAT\" \"$THINGBRIDGE_EXECUTION_ID\"");
    byte[] jsonPayload = "{\"action\":\"open\",\"percent\":40}".getBytes(StandardCharsets.UTF_8);
    byte[] cborPayload = CommandFormat.CBOR.mapper().writeValueAsBytes(Map.of("action", "open", "percent", 40));
    String jsonArn = createCommand("valve-json-" + thing, jsonPayload, "application/json");
    String cborArn = createCommand("valve-cbor-" + thing, cborPayload, "application/cbor");

    for (String format : List.of("json", "cbor")) {
      StringWriter out = new StringWriter();
      StringWriter err = new StringWriter();
      CompletableFuture<Integer> exit = runInBackground(out, err, "{\"event\":\"ready\"", "commands", "handle",
          "--endpoint", endpoint, "--thing", thing, "--handler", handler.toString(), "--format", format,
          "--max-executions", "1");
      String id = startCommand(format.equals("json") ? jsonArn : cborArn);

      assertThat(exit.get(WAIT.toSeconds(), TimeUnit.SECONDS)).as(err.toString()).isEqualTo(ExitCodes.OK);
      GetCommandExecutionResponse done = command(id);
      assertThat(done.status()).isEqualTo(CommandExecutionStatus.SUCCEEDED);
      assertThat(done.result().get("position").s()).isEqualTo("40");
      assertThat(done.result().get("ok").b()).isTrue();
      assertThat(done.result().get("trace").bin().asByteArray()).containsExactly(1, 2);
      assertThat(done.result().get("format").s()).isEqualTo(format);
      assertThat(done.result().get("id").s()).isEqualTo(id);
      int sent = (format.equals("json") ? jsonPayload : cborPayload).length;
      assertThat(done.result().get("stdinBytes").s()).isEqualTo(Integer.toString(sent));
      assertThat(out.toString()).contains("{\"event\":\"succeeded\",\"executionId\":\"" + id + "\"");
    }
  }

  @Test
  void commands_handle_reports_a_failing_handler_as_failed_and_keeps_serving() throws Exception {
    Path handler = script("flaky.sh", "if grep -q broken; then echo 'valve stuck' >&2; exit 5; fi\n"
        + "echo '{\"done\":\"yes\"}'");
    String broken = createCommand("broken-" + thing, "{\"action\":\"broken\"}".getBytes(StandardCharsets.UTF_8),
        "application/json");
    String fine = createCommand("fine-" + thing, "{\"action\":\"open\"}".getBytes(StandardCharsets.UTF_8),
        "application/json");
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    CompletableFuture<Integer> exit = runInBackground(out, err, "{\"event\":\"ready\"", "commands", "handle",
        "--endpoint", endpoint, "--thing", thing, "--handler", handler.toString(), "-C", "2");

    String failedId = startCommand(broken);
    await().atMost(WAIT).until(() -> command(failedId).status() == CommandExecutionStatus.FAILED);
    String okId = startCommand(fine);

    assertThat(exit.get(WAIT.toSeconds(), TimeUnit.SECONDS)).as(err.toString()).isEqualTo(ExitCodes.OK);
    GetCommandExecutionResponse failed = command(failedId);
    assertThat(failed.statusReason().reasonCode()).isEqualTo("HANDLER_EXIT_5");
    assertThat(failed.statusReason().reasonDescription()).isEqualTo("valve stuck");
    assertThat(command(okId).status()).isEqualTo(CommandExecutionStatus.SUCCEEDED);
    assertThat(command(okId).result().get("done").s()).isEqualTo("yes");
  }

  @Test
  void commands_handle_exit_codes_say_usage_and_connection() throws Exception {
    Path handler = script("noop.sh", "true");
    CliRun both = run("commands", "handle", "--endpoint", endpoint, "--thing", thing, "--client-target", "c1",
        "--handler", handler.toString());
    assertThat(both.exitCode()).isEqualTo(ExitCodes.USAGE);
    assertThat(both.err()).contains("--thing").contains("--client-target").contains("mutually exclusive");
    assertThat(run("commands", "handle", "--endpoint", endpoint, "--thing", thing, "--handler",
        handler.toString(), "--format", "xml").exitCode()).isEqualTo(ExitCodes.USAGE);
    assertThat(run("commands", "handle", "--endpoint", "mqtt://127.0.0.1:1", "--connect-timeout", "2s",
        "--thing", thing, "--handler", handler.toString()).exitCode()).isEqualTo(ExitCodes.CONNECTION);
  }
}
