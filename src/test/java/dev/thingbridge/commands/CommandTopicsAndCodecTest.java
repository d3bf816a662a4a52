package dev.thingbridge.commands;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.type.TypeFactory;
import dev.thingbridge.commands.CommandTopic.Kind;
import java.nio.charset.StandardCharsets;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** rustot-spec CMD-T1..T5, plus client topics, byte-string results and reason checks. */
class CommandTopicsAndCodecTest {
  private final CommandTopics pump = CommandTopics.forThing("pump-3");

  @Test
  void topics_for_a_thing_in_both_formats() {
    assertThat(pump.requestFilter(CommandFormat.JSON)).isEqualTo("$aws/commands/things/pump-3/executions/+/request/json");
    assertThat(pump.requestFilter(CommandFormat.CBOR)).isEqualTo("$aws/commands/things/pump-3/executions/+/request/cbor");
    assertThat(pump.requestFilter(null)).isEqualTo("$aws/commands/things/pump-3/executions/+/request");
    assertThat(pump.response("x1", CommandFormat.JSON)).isEqualTo("$aws/commands/things/pump-3/executions/x1/response/json");
    assertThat(pump.accepted("x1", CommandFormat.JSON))
        .isEqualTo("$aws/commands/things/pump-3/executions/x1/response/accepted/json");
    assertThat(pump.rejected("x1", CommandFormat.CBOR))
        .isEqualTo("$aws/commands/things/pump-3/executions/x1/response/rejected/cbor");
    assertThat(CommandTopics.forClient("mcu-9").response("x1", CommandFormat.CBOR))
        .isEqualTo("$aws/commands/clients/mcu-9/executions/x1/response/cbor");
  }

  @Test
  void parses_requests_and_replies_and_rejects_the_rest() {
    assertThat(CommandTopics.parse("$aws/commands/things/pump-3/executions/x1/request/json")).contains(
        new CommandTopic(CommandTopics.DeviceType.THINGS, "pump-3", Kind.REQUEST, "x1", CommandFormat.JSON));
    assertThat(CommandTopics.parse("$aws/commands/clients/c/executions/x1/response/accepted/cbor")).contains(
        new CommandTopic(CommandTopics.DeviceType.CLIENTS, "c", Kind.ACCEPTED, "x1", CommandFormat.CBOR));
    assertThat(CommandTopics.parse("$aws/commands/things/pump-3/executions/x1/response/rejected/json"))
        .get().extracting(CommandTopic::kind).isEqualTo(Kind.REJECTED);
    assertThat(CommandTopics.parse("$aws/commands/things/pump-3/executions/x1/request"))
        .get().satisfies(t -> assertThat(t.format()).isNull());
  }

  @Test
  void a_response_without_a_format_suffix_and_its_replies_parse_with_no_format_as_in_the_twin() {
    assertThat(CommandTopics.parse("$aws/commands/things/pump-3/executions/x1/response")).contains(
        new CommandTopic(CommandTopics.DeviceType.THINGS, "pump-3", Kind.RESPONSE, "x1", null));
    assertThat(CommandTopics.parse("$aws/commands/things/pump-3/executions/x1/response/accepted")).contains(
        new CommandTopic(CommandTopics.DeviceType.THINGS, "pump-3", Kind.ACCEPTED, "x1", null));
    assertThat(pump.response("x1", null)).isEqualTo("$aws/commands/things/pump-3/executions/x1/response");
  }

  @ParameterizedTest
  @ValueSource(strings = {"$aws/things/pump-3/jobs/x1/get", "$aws/commands/things/pump-3/executions//request/json",
      "garbage/topic", "$aws/commands/things/pump-3/executions/x1/request/xml",
      "$aws/commands/devices/pump-3/executions/x1/request/json",
      "$aws/commands/things/pump-3/executions/x1/response/accepted/xml",
      "$aws/commands/things/pump-3/executions/has.dot/request/json"})
  void not_command_topics(String topic) {
    assertThat(CommandTopics.parse(topic)).isEmpty();
  }

  @Test
  void execution_ids_up_to_64_characters_are_accepted() {
    assertThat(pump.response("e".repeat(64), CommandFormat.JSON)).contains("e".repeat(64));
    assertThatThrownBy(() -> pump.response("e".repeat(65), CommandFormat.JSON))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("1-64");
    assertThat(CommandTopics.parse("$aws/commands/things/p/executions/" + "e".repeat(65) + "/request/json")).isEmpty();
  }

  private static String json(CommandUpdate u) {
    return new String(CommandCodec.encode(u, CommandFormat.JSON), StandardCharsets.UTF_8);
  }

