package dev.thingbridge.twin.commands;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.cbor.databind.CBORMapper;
import dev.thingbridge.mqtt.MqttLimits;
import dev.thingbridge.mqtt.MqttMessage;
import dev.thingbridge.mqtt.Subscription;
import dev.thingbridge.twin.TwinLimits;
import dev.thingbridge.twin.commands.CommandServiceTopics.PayloadFormat;
import dev.thingbridge.twin.commands.CommandsRig.Device;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** aws-protocols.md §3 through a real device client on the in-process bus. */
class CommandsConformanceTest {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final ObjectMapper CBOR = new CBORMapper();
  private CommandsRig rig;

  @BeforeEach
  void start() throws Exception {
    rig = new CommandsRig();
  }

  @AfterEach
  void stop() {
    rig.close();
  }

  private static byte[] json(String text) {
    return text.getBytes(StandardCharsets.UTF_8);
  }

  private static JsonNode readJson(MqttMessage m) throws Exception {
    return JSON.readTree(m.payload());
  }

  private String start(String commandId, String thing, long timeout) {
    return rig.service.startCommandExecution(
        StartCommandExecutionRequest.of(rig.thingArn(thing), rig.service.command(commandId).commandArn())
            .withTimeout(timeout));
  }

  @Test
  void json_round_trip_delivers_the_payload_raw_then_records_progress_success_and_the_result() throws Exception {
    byte[] payload = json("{ \"action\": \"reboot\", \"delayS\": 5 }");
    rig.createCommand("Reboot", "application/json", payload);
    Subscription events = rig.events("Reboot");
    try (Device device = rig.device(DeviceTarget.thing("dev-1"), PayloadFormat.JSON)) {
      String id = start("Reboot", "dev-1", 30);

      MqttMessage request = device.nextRequest();
      assertThat(request.topic()).isEqualTo("$aws/commands/things/dev-1/executions/" + id + "/request/json");
      assertThat(request.payload()).isEqualTo(payload);
      assertThat(request.properties().contentType()).hasValue("application/json");
      assertThat(request.properties().messageExpirySeconds()).hasValue(30L);

      MqttMessage inProgress = device.report(id, json("{\"status\":\"IN_PROGRESS\"}"));
      assertThat(inProgress.topic()).isEqualTo(CommandServiceTopics.accepted(DeviceTarget.thing("dev-1"), id,
          PayloadFormat.JSON));
      assertThat(inProgress.payloadAsString()).isEqualTo("{\"executionId\":\"" + id + "\"}");
      assertThat(rig.service.commandExecution(id, rig.thingArn("dev-1")).status())
          .isEqualTo(CommandExecutionStatus.IN_PROGRESS);

      rig.clock.advance(Duration.ofMillis(4000));
      MqttMessage done = device.report(id, json("{ \"status\": \"SUCCEEDED\", "
          + "\"statusReason\": { \"reasonCode\": \"OK\", \"reasonDescription\": \"rebooted in 4s\" }, "
          + "\"result\": { \"uptime\": { \"s\": \"12\" }, \"clean\": { \"b\": true }, \"blob\": { \"bin\": \"AQI=\" } } }"));
      assertThat(done.topic()).endsWith("/response/accepted/json");

      CommandExecution e = rig.service.commandExecution(id, rig.thingArn("dev-1"));
      assertThat(e.status()).isEqualTo(CommandExecutionStatus.SUCCEEDED);
      assertThat(e.statusReason()).isEqualTo(new StatusReason("OK", "rebooted in 4s"));
      assertThat(e.result()).containsExactly(
          Map.entry("uptime", ResultValue.ofString("12")),
          Map.entry("clean", ResultValue.ofBoolean(true)),
          Map.entry("blob", ResultValue.ofBinary(new byte[] {1, 2})));
      assertThat(e.createdAt()).isEqualTo(CommandsRig.START);
      assertThat(e.startedAt()).isEqualTo(CommandsRig.START);
      assertThat(e.completedAt()).isEqualTo(CommandsRig.START.plusMillis(4000));
      assertThat(e.isTerminal()).isTrue();

      List<String> statuses = List.of("CREATED", "IN_PROGRESS", "SUCCEEDED");
      for (String status : statuses) {
        MqttMessage event = events.next(CommandsRig.WAIT);
        assertThat(event.topic()).isEqualTo("$aws/events/commandExecution/Reboot/" + status);
        JsonNode doc = readJson(event);
        assertThat(doc.fieldNames()).toIterable().containsSubsequence("executionId", "status", "eventType",
            "commandArn", "targetArn", "timestamp");
        assertThat(doc.get("eventType").asText()).isEqualTo("COMMAND_EXECUTION");
        assertThat(doc.get("commandArn").asText()).isEqualTo("arn:aws:iot:us-east-1:123456789012:command/Reboot");
        assertThat(doc.get("targetArn").asText()).isEqualTo("arn:aws:iot:us-east-1:123456789012:thing/dev-1");
        assertThat(doc.get("timestamp").isIntegralNumber()).isTrue();
      }
    }
  }

