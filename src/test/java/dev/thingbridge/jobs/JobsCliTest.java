package dev.thingbridge.jobs;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.thingbridge.cli.ExitCodes;
import dev.thingbridge.cli.ThingBridgeCommand;
import dev.thingbridge.mqtt.local.LocalBroker;
import dev.thingbridge.testing.CloudTwin;
import dev.thingbridge.twin.TwinScript.Fault;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/** {@code thingbridge jobs ...} against the in-process bus and the local twin, with real handler processes. */
class JobsCliTest {
  private static final String THING = "gw-1";
  private final LocalBroker broker = new LocalBroker();
  private CloudTwin cloud;
  private final StringWriter out = new StringWriter();
  private final StringWriter err = new StringWriter();

  @TempDir Path dir;

  @BeforeEach
  void setUp() throws Exception {
    cloud = new CloudTwin(broker, THING);
  }

  @AfterEach
  void tearDown() {
    cloud.close();
  }

  private int run(String... args) {
    CommandLine cl = ThingBridgeCommand.newCommandLine(thing -> broker.connect(thing));
    cl.setOut(new PrintWriter(out, true));
    cl.setErr(new PrintWriter(err, true));
    String[] all = new String[args.length + 1];
    all[0] = "jobs";
    System.arraycopy(args, 0, all, 1, args.length);
    return cl.execute(all);
  }

  private java.util.List<CloudTwin.Request> updatesOf(String jobId) {
    return cloud.requests("$aws/things/" + THING + "/jobs/" + jobId + "/update");
  }

  private Path script(String name, String body) throws Exception {
    Path p = dir.resolve(name);
    Files.writeString(p, "#!/bin/sh\n" + body + "\n");
    Files.setPosixFilePermissions(p, PosixFilePermissions.fromString("rwxr-xr-x"));
    return p;
  }

  @Test
  void next_list_describe_and_update_print_the_reply() throws Exception {
    cloud.createJob(THING, "j1", "{\"operation\":\"reboot\"}");
    assertThat(run("next", "--thing", THING)).isEqualTo(ExitCodes.OK);
    assertThat(out.toString()).contains("\"jobId\":\"j1\"").contains("\"operation\":\"reboot\"");
    assertThat(out.toString().lines()).as("one JSON object per line off a terminal").hasSize(1);
    assertThat(run("list", "--thing", THING)).isEqualTo(ExitCodes.OK);
    assertThat(out.toString()).contains("\"queuedJobs\"");
    assertThat(run("update", "--thing", THING, "--job", "j1", "--status", "IN_PROGRESS", "--detail", "step=1",
        "--expected-version", "1")).isEqualTo(ExitCodes.OK);
    assertThat(cloud.jobStatus(THING, "j1")).isEqualTo("IN_PROGRESS");
    assertThat(cloud.jobDetails(THING, "j1")).containsEntry("step", "1");
    assertThat(run("describe", "--thing", THING, "--job", "j1")).isEqualTo(ExitCodes.OK);
    assertThat(out.toString()).contains("\"versionNumber\":2");
  }

  @Test
  void a_stale_update_exits_with_failure_and_names_the_version_mismatch() throws Exception {
    cloud.createJob(THING, "j1", "{\"operation\":\"reboot\"}");
    assertThat(run("update", "--thing", THING, "--job", "j1", "--status", "SUCCEEDED", "--expected-version", "7"))
        .isEqualTo(ExitCodes.FAILURE);
    assertThat(err.toString()).contains("VersionMismatch");
  }

  @Test
  void bad_input_exits_with_usage() {
    assertThat(run("describe", "--thing", THING, "--job", "x".repeat(65))).isEqualTo(ExitCodes.USAGE);
    assertThat(err.toString()).contains("job id must be 1-64");
    assertThat(run("update", "--thing", THING, "--job", "j", "--status", "CANCELED")).isEqualTo(ExitCodes.USAGE);
  }

