package dev.thingbridge.shadows;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import dev.thingbridge.cli.ExitCodes;
import dev.thingbridge.cli.ThingBridgeCommand;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/** {@code thingbridge shadow ...} against the twin on the in-process bus. */
@org.junit.jupiter.api.Timeout(value = 60, unit = TimeUnit.SECONDS)
class ShadowCliTest {
  private static final String THING = "cli-thing";
  private static final Duration WAIT = Duration.ofSeconds(10);

  private AgentRig rig;
  private final StringWriter out = new StringWriter();
  private final StringWriter err = new StringWriter();

  @TempDir Path dir;

  @BeforeEach
  void setUp() throws Exception {
    rig = new AgentRig();
  }

  @AfterEach
  void tearDown() throws Exception {
    rig.close();
  }

  private int run(String... args) {
    CommandLine cl = ThingBridgeCommand.newCommandLine(id -> rig.broker.connect(id));
    cl.setOut(new PrintWriter(out, true));
    cl.setErr(new PrintWriter(err, true));
    String[] all = new String[args.length + 1];
    all[0] = "shadow";
    System.arraycopy(args, 0, all, 1, args.length);
    return cl.execute(all);
  }

  private CompletableFuture<Integer> runInBackground(String... args) {
    return CompletableFuture.supplyAsync(() -> run(args));
  }

  @Test
  void update_get_and_delete_print_the_replies_and_rejections_exit_with_failure() {
    assertThat(run("update", "--thing", THING, "--name", "cfg", "--desired", "{\"color\":\"RED\"}",
        "--reported", "{\"color\":\"GREEN\"}")).isEqualTo(ExitCodes.OK);
    assertThat(out.toString()).contains("\"version\":1").contains("\"color\":\"RED\"");

    assertThat(run("get", "--thing", THING, "--name", "cfg")).isEqualTo(ExitCodes.OK);
    assertThat(out.toString()).contains("\"delta\":{");

    assertThat(run("update", "--thing", THING, "--name", "cfg", "--reported", "{\"color\":\"RED\"}",
        "--expected-version", "7")).isEqualTo(ExitCodes.FAILURE);
    assertThat(err.toString()).contains("409");

    assertThat(run("delete", "--thing", THING, "--name", "cfg")).isEqualTo(ExitCodes.OK);
    assertThat(run("get", "--thing", THING, "--name", "cfg")).isEqualTo(ExitCodes.FAILURE);
    assertThat(err.toString()).contains("404");
  }

  @Test
  void bad_input_exits_with_usage() {
    assertThat(run("update", "--thing", THING, "--desired", "{not json")).isEqualTo(ExitCodes.USAGE);
    assertThat(run("update", "--thing", THING)).isEqualTo(ExitCodes.USAGE);
    assertThat(run("get", "--thing", "bad thing")).isEqualTo(ExitCodes.USAGE);
    assertThat(run("watch", "--thing", THING, "--state-dir", dir.toString())).isEqualTo(ExitCodes.USAGE);
  }

  @Test
  void a_get_without_an_answer_exits_with_timeout() {
    rig.twin.close(); // nobody answers
    assertThat(run("get", "--thing", THING, "--timeout", "300ms")).isEqualTo(ExitCodes.TIMEOUT);
  }

  @Test
  void watch_prints_deltas_and_document_changes_as_json_lines() throws Exception {
    CompletableFuture<Integer> watch = runInBackground("watch", "--thing", THING, "--count", "1");
    await().atMost(WAIT).until(() -> {
      rig.cloudUpdate(THING, null, "{\"state\":{\"desired\":{\"on\":true}}}");
      return watch.isDone();
    });

    assertThat(watch.get(5, TimeUnit.SECONDS)).isEqualTo(ExitCodes.OK);
    assertThat(out.toString()).contains("{\"event\":\"delta\",\"version\":").contains("\"state\":{\"on\":true}");
    assertThat(out.toString().lines()).allMatch(l -> l.startsWith("{\"event\":"));
  }

