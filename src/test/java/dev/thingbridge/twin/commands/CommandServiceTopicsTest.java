package dev.thingbridge.twin.commands;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.thingbridge.twin.commands.CommandServiceTopics.Kind;
import dev.thingbridge.twin.commands.CommandServiceTopics.Parsed;
import dev.thingbridge.twin.commands.CommandServiceTopics.PayloadFormat;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class CommandServiceTopicsTest {
  private static final DeviceTarget PUMP = DeviceTarget.thing("pump-3");

  @Test
  void formats_the_documented_topics_for_a_thing() {
    assertThat(CommandServiceTopics.requestFilter(PUMP, PayloadFormat.JSON))
        .isEqualTo("$aws/commands/things/pump-3/executions/+/request/json");
    assertThat(CommandServiceTopics.requestFilter(PUMP, PayloadFormat.NONE))
        .isEqualTo("$aws/commands/things/pump-3/executions/+/request");
    assertThat(CommandServiceTopics.request(PUMP, "x1", PayloadFormat.CBOR))
        .isEqualTo("$aws/commands/things/pump-3/executions/x1/request/cbor");
    assertThat(CommandServiceTopics.response(PUMP, "x1", PayloadFormat.JSON))
        .isEqualTo("$aws/commands/things/pump-3/executions/x1/response/json");
    assertThat(CommandServiceTopics.accepted(PUMP, "x1", PayloadFormat.JSON))
        .isEqualTo("$aws/commands/things/pump-3/executions/x1/response/accepted/json");
    assertThat(CommandServiceTopics.rejected(PUMP, "x1", PayloadFormat.NONE))
        .isEqualTo("$aws/commands/things/pump-3/executions/x1/response/rejected");
    assertThat(CommandServiceTopics.event("Reboot", CommandExecutionStatus.FAILED))
        .isEqualTo("$aws/events/commandExecution/Reboot/FAILED");
  }

  @Test
  void formats_client_topics_with_the_plural_and_arns_with_the_singular() {
    DeviceTarget client = DeviceTarget.client("sensor.42@lab");
    assertThat(CommandServiceTopics.request(client, "e", PayloadFormat.JSON))
        .isEqualTo("$aws/commands/clients/sensor.42@lab/executions/e/request/json");
    assertThat(client.arn("aws", "us-east-1", "123456789012"))
        .isEqualTo("arn:aws:iot:us-east-1:123456789012:client/sensor.42@lab");
    assertThat(DeviceTarget.parseArn("arn:aws:iot:us-east-1:123456789012:client/sensor.42@lab"))
        .hasValueSatisfying(p -> assertThat(p.target()).isEqualTo(client));
  }

  @Test
  void parses_every_kind_and_format_back() {
    for (Kind kind : Kind.values()) {
      for (PayloadFormat format : PayloadFormat.values()) {
        String topic = CommandServiceTopics.format(kind, PUMP, "3f1c-ab_9", format);
        assertThat(CommandServiceTopics.parse(topic)).contains(new Parsed(kind, PUMP, "3f1c-ab_9", format));
      }
    }
  }

  @Test
  void accepts_execution_ids_of_exactly_64_characters_and_refuses_65() {
    String id64 = "a".repeat(64);
    assertThat(CommandServiceTopics.parse("$aws/commands/things/pump-3/executions/" + id64 + "/request/json")).isPresent();
    assertThat(CommandServiceTopics.parse("$aws/commands/things/pump-3/executions/" + id64 + "a/request/json")).isEmpty();
    assertThatThrownBy(() -> CommandServiceTopics.request(PUMP, id64 + "a", PayloadFormat.JSON))
        .isInstanceOf(IllegalArgumentException.class);
  }

  @ParameterizedTest
  @ValueSource(strings = {
      "$aws/things/pump-3/jobs/x1/get",
      "garbage/topic",
      "$aws/commands/things/pump-3/executions//request/json",
      "$aws/commands/things/pump-3/executions/x1/request/xml",
      "$aws/commands/things/pump-3/executions/x1/request/json/extra",
      "$aws/commands/devices/pump-3/executions/x1/request/json",
      "$aws/commands/things//executions/x1/request/json",
      "$aws/commands/things/pump 3/executions/x1/request/json",
      "$aws/commands/things/pump-3/execution/x1/request/json",
      "$aws/commands/things/pump-3/executions/x.1/request/json",
      "$aws/commands/things/pump-3/executions/x1/response/accepted/json/more",
      "$aws/commands/things/pump-3/executions/x1/response/done/json",
      "$aws/commands/things/pump-3/executions/x1",
      "$aws/commands/clients/$bad/executions/x1/request",
      "$AWS/commands/things/pump-3/executions/x1/request/json",
      ""})
  void refuses_anything_that_is_not_a_documented_commands_topic(String topic) {
    assertThat(CommandServiceTopics.parse(topic)).isEmpty();
  }

  @Test
  void chooses_the_request_format_from_the_content_type() {
    assertThat(PayloadFormat.forContentType("application/json")).isEqualTo(PayloadFormat.JSON);
    assertThat(PayloadFormat.forContentType("Application/JSON; charset=utf-8")).isEqualTo(PayloadFormat.JSON);
    assertThat(PayloadFormat.forContentType("application/cbor")).isEqualTo(PayloadFormat.CBOR);
    assertThat(PayloadFormat.forContentType("text/plain")).isEqualTo(PayloadFormat.NONE);
    assertThat(PayloadFormat.forContentType(null)).isEqualTo(PayloadFormat.NONE);
  }

  @Test
  void refuses_malformed_target_arns() {
    assertThat(DeviceTarget.parseArn("arn:aws:iot:us-east-1:123456789012:thing/dev-1")).isPresent();
    assertThat(DeviceTarget.parseArn("arn:aws:iot:us-east-1:123456789012:thing/")).isEmpty();
    assertThat(DeviceTarget.parseArn("arn:aws:iot:us-east-1:12345:thing/dev-1")).isEmpty();
    assertThat(DeviceTarget.parseArn("arn:aws:iot:us-east-1:123456789012:thinggroup/g")).isEmpty();
    assertThat(DeviceTarget.parseArn("arn:aws:iot:us-east-1:123456789012:thing/a b")).isEmpty();
    assertThat(DeviceTarget.parseArn("dev-1")).isEmpty();
  }
}