  @Test
  void no_reply_exits_with_timeout() {
    cloud.script.fault("$aws/things/" + THING + "/jobs/#", Fault.SILENT);
    assertThat(run("next", "--thing", THING, "--timeout", "300ms")).isEqualTo(ExitCodes.TIMEOUT);
  }

  @Test
  void handle_runs_handlers_from_the_directory_with_the_document_and_job_id() throws Exception {
    Path handlers = Files.createDirectory(dir.resolve("handlers"));
    Path seen = dir.resolve("seen.txt");
    script("handlers/reboot", "cat > '" + seen + "'; echo \" $THINGBRIDGE_JOB_ID\" >> '" + seen + "'");
    script("handlers/broken", "echo first >&2; echo 'no space left' >&2; exit 3");
    script("handlers/slow", "sleep 30");
    cloud.createJob(THING, "ok", "{\"operation\":\"reboot\",\"delay\":1}");
    cloud.createJob(THING, "bad", "{\"operation\":\"broken\"}");
    cloud.createJob(THING, "nope", "{\"operation\":\"format-disk\"}");
    cloud.createJob(THING, "stuck", "{\"operation\":\"slow\"}");
    CompletableFuture<Integer> exit = CompletableFuture.supplyAsync(() -> run("handle", "--thing", THING,
        "--handler-dir", handlers.toString(), "--step-timeout", "1s", "--max-jobs", "4"));
    assertThat(exit.get(30, TimeUnit.SECONDS)).isEqualTo(ExitCodes.OK);
    assertThat(cloud.jobStatus(THING, "ok")).isEqualTo("SUCCEEDED");
    assertThat(Files.readString(seen)).contains("\"operation\":\"reboot\"").contains(" ok");
    assertThat(cloud.jobStatus(THING, "bad")).isEqualTo("FAILED");
    assertThat(cloud.jobDetails(THING, "bad")).containsEntry("exitCode", "3").containsEntry("stderr", "first | no space left");
    assertThat(cloud.jobStatus(THING, "nope")).isEqualTo("REJECTED");
    assertThat(cloud.jobDetails(THING, "nope").get("reason")).contains("format-disk");
    assertThat(cloud.jobStatus(THING, "stuck")).isEqualTo("FAILED");
    assertThat(cloud.jobDetails(THING, "stuck")).containsEntry("reason", "stopped after the step timeout");
    assertThat(out.toString()).contains("{\"event\":\"succeeded\",\"jobId\":\"ok\"")
        .contains("{\"event\":\"failed\",\"jobId\":\"bad\"").contains("{\"event\":\"rejected\",\"jobId\":\"nope\"");
    assertThat(out.toString()).as("no 'started' for a job rejected for want of a handler")
        .doesNotContain("\"event\":\"started\",\"jobId\":\"nope\"").contains("\"event\":\"started\",\"jobId\":\"ok\"");
    assertThat(out.toString().lines()).allMatch(l -> l.startsWith("{\"event\":\""));
  }

  @Test
  void handle_stops_the_handler_when_the_job_is_canceled() throws Exception {
    Path handlers = Files.createDirectory(dir.resolve("handlers"));
    Path pid = dir.resolve("pid");
    script("handlers/long", "echo $$ > '" + pid + "'; sleep 60");
    cloud.createJob(THING, "long", "{\"operation\":\"long\"}");
    CompletableFuture<Integer> exit = CompletableFuture.supplyAsync(() -> run("handle", "--thing", THING,
        "--handler-dir", handlers.toString(), "--max-jobs", "1"));
    await().atMost(Duration.ofSeconds(10)).until(() -> Files.exists(pid) && !Files.readString(pid).isBlank());
    long handlerPid = Long.parseLong(Files.readString(pid).trim());
    cloud.cancelJob("long");
    assertThat(exit.get(20, TimeUnit.SECONDS)).isEqualTo(ExitCodes.OK);
    await().atMost(Duration.ofSeconds(10))
        .until(() -> ProcessHandle.of(handlerPid).map(h -> !h.isAlive()).orElse(true));
    assertThat(out.toString()).contains("{\"event\":\"canceled\",\"jobId\":\"long\",\"status\":\"CANCELED\"");
    // No outcome: after the claim only the agent's probe for the ended state, which expects version 0 and so
    // cannot be accepted.
    var updates = updatesOf("long");
    assertThat(updates.subList(1, updates.size()))
        .allSatisfy(r -> assertThat(r.body().get("expectedVersion").asLong()).isZero());
  }

