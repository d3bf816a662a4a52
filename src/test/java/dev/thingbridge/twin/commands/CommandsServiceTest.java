package dev.thingbridge.twin.commands;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.thingbridge.mqtt.MqttMessage;
import dev.thingbridge.twin.TwinLimits;
import dev.thingbridge.twin.commands.CommandServiceTopics.PayloadFormat;
import dev.thingbridge.twin.commands.CommandsRig.Device;
import dev.thingbridge.twin.commands.ListCommandExecutionsRequest.TimeFilter;
import dev.thingbridge.twin.http.AwsApiException;
import dev.thingbridge.twin.http.ControlPlaneServer;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The plain-Java control plane, persistence and the HTTP API without an SDK. */
class CommandsServiceTest {
  private static final ObjectMapper JSON = new ObjectMapper();

  private static byte[] utf8(String s) {
    return s.getBytes(StandardCharsets.UTF_8);
  }

  @Test
  void a_restart_with_a_state_dir_keeps_commands_executions_results_timeouts_and_client_tokens(@TempDir Path dir)
      throws Exception {
    CommandsRig first = new CommandsRig(dir, TwinLimits.RELAXED);
    CommandSpec spec = CommandSpec.builder("Reboot").displayName("Reboot").description("reboots")
        .payload(utf8("{\"a\":1}"), "application/json").roleArn("arn:aws:iam::123456789012:role/r")
        .mandatoryParameters(List.of(new CommandParameter("delay", null,
            new ParameterValue(ParameterValue.Type.I, 5), "seconds to wait")))
        .build();
    first.service.createCommand(spec);
    String commandArn = first.service.command("Reboot").commandArn();
    String done;
    String timedOut;
    String waiting;
    try (Device device = first.device(DeviceTarget.thing("dev-1"), PayloadFormat.JSON)) {
      done = first.service.startCommandExecution(StartCommandExecutionRequest.of(first.thingArn("dev-1"), commandArn)
          .withClientToken("tok-1"));
      device.report(done, utf8("{\"status\":\"SUCCEEDED\",\"result\":{\"raw\":{\"bin\":\"AAEC\"},\"ok\":{\"b\":true}}}"));
      timedOut = first.service.startCommandExecution(StartCommandExecutionRequest.of(first.thingArn("dev-1"),
          commandArn).withTimeout(5));
      first.clock.advance(Duration.ofSeconds(5));
      first.twin.tickNow();
      waiting = first.service.startCommandExecution(StartCommandExecutionRequest.of(first.thingArn("dev-1"),
          commandArn).withTimeout(60));
    }
    List<CommandExecution> before = first.service.executions();
    Command commandBefore = first.service.command("Reboot");
    first.close();
    assertThat(dir.resolve("twin.db")).exists();

    try (CommandsRig second = new CommandsRig(first.broker, first.clock, dir, TwinLimits.RELAXED);
        Device device = second.device(DeviceTarget.thing("dev-1"), PayloadFormat.JSON)) {
      assertThat(second.service.command("Reboot")).isEqualTo(commandBefore);
      assertThat(second.service.executions()).isEqualTo(before);
      assertThat(second.service.commandExecution(done, second.thingArn("dev-1")).result().get("raw").bin())
          .containsExactly(0, 1, 2);
      assertThat(second.service.commandExecution(done, second.thingArn("dev-1")).parameters())
          .containsEntry("delay", new ParameterValue(ParameterValue.Type.I, 5));
      assertThat(second.service.startCommandExecution(StartCommandExecutionRequest.of(second.thingArn("dev-1"),
          commandArn).withClientToken("tok-1"))).isEqualTo(done);

      MqttMessage late = device.report(timedOut, utf8("{\"status\":\"FAILED\",\"statusReason\":{\"reasonCode\":\"LATE\"}}"));
      assertThat(late.topic()).endsWith("/accepted/json");
      second.clock.advance(Duration.ofSeconds(60));
      second.twin.tickNow();
      assertThat(second.service.commandExecution(waiting, second.thingArn("dev-1")).status())
          .isEqualTo(CommandExecutionStatus.TIMED_OUT);
    }
  }

  @Test
  void a_corrupt_state_file_stops_the_start_with_a_message_naming_it(@TempDir Path dir) throws Exception {
    Files.writeString(dir.resolve("commands.json"), "{\"version\":1,\"commands\":[{\"commandId\":\"x\"}]}");
    assertThatThrownBy(() -> new CommandsRig(dir, TwinLimits.RELAXED))
        .hasMessageContaining("commands state: command \"x\" is unreadable");
  }