  @Test
  void cbor_round_trip_answers_in_cbor_and_keeps_binary_results_as_bytes() throws Exception {
    byte[] payload = CBOR.writeValueAsBytes(Map.of("action", "echo", "value", 42));
    rig.createCommand("Echo", "application/cbor", payload);
    try (Device device = rig.device(DeviceTarget.thing("pump-3"), PayloadFormat.CBOR)) {
      String id = start("Echo", "pump-3", 60);

      MqttMessage request = device.nextRequest();
      assertThat(request.topic()).isEqualTo("$aws/commands/things/pump-3/executions/" + id + "/request/cbor");
      assertThat(CBOR.readTree(request.payload()).get("value").asInt()).isEqualTo(42);
      assertThat(request.properties().contentType()).hasValue("application/cbor");
      assertThat(request.properties().messageExpirySeconds()).hasValue(60L);

      MqttMessage accepted = device.report(id, CBOR.writeValueAsBytes(
          Map.of("executionId", id, "status", "IN_PROGRESS")));
      assertThat(accepted.topic()).endsWith("/response/accepted/cbor");
      assertThat(CBOR.readTree(accepted.payload()).get("executionId").asText()).isEqualTo(id);

      Map<String, Object> result = new LinkedHashMap<>();
      result.put("echoed", Map.of("s", "echo"));
      result.put("raw", Map.of("bin", new byte[] {(byte) 0xCA, (byte) 0xFE}));
      MqttMessage done = device.report(id, CBOR.writeValueAsBytes(Map.of("status", "SUCCEEDED", "result", result)));
      assertThat(done.topic()).endsWith("/response/accepted/cbor");

      CommandExecution e = rig.service.commandExecution(id, rig.thingArn("pump-3"));
      assertThat(e.status()).isEqualTo(CommandExecutionStatus.SUCCEEDED);
      assertThat(e.result().get("echoed")).isEqualTo(ResultValue.ofString("echo"));
      assertThat(e.result().get("raw").bin()).containsExactly(0xCA, 0xFE);

      MqttMessage late = device.report(id, CBOR.writeValueAsBytes(Map.of("status", "FAILED")));
      assertThat(late.topic()).endsWith("/response/rejected/cbor");
      JsonNode rejected = CBOR.readTree(late.payload());
      assertThat(rejected.get("error").asText()).isEqualTo("TERMINAL_STATE_REACHED");
      assertThat(rejected.get("executionId").asText()).isEqualTo(id);
    }
  }

  @Test
  void other_content_types_go_to_the_bare_request_topic_and_no_content_type_sets_no_property() throws Exception {
    rig.createCommand("Text", "text/plain", json("reboot now"));
    rig.createCommand("Blob", null, new byte[] {0, 1, 2});
    try (Device device = rig.device(DeviceTarget.thing("dev-2"), PayloadFormat.NONE)) {
      String textId = start("Text", "dev-2", 10);
      MqttMessage text = device.nextRequest();
      assertThat(text.topic()).isEqualTo("$aws/commands/things/dev-2/executions/" + textId + "/request");
      assertThat(text.properties().contentType()).hasValue("text/plain");
      assertThat(text.payloadAsString()).isEqualTo("reboot now");

      String blobId = start("Blob", "dev-2", 10);
      MqttMessage blob = device.nextRequest();
      assertThat(blob.topic()).endsWith(blobId + "/request");
      assertThat(blob.properties().contentType()).isEmpty();
      assertThat(blob.payload()).containsExactly(0, 1, 2);

      // A bare /response is read and answered as JSON on the bare accepted topic.
      MqttMessage accepted = device.report(textId, json("{\"status\":\"SUCCEEDED\"}"));
      assertThat(accepted.topic()).isEqualTo("$aws/commands/things/dev-2/executions/" + textId
          + "/response/accepted");
      assertThat(accepted.payloadAsString()).isEqualTo("{\"executionId\":\"" + textId + "\"}");
    }
  }

