package dev.thingbridge.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.thingbridge.component.ComponentConfig;
import dev.thingbridge.component.events.DeviceEventSink;
import dev.thingbridge.mqtt.MqttClient;
import dev.thingbridge.mqtt.MqttLimits;
import dev.thingbridge.mqtt.local.LocalBroker;
import dev.thingbridge.twin.Twin;
import dev.thingbridge.twin.commands.CommandExecution;
import dev.thingbridge.twin.commands.CommandExecutionStatus;
import dev.thingbridge.twin.commands.CommandSpec;
import dev.thingbridge.twin.commands.CommandsService;
import dev.thingbridge.twin.commands.DeviceTarget;
import dev.thingbridge.twin.commands.StartCommandExecutionRequest;
import dev.thingbridge.twin.jobs.JobsService;
import dev.thingbridge.twin.shadows.ShadowsService;
import dev.thingbridge.twin.things.ThingRegistry;
import dev.thingbridge.twin.things.ThingsService;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code local} with no sibling component: a command nobody claimed is answered at once, REJECTED with the reason
 * code {@code NO_HANDLER} and a description naming the command (AWS IoT commands: a device declines an execution
 * with REJECTED and a {@code statusReason}; FAILED is for an execution that was tried), instead of lingering until
 * its timeout.
 */
@Timeout(60)
class LocalCommandsWithoutSiblingTest {
  @TempDir Path work;

  @Test
  void a_command_nobody_claimed_is_rejected_no_handler_at_once() throws Exception {
    LocalBroker broker = new LocalBroker();
    MqttClient twinClient = broker.connect("twin");
    ThingsService things = new ThingsService(new ThingRegistry());
    CommandsService commands = new CommandsService();
    ComponentConfig config = ComponentConfig.DEFAULTS.withThingName("gw-local");
    try (Twin twin = Twin.builder(twinClient).service(things)
        .service(new JobsService(things.registry())).service(new ShadowsService()).service(commands).build()) {
      twin.start().get(10, TimeUnit.SECONDS);
      things.createThing("gw-local");
      try (LocalDevice device = LocalDevice.start(broker, config, work, MqttLimits.AWS_IOT_CORE, DeviceEventSink.NONE, null)) {
        var command = commands.createCommand(CommandSpec.builder("Reboot")
            .payload("{\"name\":\"reboot\"}".getBytes(StandardCharsets.UTF_8), "application/json").build());
        String target = commands.settings().targetArn(DeviceTarget.thing("gw-local"));
        long started = System.nanoTime();
        String execution = commands.startCommandExecution(
            StartCommandExecutionRequest.of(target, command.commandArn()).withTimeout(60));

        CommandExecution e = await().atMost(Duration.ofSeconds(20))
            .until(() -> commands.commandExecution(execution, target),
                x -> x.status() != CommandExecutionStatus.CREATED && x.status() != CommandExecutionStatus.IN_PROGRESS);
        assertThat(e.status()).isEqualTo(CommandExecutionStatus.REJECTED);
        assertThat(e.statusReason().reasonCode()).isEqualTo("NO_HANDLER");
        assertThat(e.statusReason().reasonDescription()).contains("reboot");
        assertThat(Duration.ofNanos(System.nanoTime() - started)).as("answered, not timed out")
            .isLessThan(Duration.ofSeconds(20));
      }
    } finally {
      twinClient.close();
      broker.stop();
    }
  }
}