  @Test
  void json_encodings() {
    assertThat(json(new CommandUpdate("x1", CommandStatus.IN_PROGRESS, null, null)))
        .isEqualTo("{\"executionId\":\"x1\",\"status\":\"IN_PROGRESS\"}");
    assertThat(json(new CommandUpdate("x1", CommandStatus.FAILED, new CommandStatusReason("LOW_POWER", "battery at 3%"), null)))
        .isEqualTo("{\"executionId\":\"x1\",\"status\":\"FAILED\",\"statusReason\":{\"reasonCode\":\"LOW_POWER\","
            + "\"reasonDescription\":\"battery at 3%\"}}");
    assertThat(json(new CommandUpdate("x1", CommandStatus.SUCCEEDED, null, Map.of("rpm", CommandResultValue.of("1200")))))
        .isEqualTo("{\"executionId\":\"x1\",\"status\":\"SUCCEEDED\",\"result\":{\"rpm\":{\"s\":\"1200\"}}}");
    Map<String, CommandResultValue> ordered = new LinkedHashMap<>();
    ordered.put("ok", CommandResultValue.of(true));
    ordered.put("blob", CommandResultValue.of(new byte[] {1, 2}));
    assertThat(json(new CommandUpdate(null, CommandStatus.SUCCEEDED, null, ordered)))
        .isEqualTo("{\"status\":\"SUCCEEDED\",\"result\":{\"ok\":{\"b\":true},\"blob\":{\"bin\":\"AQI=\"}}}");
  }

  @Test
  void cbor_round_trip_with_the_expected_bytes_and_a_real_byte_string() {
    byte[] cbor = CommandCodec.encode(new CommandUpdate("x1", CommandStatus.SUCCEEDED, null, null), CommandFormat.CBOR);
    assertThat(HexFormat.of().formatHex(cbor)).startsWith("a26b657865637574696f6e4964627831");
    CommandUpdate back = CommandCodec.decodeUpdate(cbor, CommandFormat.CBOR);
    assertThat(back.executionId()).isEqualTo("x1");
    assertThat(back.status()).isEqualTo(CommandStatus.SUCCEEDED);

    byte[] withBin = CommandCodec.encode(new CommandUpdate("x1", CommandStatus.SUCCEEDED, null,
        Map.of("blob", CommandResultValue.of(new byte[] {1, 2}))), CommandFormat.CBOR);
    // 0x63 "bin" followed by 0x42 (byte string of length 2) 01 02: not a base64 text string.
    assertThat(HexFormat.of().formatHex(withBin)).contains("6362696e420102");
    assertThat(CommandCodec.decodeUpdate(withBin, CommandFormat.CBOR).result())
        .containsEntry("blob", CommandResultValue.of(new byte[] {1, 2}));
  }

  record Action(String action) {}

  @Test
  void request_payloads_decode_into_the_callers_type_in_json_and_cbor() throws Exception {
    var type = TypeFactory.defaultInstance().constructType(Action.class);
    assertThat((Action) CommandCodec.decodePayload("{\"action\":\"stop\"}".getBytes(StandardCharsets.UTF_8),
        CommandFormat.JSON, type)).isEqualTo(new Action("stop"));
    byte[] cbor = CommandFormat.CBOR.mapper().writeValueAsBytes(Map.of("action", "stop"));
    assertThat((Action) CommandCodec.decodePayload(cbor, CommandFormat.CBOR, type)).isEqualTo(new Action("stop"));
    assertThatThrownBy(() -> CommandCodec.decodePayload("[1".getBytes(StandardCharsets.UTF_8), CommandFormat.JSON, type))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("not a valid json Action");
  }

  @Test
  void status_reasons_are_checked_before_sending() {
    assertThatThrownBy(() -> CommandStatusReason.of("low_power")).hasMessageContaining("[A-Z0-9_-]");
    assertThatThrownBy(() -> CommandStatusReason.of("X".repeat(65))).hasMessageContaining("1-64");
    assertThatThrownBy(() -> new CommandStatusReason("X", "d".repeat(1025))).hasMessageContaining("1024");
    assertThatThrownBy(() -> new CommandStatusReason("X", "a\u0007b")).hasMessageContaining("control");
    assertThat(CommandStatusReason.fitted("X", "line1\nline2").reasonDescription()).isEqualTo("line1 line2");
    assertThat(CommandStatusReason.fitted("X", "d".repeat(2000)).reasonDescription()).hasSize(1024);
  }

  @Test
  void rejections_surface_their_code_in_either_spelling() {
    CommandRejection r = CommandCodec.decodeRejection(("{\"error\":\"TERMINAL_STATE_REACHED\",\"errorMessage\":\"done\","
        + "\"executionId\":\"x1\"}").getBytes(StandardCharsets.UTF_8), CommandFormat.JSON);
    assertThat(r.code()).isEqualTo(CommandErrorCode.TERMINAL_STATE_REACHED);
    assertThat(r.message()).isEqualTo("done");
    assertThat(CommandCodec.decodeRejection("{\"errorCode\":\"InvalidRequest\"}".getBytes(StandardCharsets.UTF_8),
        CommandFormat.JSON).code()).isEqualTo(CommandErrorCode.INVALID_REQUEST);
    assertThat(CommandCodec.decodeRejection("garbage".getBytes(StandardCharsets.UTF_8), CommandFormat.JSON).code())
        .isEqualTo(CommandErrorCode.UNKNOWN);
  }
}