  @Test
  void the_twins_clock_times_out_an_execution_and_the_device_may_still_complete_it() throws Exception {
    rig.createCommand("Reboot", "application/json", json("{}"));
    Subscription events = rig.events("Reboot");
    try (Device device = rig.device(DeviceTarget.thing("dev-1"), PayloadFormat.JSON)) {
      String id = rig.service.startCommandExecution(StartCommandExecutionRequest.of(rig.thingArn("dev-1"),
          rig.service.command("Reboot").commandArn()));
      assertThat(device.nextRequest().properties().messageExpirySeconds()).hasValue(10L);
      assertThat(events.next(CommandsRig.WAIT).topic()).endsWith("/CREATED");

      rig.clock.advance(Duration.ofMillis(9999));
      rig.twin.tickNow();
      assertThat(rig.service.commandExecution(id, rig.thingArn("dev-1")).status())
          .isEqualTo(CommandExecutionStatus.CREATED);

      rig.clock.advance(Duration.ofMillis(1));
      rig.twin.tickNow();
      CommandExecution timedOut = rig.service.commandExecution(id, rig.thingArn("dev-1"));
      assertThat(timedOut.status()).isEqualTo(CommandExecutionStatus.TIMED_OUT);
      assertThat(timedOut.statusReason().reasonCode()).isEqualTo("$NO_RESPONSE_FROM_DEVICE");
      assertThat(timedOut.completedAt()).isNull();
      assertThat(timedOut.isTerminal()).isFalse();
      MqttMessage event = events.next(CommandsRig.WAIT);
      assertThat(event.topic()).isEqualTo("$aws/events/commandExecution/Reboot/TIMED_OUT");
      assertThat(readJson(event).at("/statusReason/reasonCode").asText()).isEqualTo("$NO_RESPONSE_FROM_DEVICE");
      assertThat(readJson(event).get("timestamp").asLong()).isEqualTo(CommandsRig.START.plusSeconds(10).toEpochMilli());

      MqttMessage progress = device.report(id, json("{\"status\":\"IN_PROGRESS\"}"));
      assertThat(progress.topic()).endsWith("/response/rejected/json");
      assertThat(readJson(progress).get("error").asText()).isEqualTo("INVALID_STATE_TRANSITION");

      rig.clock.advance(Duration.ofSeconds(5));
      MqttMessage late = device.report(id, json("{\"status\":\"SUCCEEDED\",\"result\":{\"ok\":{\"b\":true}}}"));
      assertThat(late.topic()).endsWith("/response/accepted/json");
      CommandExecution done = rig.service.commandExecution(id, rig.thingArn("dev-1"));
      assertThat(done.status()).isEqualTo(CommandExecutionStatus.SUCCEEDED);
      assertThat(done.statusReason()).isNull();
      assertThat(done.completedAt()).isEqualTo(CommandsRig.START.plusSeconds(15));
    }
  }

  @Test
  void a_device_reported_timed_out_is_final_and_replaces_the_reason() throws Exception {
    rig.createCommand("Reboot", "application/json", json("{}"));
    try (Device device = rig.device(DeviceTarget.thing("dev-1"), PayloadFormat.JSON)) {
      String id = start("Reboot", "dev-1", 5);
      rig.clock.advance(Duration.ofSeconds(6));
      rig.twin.tickNow();
      MqttMessage accepted = device.report(id, json(
          "{\"status\":\"TIMED_OUT\",\"statusReason\":{\"reasonCode\":\"WATCHDOG\",\"reasonDescription\":\"took too long\"}}"));
      assertThat(accepted.topic()).endsWith("/accepted/json");
      CommandExecution e = rig.service.commandExecution(id, rig.thingArn("dev-1"));
      assertThat(e.status()).isEqualTo(CommandExecutionStatus.TIMED_OUT);
      assertThat(e.statusReason()).isEqualTo(new StatusReason("WATCHDOG", "took too long"));
      assertThat(e.isTerminal()).isTrue();

      MqttMessage rejected = device.report(id, json("{\"status\":\"SUCCEEDED\"}"));
      assertThat(readJson(rejected).get("error").asText()).isEqualTo("TERMINAL_STATE_REACHED");
    }
  }

