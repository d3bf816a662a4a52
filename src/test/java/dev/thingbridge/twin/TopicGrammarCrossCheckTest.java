package dev.thingbridge.twin;

import static org.assertj.core.api.Assertions.assertThat;

import dev.thingbridge.commands.CommandFormat;
import dev.thingbridge.commands.CommandTopic;
import dev.thingbridge.commands.CommandTopics;
import dev.thingbridge.mqtt.Topics;
import dev.thingbridge.shadows.ShadowTopic;
import dev.thingbridge.shadows.ShadowTopics;
import dev.thingbridge.twin.commands.CommandServiceTopics;
import dev.thingbridge.twin.commands.DeviceTarget;
import dev.thingbridge.twin.shadows.ShadowServiceTopics;
import dev.thingbridge.twin.shadows.ShadowServiceTopics.Operation;
import dev.thingbridge.twin.shadows.ShadowServiceTopics.Request;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The device and the twin each keep their own topic grammar (the device formats requests and parses events, the
 * cloud the reverse, so the AWS SDK can check the twin independently); here every topic one side formats is
 * parsed by the other as the same thing, shadow, operation, execution and format.
 */
class TopicGrammarCrossCheckTest {
  private static final String THING = "gw-1:a_b";

  @Test
  void shadow_requests_the_device_formats_parse_in_the_twin_and_its_replies_parse_on_the_device() {
    for (String shadow : Arrays.asList(null, "config")) {
      ShadowTopics device = shadow == null ? ShadowTopics.classic(THING) : ShadowTopics.named(THING, shadow);
      String twinShadow = shadow == null ? ShadowServiceTopics.CLASSIC : shadow;
      for (Operation op : Operation.values()) {
        String request = device.topic(ShadowTopic.Kind.valueOf(op.name()));
        assertThat(ShadowServiceTopics.parseRequest(request)).as(request)
            .contains(new Request(THING, twinShadow, op));
        assertThat(request).isEqualTo(ShadowServiceTopics.request(THING, twinShadow, op));

        String accepted = ShadowServiceTopics.accepted(THING, twinShadow, op);
        String rejected = ShadowServiceTopics.rejected(THING, twinShadow, op);
        assertThat(ShadowTopics.parse(accepted)).as(accepted)
            .contains(new ShadowTopic(THING, shadow, ShadowTopic.Kind.valueOf(op.name() + "_ACCEPTED")));
        assertThat(ShadowTopics.parse(rejected)).as(rejected)
            .contains(new ShadowTopic(THING, shadow, ShadowTopic.Kind.valueOf(op.name() + "_REJECTED")));
        assertThat(ShadowTopics.accepted(request)).isEqualTo(accepted);
      }
      String delta = ShadowServiceTopics.delta(THING, twinShadow);
      String documents = ShadowServiceTopics.documents(THING, twinShadow);
      assertThat(ShadowTopics.parse(delta)).contains(new ShadowTopic(THING, shadow, ShadowTopic.Kind.UPDATE_DELTA));
      assertThat(ShadowTopics.parse(documents))
          .contains(new ShadowTopic(THING, shadow, ShadowTopic.Kind.UPDATE_DOCUMENTS));
      assertThat(device.eventFilters()).anySatisfy(f -> assertThat(Topics.matches(f.filter(), delta)).isTrue());
    }
  }

  @Test
  void command_requests_the_twin_formats_parse_on_the_device_and_its_responses_parse_in_the_twin() {
    List<DeviceTarget> targets = List.of(DeviceTarget.thing(THING), DeviceTarget.client("sensor.7 (lab)"));
    for (DeviceTarget target : targets) {
      CommandTopics device = target.type() == DeviceTarget.DeviceType.THINGS
          ? CommandTopics.forThing(target.deviceId()) : CommandTopics.forClient(target.deviceId());
      for (CommandServiceTopics.PayloadFormat twinFormat : CommandServiceTopics.PayloadFormat.values()) {
        CommandFormat format = switch (twinFormat) {
          case JSON -> CommandFormat.JSON;
          case CBOR -> CommandFormat.CBOR;
          case NONE -> null;
        };
        String request = CommandServiceTopics.request(target, "exec-1", twinFormat);
        assertThat(CommandTopics.parse(request)).as(request).contains(new CommandTopic(device.deviceType(),
            target.deviceId(), CommandTopic.Kind.REQUEST, "exec-1", format));
        assertThat(Topics.matches(device.requestFilter(format), request)).as(request).isTrue();

        String response = device.response("exec-1", format);
        assertThat(CommandServiceTopics.parse(response)).as(response)
            .contains(new CommandServiceTopics.Parsed(CommandServiceTopics.Kind.RESPONSE, target, "exec-1",
                twinFormat));
        assertThat(CommandTopics.parse(response)).as("the device reads its own response topic, bare or not")
            .contains(new CommandTopic(device.deviceType(), target.deviceId(), CommandTopic.Kind.RESPONSE, "exec-1",
                format));

        String accepted = CommandServiceTopics.accepted(target, "exec-1", twinFormat);
        String rejected = CommandServiceTopics.rejected(target, "exec-1", twinFormat);
        assertThat(accepted).isEqualTo(device.accepted("exec-1", format));
        assertThat(CommandTopics.parse(accepted)).as(accepted).contains(new CommandTopic(device.deviceType(),
            target.deviceId(), CommandTopic.Kind.ACCEPTED, "exec-1", format));
        assertThat(CommandTopics.parse(rejected)).as(rejected).contains(new CommandTopic(device.deviceType(),
            target.deviceId(), CommandTopic.Kind.REJECTED, "exec-1", format));
      }
    }
  }
}
