package dev.thingbridge.twin.commands;

import static org.assertj.core.api.Assertions.assertThat;

import dev.thingbridge.mqtt.MqttClient;
import dev.thingbridge.mqtt.QoS;
import dev.thingbridge.mqtt.Subscription;
import dev.thingbridge.mqtt.local.LocalBroker;
import dev.thingbridge.testing.SteppedClock;
import dev.thingbridge.twin.Twin;
import dev.thingbridge.twin.commands.CommandServiceTopics.PayloadFormat;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Executions do not pile up: beyond the cap the oldest finished ones are deleted (running ones are kept), an
 * execution is deleted once its time to live has passed, and with an execution its client token goes, in
 * memory and in the database.
 */
class CommandsRetentionTest {
  private static final Duration WAIT = Duration.ofSeconds(5);
  private static final CommandsSettings SETTINGS = CommandsSettings.DEFAULTS.withRetention(Duration.ofMinutes(10), 3);

  @TempDir Path dir;
  private final LocalBroker broker = new LocalBroker();
  private final SteppedClock clock = new SteppedClock(CommandsRig.START);

  @Test
  void finished_executions_beyond_the_cap_and_expired_ones_are_deleted_with_their_client_tokens() throws Exception {
    List<String> ids = new ArrayList<>();
    String thingArn = SETTINGS.targetArn(DeviceTarget.thing("dev-1"));
    try (MqttClient twinClient = broker.connect("twin"); MqttClient device = broker.connect("dev-1")) {
      CommandsService service = new CommandsService(SETTINGS);
      try (Twin twin = start(twinClient, service)) {
        String commandArn = service.createCommand(CommandSpec.builder("Ping")
            .payload("{}".getBytes(StandardCharsets.UTF_8), "application/json").build()).commandArn();
        for (int i = 0; i < 6; i++) {
          ids.add(service.startCommandExecution(StartCommandExecutionRequest.of(thingArn, commandArn)
              .withClientToken("tok-" + i).withTimeout(3600)));
        }
        Subscription accepted = device.subscribe("$aws/commands/things/dev-1/executions/+/response/accepted/json",
            QoS.AT_LEAST_ONCE).get(5, TimeUnit.SECONDS);
        for (int i = 0; i < 4; i++) {
          device.publish(CommandServiceTopics.response(DeviceTarget.thing("dev-1"), ids.get(i), PayloadFormat.JSON),
              "{\"status\":\"SUCCEEDED\"}".getBytes(StandardCharsets.UTF_8), QoS.AT_LEAST_ONCE, false)
              .get(5, TimeUnit.SECONDS);
          accepted.next(WAIT);
        }
        clock.advance(Duration.ofSeconds(1));
        twin.tickNow();
        // Four finished, cap three: the oldest finished one is gone; the two running ones stay.
        assertThat(service.executions()).extracting(CommandExecution::executionId).containsExactlyElementsOf(ids.subList(1, 6));
        // Its client token went with it: the same token now starts a new execution instead of returning it.
        String again = service.startCommandExecution(StartCommandExecutionRequest.of(thingArn, commandArn)
            .withClientToken("tok-0").withTimeout(3600));
        assertThat(again).isNotEqualTo(ids.get(0));
        // A kept token still returns its execution.
        assertThat(service.startCommandExecution(StartCommandExecutionRequest.of(thingArn, commandArn)
            .withClientToken("tok-1").withTimeout(3600))).isEqualTo(ids.get(1));
        ids.add(again);
      }
      assertThat(storedExecutionIds()).containsExactlyInAnyOrderElementsOf(ids.subList(1, 7));

      CommandsService restarted = new CommandsService(SETTINGS);
      try (Twin twin = start(twinClient, restarted)) {
        assertThat(restarted.executions()).extracting(CommandExecution::executionId)
            .containsExactlyElementsOf(ids.subList(1, 7));
        clock.advance(Duration.ofMinutes(10));
        twin.tickNow();
        // Past their time to live, finished or not, they are all deleted.
        assertThat(restarted.executions()).isEmpty();
      }
      assertThat(storedExecutionIds()).isEmpty();
    }
  }

  private Twin start(MqttClient client, CommandsService service) throws Exception {
    Twin twin = Twin.builder(client).clock(clock).stateDir(dir).tickInterval(Duration.ofHours(1)).service(service)
        .build();
    twin.start().get(5, TimeUnit.SECONDS);
    return twin;
  }

  private List<String> storedExecutionIds() throws Exception {
    List<String> out = new ArrayList<>();
    try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + dir.resolve("twin.db"));
        Statement s = c.createStatement(); ResultSet rs = s.executeQuery("SELECT execution_id FROM command_executions")) {
      while (rs.next()) {
        out.add(rs.getString(1));
      }
    }
    return out;
  }
}