  @Test
  void updates_after_a_terminal_status_are_rejected_with_the_observed_message() throws Exception {
    rig.createCommand("Reboot", "application/json", json("{}"));
    try (Device device = rig.device(DeviceTarget.thing("dev-1"), PayloadFormat.JSON)) {
      String id = start("Reboot", "dev-1", 10);
      device.report(id, json("{\"status\":\"SUCCEEDED\"}"));
      MqttMessage rejected = device.report(id, json("{\"status\":\"REJECTED\"}"));
      assertThat(rejected.topic()).isEqualTo(CommandServiceTopics.rejected(DeviceTarget.thing("dev-1"), id,
          PayloadFormat.JSON));
      assertThat(rejected.payloadAsString()).isEqualTo("{\"error\":\"TERMINAL_STATE_REACHED\","
          + "\"errorMessage\":\"Command Execution status cannot be updated to REJECTED since execution has "
          + "already completed with status SUCCEEDED.\",\"executionId\":\"" + id + "\"}");
      assertThat(rig.service.commandExecution(id, rig.thingArn("dev-1")).status())
          .isEqualTo(CommandExecutionStatus.SUCCEEDED);
    }
  }

  @Test
  void status_reason_limits_are_checked() throws Exception {
    rig.createCommand("Reboot", "application/json", json("{}"));
    try (Device device = rig.device(DeviceTarget.thing("dev-1"), PayloadFormat.JSON)) {
      String id = start("Reboot", "dev-1", 100);
      String code64 = "A".repeat(64);
      String desc1024 = "d".repeat(1024);
      assertAccepted(device.report(id, json("{\"status\":\"IN_PROGRESS\",\"statusReason\":{\"reasonCode\":\""
          + code64 + "\",\"reasonDescription\":\"" + desc1024 + "\"}}")));
      assertAccepted(device.report(id, json("{\"status\":\"IN_PROGRESS\",\"statusReason\":{\"reasonCode\":\"A-1_Z\"}}")));

      for (String reason : List.of(
          "{\"reasonCode\":\"" + code64 + "A\"}",
          "{\"reasonCode\":\"low_power\"}",
          "{\"reasonCode\":\"\"}",
          "{\"reasonCode\":\"$NO_RESPONSE_FROM_DEVICE\"}",
          "{\"reasonDescription\":\"no code\"}",
          "{\"reasonCode\":\"OK\",\"reasonDescription\":\"" + desc1024 + "x\"}",
          "{\"reasonCode\":\"OK\",\"reasonDescription\":\"line\\nbreak\"}",
          "{\"reasonCode\":42}",
          "\"OK\"")) {
        MqttMessage reply = device.report(id, json("{\"status\":\"FAILED\",\"statusReason\":" + reason + "}"));
        assertThat(reply.topic()).as(reason).endsWith("/response/rejected/json");
        assertThat(readJson(reply).get("error").asText()).as(reason).isEqualTo("INVALID_REQUEST");
      }
      assertThat(rig.service.commandExecution(id, rig.thingArn("dev-1")).status())
          .isEqualTo(CommandExecutionStatus.IN_PROGRESS);
    }
  }