  @Test
  void a_handlers_standard_output_goes_into_status_details_and_is_echoed_with_verbose() throws Exception {
    Path handlers = Files.createDirectory(dir.resolve("handlers"));
    script("handlers/reboot", "echo \"rebooting for job $THINGBRIDGE_JOB_ID\"; echo 'bye'");
    cloud.createJob(THING, "r1", "{\"operation\":\"reboot\"}");
    assertThat(run("handle", "--thing", THING, "--handler-dir", handlers.toString(), "-C", "1", "-v"))
        .isEqualTo(ExitCodes.OK);
    assertThat(cloud.jobStatus(THING, "r1")).isEqualTo("SUCCEEDED");
    assertThat(cloud.jobDetails(THING, "r1")).containsEntry("stdout", "rebooting for job r1 | bye")
        .containsEntry("operation", "reboot");
    assertThat(out.toString()).contains(
        "{\"event\":\"output\",\"jobId\":\"r1\",\"stream\":\"stdout\",\"line\":\"rebooting for job r1\"}");
  }

  @Test
  void without_verbose_the_handlers_output_is_not_echoed() throws Exception {
    Path handlers = Files.createDirectory(dir.resolve("handlers"));
    script("handlers/reboot", "echo hello");
    cloud.createJob(THING, "r1", "{\"operation\":\"reboot\"}");
    assertThat(run("handle", "--thing", THING, "--handler-dir", handlers.toString(), "--count", "1"))
        .isEqualTo(ExitCodes.OK);
    assertThat(cloud.jobDetails(THING, "r1")).containsEntry("stdout", "hello");
    assertThat(out.toString()).doesNotContain("\"event\":\"output\"");
  }

  @Test
  void next_with_nothing_pending_says_so_and_exits_with_5() {
    assertThat(run("next", "--thing", THING)).isEqualTo(ExitCodes.NOTHING);
    assertThat(out.toString()).isEmpty();
    assertThat(err.toString()).isEqualTo("no pending job execution for " + THING + System.lineSeparator());
  }

  @Test
  void update_takes_the_step_timeout_as_a_duration_and_sends_whole_minutes() throws Exception {
    cloud.createJob(THING, "j1", "{\"operation\":\"reboot\"}");
    assertThat(run("update", "--thing", THING, "--job", "j1", "--status", "IN_PROGRESS", "--step-timeout", "90"))
        .isEqualTo(ExitCodes.OK);
    assertThat(updatesOf("j1").get(0).body().path("stepTimeoutInMinutes").asInt()).isEqualTo(2);
    assertThat(run("update", "--thing", THING, "--job", "j1", "--status", "IN_PROGRESS", "--step-timeout", "30m"))
        .isEqualTo(ExitCodes.OK);
    assertThat(updatesOf("j1").get(1).body().path("stepTimeoutInMinutes").asInt()).isEqualTo(30);
    assertThat(run("update", "--thing", THING, "--job", "j1", "--status", "IN_PROGRESS", "--step-timeout", "none"))
        .isEqualTo(ExitCodes.OK);
    assertThat(updatesOf("j1").get(2).body().path("stepTimeoutInMinutes").asInt()).isEqualTo(-1);
    assertThat(run("update", "--thing", THING, "--job", "j1", "--status", "IN_PROGRESS", "--step-timeout", "8d"))
        .isEqualTo(ExitCodes.USAGE);
  }
}