  @Test
  void mandatory_parameters_take_their_defaults_and_are_required_without_one() throws Exception {
    try (CommandsRig rig = new CommandsRig()) {
      rig.service.createCommand(CommandSpec.builder("Set").payload(utf8("{}"), "application/json")
          .mandatoryParameters(List.of(
              new CommandParameter("level", null, null, null),
              new CommandParameter("mode", null, new ParameterValue(ParameterValue.Type.S, "eco"), null)))
          .build());
      String arn = rig.service.command("Set").commandArn();
      assertThatThrownBy(() -> rig.service.startCommandExecution(StartCommandExecutionRequest.of(rig.thingArn("d"), arn)))
          .isInstanceOfSatisfying(AwsApiException.class, e -> {
            assertThat(e.type()).isEqualTo("ValidationException");
            assertThat(e.getMessage()).contains("level");
          });
      String id = rig.service.startCommandExecution(StartCommandExecutionRequest.of(rig.thingArn("d"), arn)
          .withParameters(Map.of("level", new ParameterValue(ParameterValue.Type.L, 3L))));
      assertThat(rig.service.commandExecution(id, rig.thingArn("d")).parameters()).containsExactly(
          Map.entry("level", new ParameterValue(ParameterValue.Type.L, 3L)),
          Map.entry("mode", new ParameterValue(ParameterValue.Type.S, "eco")));
    }
  }

  @Test
  void control_plane_errors_have_aws_types_and_statuses() throws Exception {
    try (CommandsRig rig = new CommandsRig()) {
      rig.createCommand("Reboot", "application/json", utf8("{}"));
      String arn = rig.service.command("Reboot").commandArn();
      assertError(() -> rig.createCommand("Reboot", "application/json", utf8("{}")), 409, "ConflictException");
      assertError(() -> rig.createCommand("bad id", "application/json", utf8("{}")), 400, "ValidationException");
      assertError(() -> rig.createCommand("x".repeat(65), null, utf8("{}")), 400, "ValidationException");
      assertError(() -> rig.createCommand("Empty", null, new byte[0]), 400, "ValidationException");
      assertError(() -> rig.createCommand("Huge", null, new byte[32 * 1024 + 1]), 400, "ValidationException");
      assertError(() -> rig.service.createCommand(CommandSpec.builder("Fw").namespace("AWS-IoT-FleetWise")
          .payload(utf8("{}"), null).build()), 400, "ValidationException");
      assertError(() -> rig.service.command("Nope"), 404, "ResourceNotFoundException");
      assertError(() -> rig.service.startCommandExecution(StartCommandExecutionRequest.of("thing/x", arn)), 400,
          "ValidationException");
      assertError(() -> rig.service.startCommandExecution(StartCommandExecutionRequest.of(
          "arn:aws:iot:eu-west-1:123456789012:thing/x", arn)), 404, "ResourceNotFoundException");
      assertError(() -> rig.service.startCommandExecution(StartCommandExecutionRequest.of(rig.thingArn("x"),
          "Reboot")), 400, "ValidationException");
      assertError(() -> rig.service.startCommandExecution(StartCommandExecutionRequest.of(rig.thingArn("x"), arn)
          .withTimeout(0)), 400, "ValidationException");
      assertError(() -> rig.service.startCommandExecution(StartCommandExecutionRequest.of(rig.thingArn("x"), arn)
          .withClientToken("has space")), 400, "ValidationException");
      String id = rig.service.startCommandExecution(StartCommandExecutionRequest.of(rig.thingArn("x"), arn)
          .withTimeout(43_200));
      assertError(() -> rig.service.commandExecution(id, rig.thingArn("y")), 404, "ResourceNotFoundException");
      assertError(() -> rig.service.commandExecution(id, "x"), 400, "ValidationException");
    }
  }

  @Test
  void list_filters_by_status_and_time_windows() throws Exception {
    try (CommandsRig rig = new CommandsRig();
        Device device = rig.device(DeviceTarget.thing("d"), PayloadFormat.JSON)) {
      rig.createCommand("C", "application/json", utf8("{}"));
      String arn = rig.service.command("C").commandArn();
      String a = rig.service.startCommandExecution(StartCommandExecutionRequest.of(rig.thingArn("d"), arn)
          .withTimeout(3600));
      String b = rig.service.startCommandExecution(StartCommandExecutionRequest.of(rig.thingArn("d"), arn)
          .withTimeout(3600));
      rig.clock.advance(Duration.ofMinutes(3));
      device.report(a, utf8("{\"status\":\"SUCCEEDED\"}"));
      rig.clock.advance(Duration.ofMinutes(3));
      device.report(b, utf8("{\"status\":\"IN_PROGRESS\"}"));

      ListCommandExecutionsRequest all = ListCommandExecutionsRequest.forCommand(arn);
      assertThat(ids(rig.service.listCommandExecutions(all.withStatus(CommandExecutionStatus.SUCCEEDED))))
          .containsExactly(a);
      TimeFilter afterTwoMinutes = new TimeFilter(CommandsRig.START.plus(Duration.ofMinutes(2)), null);
      assertThat(ids(rig.service.listCommandExecutions(all.withTimeFilters(afterTwoMinutes, null))))
          .containsExactly(b, a);
      assertThat(ids(rig.service.listCommandExecutions(all.withTimeFilters(null, afterTwoMinutes))))
          .containsExactly(a);
      assertThat(ids(rig.service.listCommandExecutions(all.withTimeFilters(afterTwoMinutes, null)
          .withSortOrder("ASCENDING")))).containsExactly(a, b);
      assertError(() -> rig.service.listCommandExecutions(all.withTimeFilters(afterTwoMinutes, afterTwoMinutes)),
          400, "ValidationException");
      assertError(() -> rig.service.listCommandExecutions(all.withSortOrder("UP")), 400, "ValidationException");
      assertError(() -> rig.service.listCommandExecutions(all.page(101, null)), 400, "ValidationException");
    }
  }