  @Test
  void malformed_updates_get_the_documented_error_codes() throws Exception {
    rig.createCommand("Reboot", "application/json", json("{}"));
    try (Device device = rig.device(DeviceTarget.thing("dev-1"), PayloadFormat.JSON)) {
      String id = start("Reboot", "dev-1", 100);
      Map<String, String> cases = new LinkedHashMap<>();
      cases.put("{\"status\":", "INVALID_JSON");
      cases.put("", "INVALID_JSON");
      cases.put("[1,2]", "INVALID_JSON");
      cases.put("{\"status\":\"SUCCEEDED\"} trailing", "INVALID_JSON");
      cases.put("{}", "INVALID_REQUEST");
      cases.put("{\"status\":\"CREATED\"}", "INVALID_REQUEST");
      cases.put("{\"status\":\"succeeded\"}", "INVALID_REQUEST");
      cases.put("{\"status\":1}", "INVALID_REQUEST");
      cases.put("{\"status\":\"SUCCEEDED\",\"result\":{}}", "INVALID_REQUEST");
      cases.put("{\"status\":\"SUCCEEDED\",\"result\":[]}", "INVALID_REQUEST");
      cases.put("{\"status\":\"SUCCEEDED\",\"result\":{\"x\":{\"s\":\"a\",\"b\":true}}}", "INVALID_REQUEST");
      cases.put("{\"status\":\"SUCCEEDED\",\"result\":{\"x\":{\"n\":1}}}", "INVALID_REQUEST");
      cases.put("{\"status\":\"SUCCEEDED\",\"result\":{\"x\":{\"s\":1}}}", "INVALID_REQUEST");
      cases.put("{\"status\":\"SUCCEEDED\",\"result\":{\"x\":{\"b\":\"true\"}}}", "INVALID_REQUEST");
      cases.put("{\"status\":\"SUCCEEDED\",\"result\":{\"x\":{\"bin\":\"not base64!\"}}}", "INVALID_REQUEST");
      cases.put("{\"status\":\"SUCCEEDED\",\"result\":{\"x\":\"plain\"}}", "INVALID_REQUEST");
      for (Map.Entry<String, String> c : cases.entrySet()) {
        MqttMessage reply = device.report(id, json(c.getKey()));
        assertThat(reply.topic()).as(c.getKey()).endsWith("/response/rejected/json");
        JsonNode doc = readJson(reply);
        assertThat(doc.get("error").asText()).as(c.getKey()).isEqualTo(c.getValue());
        assertThat(doc.get("errorMessage").asText()).as(c.getKey()).isNotBlank();
        assertThat(doc.get("executionId").asText()).isEqualTo(id);
      }
      assertThat(rig.service.commandExecution(id, rig.thingArn("dev-1")).status())
          .isEqualTo(CommandExecutionStatus.CREATED);

      MqttMessage unknown = device.report("no-such-execution", json("{\"status\":\"SUCCEEDED\"}"));
      assertThat(readJson(unknown).get("error").asText()).isEqualTo("RESOURCE_NOT_FOUND");
      assertThat(readJson(unknown).get("executionId").asText()).isEqualTo("no-such-execution");
    }
  }

  @Test
  void malformed_cbor_is_rejected_in_cbor() throws Exception {
    rig.createCommand("Echo", "application/cbor", new byte[] {(byte) 0xA0});
    try (Device device = rig.device(DeviceTarget.thing("pump-3"), PayloadFormat.CBOR)) {
      String id = start("Echo", "pump-3", 100);
      for (byte[] bad : List.of(new byte[] {(byte) 0xBF}, new byte[] {(byte) 0x83, 1}, new byte[] {1},
          JSON.writeValueAsBytes(Map.of("status", "SUCCEEDED")))) {
        MqttMessage reply = device.report(id, bad);
        assertThat(reply.topic()).endsWith("/response/rejected/cbor");
        assertThat(CBOR.readTree(reply.payload()).get("error").asText()).isEqualTo("INVALID_REQUEST");
      }
    }
  }

  @Test
  void an_execution_answers_only_on_its_own_device_topic() throws Exception {
    rig.createCommand("Reboot", "application/json", json("{}"));
    try (Device owner = rig.device(DeviceTarget.thing("dev-1"), PayloadFormat.JSON);
        Device other = rig.device(DeviceTarget.thing("dev-2"), PayloadFormat.JSON)) {
      String id = start("Reboot", "dev-1", 100);
      MqttMessage reply = other.report(id, json("{\"status\":\"SUCCEEDED\"}"));
      assertThat(readJson(reply).get("error").asText()).isEqualTo("RESOURCE_NOT_FOUND");
      assertThat(rig.service.commandExecution(id, rig.thingArn("dev-1")).status())
          .isEqualTo(CommandExecutionStatus.CREATED);
      assertThat(owner.nextRequest().topic()).contains(id);
    }
  }

  @Test
  void an_mqtt_client_target_uses_the_clients_topics() throws Exception {
    rig.createCommand("Reboot", "application/json", json("{\"go\":1}"));
    DeviceTarget client = DeviceTarget.client("sensor-7");
    try (Device device = rig.device(client, PayloadFormat.JSON)) {
      String id = rig.service.startCommandExecution(StartCommandExecutionRequest.of(
          "arn:aws:iot:us-east-1:123456789012:client/sensor-7", rig.service.command("Reboot").commandArn()));
      assertThat(device.nextRequest().topic())
          .isEqualTo("$aws/commands/clients/sensor-7/executions/" + id + "/request/json");
      assertAccepted(device.report(id, json("{\"status\":\"FAILED\",\"statusReason\":{\"reasonCode\":\"DEVICE_TOO_BUSY\"}}")));
      CommandExecution e = rig.service.commandExecution(id, "arn:aws:iot:us-east-1:123456789012:client/sensor-7");
      assertThat(e.status()).isEqualTo(CommandExecutionStatus.FAILED);
      assertThat(e.target()).isEqualTo(client);
    }
  }