  @Test
  void watch_with_ack_acts_as_the_device_resumes_after_a_restart_and_recreates_a_deleted_document()
      throws Exception {
    Path state = dir.resolve("state");
    CompletableFuture<Integer> device = runInBackground("watch", "--thing", THING, "--ack", "--state-dir",
        state.toString(), "--count", "1");
    await().atMost(WAIT).until(() -> out.toString().contains("\"event\":\"synced\""));
    rig.cloudUpdate(THING, null, "{\"state\":{\"desired\":{\"fan\":{\"speed\":3,\"mode\":\"auto\"}}}}");
    assertThat(device.get(10, TimeUnit.SECONDS)).isEqualTo(ExitCodes.OK);
    await().atMost(WAIT).until(() -> rig.cloudState(THING, null, "delta").isMissingNode());
    assertThat(rig.cloudState(THING, null, "reported").at("/fan/speed").asInt()).isEqualTo(3);

    // Restart: the state comes back from the directory; a change made meanwhile arrives through the GET.
    rig.cloudUpdate(THING, null, "{\"state\":{\"desired\":{\"fan\":{\"speed\":5}}}}");
    out.getBuffer().setLength(0);
    assertThat(run("watch", "--thing", THING, "--ack", "--state-dir", state.toString(), "--count", "1"))
        .isEqualTo(ExitCodes.OK);
    assertThat(out.toString()).contains("\"state\":{\"fan\":{\"speed\":5,\"mode\":\"auto\"}}");
    await().atMost(WAIT).until(() -> rig.cloudState(THING, null, "delta").isMissingNode());

    // Deleted in the cloud while the device was away: the next run re-creates it from the kept state.
    rig.cloud().delete(THING, null);
    out.getBuffer().setLength(0);
    CompletableFuture<Integer> again = runInBackground("watch", "--thing", THING, "--ack", "--state-dir",
        state.toString(), "--count", "1");
    await().atMost(WAIT).until(() -> out.toString().contains("\"event\":\"synced\""));
    JsonNode reported = rig.cloudState(THING, null, "reported");
    assertThat(reported.at("/fan/speed").asInt()).isEqualTo(5);
    assertThat(reported.at("/fan/mode").asText()).isEqualTo("auto");
    rig.cloudUpdate(THING, null, "{\"state\":{\"desired\":{\"fan\":{\"speed\":1}}}}");
    assertThat(again.get(10, TimeUnit.SECONDS)).isEqualTo(ExitCodes.OK);
  }

  @Test
  void watch_prints_the_current_document_and_a_pending_delta_first() {
    rig.cloudUpdate(THING, null, "{\"state\":{\"desired\":{\"fan\":1},\"reported\":{\"fan\":0}}}");
    assertThat(run("watch", "--thing", THING, "--count", "1")).isEqualTo(ExitCodes.OK);
    assertThat(out.toString().lines()).containsExactly(
        "{\"event\":\"current\",\"exists\":true,\"version\":1,\"desired\":{\"fan\":1},\"reported\":{\"fan\":0}}",
        "{\"event\":\"delta\",\"version\":1,\"state\":{\"fan\":1}}");
  }

  @Test
  void watch_of_a_missing_shadow_says_so_first_then_follows_it() throws Exception {
    CompletableFuture<Integer> watch = runInBackground("watch", "--thing", THING, "--name", "cfg", "--count", "1");
    await().atMost(WAIT).until(() -> out.toString().contains("{\"event\":\"current\",\"exists\":false}"));
    rig.cloudUpdate(THING, "cfg", "{\"state\":{\"desired\":{\"on\":true}}}");
    assertThat(watch.get(10, TimeUnit.SECONDS)).isEqualTo(ExitCodes.OK);
    assertThat(out.toString().lines().findFirst()).hasValue("{\"event\":\"current\",\"exists\":false}");
  }

  @Test
  void json_options_read_files_and_standard_input_and_errors_show_no_parser_internals() throws Exception {
    java.nio.file.Path file = dir.resolve("desired.json");
    java.nio.file.Files.writeString(file, "{\"led\":\"on\"}");
    assertThat(run("update", "--thing", THING, "--desired", "@" + file)).isEqualTo(ExitCodes.OK);
    assertThat(rig.cloudState(THING, null, "desired").path("led").asText()).isEqualTo("on");

    java.io.InputStream stdin = System.in;
    try {
      System.setIn(new java.io.ByteArrayInputStream("{\"led\":\"off\"}".getBytes(java.nio.charset.StandardCharsets.UTF_8)));
      assertThat(run("update", "--thing", THING, "--reported", "@-")).isEqualTo(ExitCodes.OK);
    } finally {
      System.setIn(stdin);
    }
    assertThat(rig.cloudState(THING, null, "reported").path("led").asText()).isEqualTo("off");

    err.getBuffer().setLength(0);
    assertThat(run("update", "--thing", THING, "--desired", "{\"a\":1")).isEqualTo(ExitCodes.USAGE);
    assertThat(err.toString()).startsWith("error: --desired is not valid JSON: ").contains("line 1, column 7")
        .doesNotContain("REDACTED").doesNotContain("StreamReadFeature").doesNotContain("Source:");
    assertThat(err.toString().lines()).hasSize(1);
    assertThat(run("update", "--thing", THING, "--desired", "@" + dir.resolve("missing.json")))
        .isEqualTo(ExitCodes.USAGE);
    assertThat(err.toString()).contains("cannot read --desired").contains("no such file");
  }

  @Test
  void replies_are_one_json_line_off_a_terminal_and_indented_with_pretty() {
    rig.cloudUpdate(THING, null, "{\"state\":{\"desired\":{\"fan\":1}}}");
    assertThat(run("get", "--thing", THING)).isEqualTo(ExitCodes.OK);
    assertThat(out.toString().lines()).hasSize(1);
    out.getBuffer().setLength(0);
    assertThat(run("get", "--thing", THING, "--pretty")).isEqualTo(ExitCodes.OK);
    assertThat(out.toString()).contains("\"desired\" : {");
    assertThat(out.toString().lines().count()).isGreaterThan(5);
  }
}
