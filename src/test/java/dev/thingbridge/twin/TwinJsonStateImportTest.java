package dev.thingbridge.twin;

import static org.assertj.core.api.Assertions.assertThat;

import dev.thingbridge.mqtt.MqttClient;
import dev.thingbridge.mqtt.local.LocalBroker;
import dev.thingbridge.testing.SteppedClock;
import dev.thingbridge.twin.commands.CommandExecutionStatus;
import dev.thingbridge.twin.commands.CommandsService;
import dev.thingbridge.twin.commands.StartCommandExecutionRequest;
import dev.thingbridge.twin.jobs.ExecutionStatus;
import dev.thingbridge.twin.jobs.JobsService;
import dev.thingbridge.twin.server.TwinServer;
import dev.thingbridge.twin.shadows.ShadowServiceException;
import dev.thingbridge.twin.shadows.ShadowsService;
import dev.thingbridge.twin.things.ThingsService;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import org.assertj.core.api.Assertions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A state directory written by thingbridge before the database (the four JSON files in the test resources
 * were written by commit ecddb22's twin) is imported into {@code twin.db} on the first start, with nothing
 * lost; the files are set aside and never imported again.
 */
class TwinJsonStateImportTest {
  private static final List<String> FILES = List.of("things.json", "shadows.json", "jobs.json", "commands.json");
  private static final String DEV1 = "arn:aws:iot:us-east-1:123456789012:thing/dev-1";

  @TempDir Path dir;
  private final SteppedClock clock = new SteppedClock(Instant.parse("2026-11-20T10:01:00Z"));

  @Test
  void an_old_json_state_directory_is_imported_once_with_everything_in_it() throws Exception {
    copyOldState();
    try (Running twin = start()) {
      ThingsService things = twin.server.twin().service(ThingsService.class);
      assertThat(things.describeThing("dev-1").attributes()).containsEntry("site", "lab");
      assertThat(things.describeThing("dev-1").thingId()).isEqualTo("17ae8b2b-ee27-4cd0-a7e1-e9f1116618b2");
      assertThat(things.describeThing("dev-2")).isNotNull();

      ShadowsService shadows = twin.server.twin().service(ShadowsService.class);
      assertThat(shadows.get("dev-1", null).get("version").asLong()).isEqualTo(2);
      assertThat(shadows.get("dev-1", null).at("/state/reported/temp").decimalValue()).isEqualByComparingTo("21.5");
      assertThat(shadows.get("dev-1", null).at("/state/delta/led").asText()).isEqualTo("on");
      assertThat(shadows.listNamedShadows("dev-1")).containsExactly("config");
      Assertions.assertThatThrownBy(() -> shadows.get("dev-2", null)).isInstanceOf(ShadowServiceException.class);
      // The deleted classic shadow of dev-2 still remembers its version: a re-created one continues from it.
      assertThat(shadows.update("dev-2", null, "{\"state\":{\"reported\":{\"on\":false}}}".getBytes())
          .get("version").asLong()).isEqualTo(2);

      JobsService jobs = twin.server.twin().service(JobsService.class);
      assertThat(jobs.describeJobExecution("dev-1", "fw-1", null).status()).isEqualTo(ExecutionStatus.IN_PROGRESS);
      assertThat(jobs.describeJobExecution("dev-1", "fw-1", null).statusDetails()).containsEntry("step", "download");
      assertThat(jobs.describeJobExecution("dev-1", "fw-2", null).status()).isEqualTo(ExecutionStatus.QUEUED);
      assertThat(jobs.describeJob("fw-2").inProgressTimeoutInMinutes()).isEqualTo(30);

      CommandsService commands = twin.server.twin().service(CommandsService.class);
      assertThat(commands.commands()).extracting(c -> c.commandId()).containsExactly("Reboot");
      assertThat(commands.executions()).singleElement().satisfies(e -> {
        assertThat(e.status()).isEqualTo(CommandExecutionStatus.CREATED);
        assertThat(e.clientToken()).isEqualTo("tok-1");
      });
      // The client token still names its execution: a retry returns it instead of starting another.
      String existing = commands.executions().get(0).executionId();
      assertThat(commands.startCommandExecution(StartCommandExecutionRequest.of(DEV1,
          commands.command("Reboot").commandArn()).withClientToken("tok-1").withTimeout(600))).isEqualTo(existing);
    }
    for (String f : FILES) {
      assertThat(dir.resolve(f)).doesNotExist();
      assertThat(dir.resolve(f + ".imported")).exists();
    }
    assertThat(dir.resolve("twin.db")).exists();

    // A second start reads the database only; a JSON file put back beside it is not imported again.
    Files.writeString(dir.resolve("things.json"), "{\"things\":[{\"thingName\":\"intruder\",\"thingId\":\"x\"}]}");
    try (Running twin = start()) {
      ThingsService things = twin.server.twin().service(ThingsService.class);
      assertThat(things.listThings(null, null, null, null).things()).extracting(t -> t.thingName())
          .containsExactly("dev-1", "dev-2");
      assertThat(twin.server.twin().service(ShadowsService.class).get("dev-2", null).get("version").asLong())
          .isEqualTo(2);
    }
  }

  @Test
  void a_broken_old_state_file_stops_the_start_and_imports_nothing() throws Exception {
    copyOldState();
    Files.writeString(dir.resolve("jobs.json"), "{\"jobs\": [");
    Assertions.assertThatThrownBy(this::start).hasMessageContaining("jobs.json").hasMessageContaining("unreadable");
    for (String f : FILES) {
      assertThat(dir.resolve(f)).exists();
    }
  }

  private void copyOldState() throws IOException {
    for (String f : FILES) {
      try (InputStream in = getClass().getResourceAsStream("json-state-before-db/" + f)) {
        Files.copy(in, dir.resolve(f));
      }
    }
  }

  private Running start() throws Exception {
    LocalBroker broker = new LocalBroker();
    MqttClient client = broker.connect("twin");
    try {
      return new Running(client, TwinServer.start(client, TwinServer.Options.defaults().withStateDir(dir)
          .withClock(clock)));
    } catch (Exception | Error e) {
      client.close();
      throw e;
    }
  }

  private record Running(MqttClient client, TwinServer server) implements AutoCloseable {
    @Override
    public void close() {
      server.close();
      client.close();
    }
  }
}