  @Test
  void unsigned_http_requests_are_told_apart_by_their_body_and_use_aws_json_shapes() throws Exception {
    try (CommandsRig rig = new CommandsRig();
        ControlPlaneServer http = ControlPlaneServer.startOnLoopback(0, rig.twin.routes())) {
      HttpClient client = HttpClient.newHttpClient();
      HttpResponse<String> created = send(client, http, "PUT", "/commands/Ping",
          "{\"payload\":{\"content\":\"e30=\",\"contentType\":\"application/json\"}}");
      assertThat(created.statusCode()).isEqualTo(200);
      assertThat(JSON.readTree(created.body()).get("commandArn").asText())
          .isEqualTo("arn:aws:iot:us-east-1:123456789012:command/Ping");

      HttpResponse<String> started = send(client, http, "POST", "/command-executions",
          "{\"targetArn\":\"" + rig.thingArn("d") + "\",\"commandArn\":\"arn:aws:iot:us-east-1:123456789012:command/Ping\"}");
      assertThat(started.statusCode()).isEqualTo(200);
      String id = JSON.readTree(started.body()).get("executionId").asText();

      HttpResponse<String> listed = send(client, http, "POST", "/command-executions?maxResults=10", "{}");
      assertThat(JSON.readTree(listed.body()).at("/commandExecutions/0/executionId").asText()).isEqualTo(id);

      HttpResponse<String> got = send(client, http, "GET", "/command-executions/" + id + "?targetArn="
          + rig.thingArn("d").replace(":", "%3A").replace("/", "%2F"), null);
      JsonNode doc = JSON.readTree(got.body());
      assertThat(doc.get("status").asText()).isEqualTo("CREATED");
      assertThat(doc.get("createdAt").decimalValue()).isEqualByComparingTo("1717708862.107");
      assertThat(doc.get("executionTimeoutSeconds").asLong()).isEqualTo(10);

      HttpResponse<String> missingTarget = send(client, http, "GET", "/command-executions/" + id, null);
      assertThat(missingTarget.statusCode()).isEqualTo(400);
      assertThat(missingTarget.headers().firstValue("x-amzn-ErrorType")).hasValue("ValidationException");
      HttpResponse<String> badJson = send(client, http, "PUT", "/commands/Other", "{nope");
      assertThat(badJson.statusCode()).isEqualTo(400);
      HttpResponse<String> badBlob = send(client, http, "PUT", "/commands/Other", "{\"payload\":{\"content\":\"***\"}}");
      assertThat(badBlob.statusCode()).isEqualTo(400);
      HttpResponse<String> badParam = send(client, http, "POST", "/command-executions",
          "{\"targetArn\":\"" + rig.thingArn("d") + "\",\"commandArn\":\"arn:aws:iot:us-east-1:123456789012:command/Ping\","
              + "\"parameters\":{\"p\":{\"I\":\"five\"}}}");
      assertThat(badParam.statusCode()).isEqualTo(400);
      assertThat(badParam.headers().firstValue("x-amzn-ErrorType")).hasValue("ValidationException");
    }
  }

  @Test
  void control_plane_calls_need_a_twin() {
    assertThatThrownBy(() -> new CommandsService().command("x")).isInstanceOf(IllegalStateException.class);
  }

  private static HttpResponse<String> send(HttpClient client, ControlPlaneServer http, String method, String path,
      String body) throws Exception {
    HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(http.endpoint() + path));
    b.method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body));
    return client.send(b.build(), HttpResponse.BodyHandlers.ofString());
  }

  private static List<String> ids(CommandExecutionPage page) {
    return page.executions().stream().map(CommandExecution::executionId).toList();
  }

  private static void assertError(Runnable call, int status, String type) {
    assertThatThrownBy(call::run).isInstanceOfSatisfying(AwsApiException.class, e -> {
      assertThat(e.status()).isEqualTo(status);
      assertThat(e.type()).isEqualTo(type);
    });
  }
}
