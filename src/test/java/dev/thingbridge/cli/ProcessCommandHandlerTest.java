package dev.thingbridge.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import dev.thingbridge.commands.CommandFormat;
import dev.thingbridge.commands.CommandOutcome;
import dev.thingbridge.commands.CommandRequest;
import dev.thingbridge.commands.CommandResultValue;
import dev.thingbridge.commands.CommandStatus;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The {@code commands handle} handler: a handler's standard output to a result map, and real processes. */
class ProcessCommandHandlerTest {
  @TempDir Path dir;

  private static Map<String, CommandResultValue> results(String stdout) {
    return ProcessCommandHandler.results(stdout.getBytes(StandardCharsets.UTF_8));
  }

  @Test
  void strings_numbers_and_booleans_become_s_and_b_values() {
    assertThat(results("{\"position\":\"40\",\"count\":7,\"ratio\":0.5,\"ok\":true,\"dry\":false}"))
        .containsExactly(
            Map.entry("position", CommandResultValue.of("40")),
            Map.entry("count", CommandResultValue.of("7")),
            Map.entry("ratio", CommandResultValue.of("0.5")),
            Map.entry("ok", CommandResultValue.of(true)),
            Map.entry("dry", CommandResultValue.of(false)));
  }

  @Test
  void explicit_typed_values_are_taken_as_they_are_and_bin_is_base64() {
    assertThat(results("{\"a\":{\"s\":\"x\"},\"b\":{\"b\":true},\"c\":{\"bin\":\"AQL/\"}}")).containsExactly(
        Map.entry("a", CommandResultValue.of("x")),
        Map.entry("b", CommandResultValue.of(true)),
        Map.entry("c", CommandResultValue.of(new byte[] {1, 2, (byte) 0xff})));
  }

  @Test
  void empty_output_gives_no_results() {
    assertThat(results("")).isEmpty();
    assertThat(results("  \n")).isEmpty();
    assertThat(results("{}")).isEmpty();
  }

  @Test
  void output_that_is_not_a_json_object_of_results_is_refused_with_the_reason() {
    assertThatThrownBy(() -> results("done")).isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("not JSON");
    assertThatThrownBy(() -> results("[1,2]")).hasMessageContaining("must be a JSON object");
    assertThatThrownBy(() -> results("{\"list\":[1]}")).hasMessageContaining("'list'");
    assertThatThrownBy(() -> results("{\"n\":null}")).hasMessageContaining("'n'");
    assertThatThrownBy(() -> results("{\"o\":{\"x\":1}}")).hasMessageContaining("'o'");
    assertThatThrownBy(() -> results("{\"c\":{\"bin\":\"not base64!\"}}")).hasMessageContaining("bad bin");
  }

  private Path script(String body) throws Exception {
    Path p = dir.resolve("handler.sh");
    Files.writeString(p, "#!/bin/sh\n" + body + "\n");
    Files.setPosixFilePermissions(p, PosixFilePermissions.fromString("rwxr-xr-x"));
    return p;
  }

  private static CommandRequest<JsonNode> request(String payload) {
    return new CommandRequest<>("exec-1", CommandFormat.JSON, null, payload.getBytes(StandardCharsets.UTF_8),
        "application/json", null);
  }

  @Test
  void a_handler_gets_the_payload_and_execution_id_and_its_output_is_the_result() throws Exception {
    Path h = script("payload=$(cat); printf '{\"got\":\"%s\",\"id\":\"%s\",\"type\":\"%s\"}' \"$payload\" "
        + "\"$THINGBRIDGE_EXECUTION_ID\" \"$THINGBRIDGE_CONTENT_TYPE\"");
    CommandOutcome o = new ProcessCommandHandler(List.of(h.toString()), Duration.ofSeconds(10))
        .handle(request("open-valve"));
    assertThat(o.status()).isEqualTo(CommandStatus.SUCCEEDED);
    assertThat(o.result()).containsEntry("got", CommandResultValue.of("open-valve"))
        .containsEntry("id", CommandResultValue.of("exec-1"))
        .containsEntry("type", CommandResultValue.of("application/json"));
  }

  @Test
  void a_failing_handler_is_failed_with_its_exit_code_and_stderr_tail() throws Exception {
    Path h = script("for i in 1 2 3 4 5 6 7 8 9 10 11 12; do echo \"line $i\" >&2; done; exit 7");
    CommandOutcome o = new ProcessCommandHandler(List.of(h.toString()), Duration.ofSeconds(10)).handle(request("{}"));
    assertThat(o.status()).isEqualTo(CommandStatus.FAILED);
    assertThat(o.reason().reasonCode()).isEqualTo("HANDLER_EXIT_7");
    assertThat(o.reason().reasonDescription()).startsWith("line 3 |").endsWith("| line 12"); // the last 10 lines
  }

  @Test
  void a_handler_with_bad_output_or_past_its_timeout_is_failed_with_the_reason() throws Exception {
    Path bad = script("echo 'all good'");
    CommandOutcome o = new ProcessCommandHandler(List.of(bad.toString()), Duration.ofSeconds(10)).handle(request("{}"));
    assertThat(o.reason().reasonCode()).isEqualTo("BAD_HANDLER_OUTPUT");
    assertThat(o.reason().reasonDescription()).contains("not JSON");

    Path slow = script("sleep 30");
    long start = System.nanoTime();
    CommandOutcome late = new ProcessCommandHandler(List.of(slow.toString()), Duration.ofMillis(300))
        .handle(request("{}"));
    assertThat(late.reason().reasonCode()).isEqualTo("HANDLER_TIMEOUT");
    assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(10));
  }
}