  @Test
  void several_executions_run_concurrently_on_one_device() throws Exception {
    rig.createCommand("Reboot", "application/json", json("{}"));
    try (Device device = rig.device(DeviceTarget.thing("dev-1"), PayloadFormat.JSON)) {
      String a = start("Reboot", "dev-1", 100);
      String b = start("Reboot", "dev-1", 100);
      assertThat(a).isNotEqualTo(b);
      assertAccepted(device.report(b, json("{\"status\":\"SUCCEEDED\"}")));
      assertAccepted(device.report(a, json("{\"status\":\"IN_PROGRESS\"}")));
      assertThat(rig.service.commandExecution(a, rig.thingArn("dev-1")).status())
          .isEqualTo(CommandExecutionStatus.IN_PROGRESS);
      assertThat(rig.service.commandExecution(b, rig.thingArn("dev-1")).status())
          .isEqualTo(CommandExecutionStatus.SUCCEEDED);
    }
  }

  @Test
  void an_oversize_update_is_rejected_under_aws_limits_and_the_twin_keeps_serving() throws Exception {
    rig.close();
    rig = new CommandsRig(null, TwinLimits.AWS);
    rig.createCommand("Reboot", "application/json", json("{}"));
    try (Device device = rig.device(DeviceTarget.thing("dev-1"), PayloadFormat.JSON,
        new MqttLimits(1024 * 1024, 256))) {
      String id = start("Reboot", "dev-1", 100);
      String big = "x".repeat(128 * 1024);
      MqttMessage tooBig = device.report(id, json("{\"status\":\"SUCCEEDED\",\"result\":{\"a\":{\"s\":\"" + big
          + "\"}}}"));
      assertThat(readJson(tooBig).get("error").asText()).isEqualTo("INVALID_REQUEST");
      assertAccepted(device.report(id, json("{\"status\":\"SUCCEEDED\"}")));
    }
  }

  @Test
  void the_documents_rustot_devices_send_are_accepted_in_json_and_cbor() throws Exception {
    // rustot-spec.md CMD-T3/CMD-T4: an executionId echo, and bin as base64 text even in CBOR.
    rig.createCommand("Pump", "application/json", json("{\"action\":\"stop\"}"));
    rig.createCommand("PumpCbor", "application/cbor", CBOR.writeValueAsBytes(Map.of("action", "stop")));
    try (Device jsonDevice = rig.device(DeviceTarget.thing("pump-3"), PayloadFormat.JSON);
        Device cborDevice = rig.device(DeviceTarget.thing("pump-4"), PayloadFormat.CBOR)) {
      String x1 = start("Pump", "pump-3", 100);
      assertAccepted(jsonDevice.report(x1, json("{\"executionId\":\"" + x1 + "\",\"status\":\"IN_PROGRESS\"}")));
      assertAccepted(jsonDevice.report(x1, json("{\"status\":\"SUCCEEDED\",\"result\":{\"ok\":{\"b\":true},"
          + "\"blob\":{\"bin\":\"AQI=\"}}}")));
      assertThat(rig.service.commandExecution(x1, rig.thingArn("pump-3")).result().keySet())
          .containsExactly("ok", "blob");

      String x2 = start("PumpCbor", "pump-4", 100);
      Map<String, Object> failed = new LinkedHashMap<>();
      failed.put("executionId", x2);
      failed.put("status", "FAILED");
      failed.put("statusReason", Map.of("reasonCode", "LOW_POWER", "reasonDescription", "battery at 3%"));
      failed.put("result", Map.of("blob", Map.of("bin", "AQI=")));
      assertAccepted(cborDevice.report(x2, CBOR.writeValueAsBytes(failed)));
      CommandExecution e = rig.service.commandExecution(x2, rig.thingArn("pump-4"));
      assertThat(e.statusReason()).isEqualTo(new StatusReason("LOW_POWER", "battery at 3%"));
      assertThat(e.result().get("blob").bin()).containsExactly(1, 2);
    }
  }

  private static void assertAccepted(MqttMessage reply) {
    assertThat(reply.topic()).as(reply.payloadAsString()).contains("/response/accepted");
  }
}
