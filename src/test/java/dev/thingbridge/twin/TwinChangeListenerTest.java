package dev.thingbridge.twin;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.thingbridge.mqtt.MqttClient;
import dev.thingbridge.mqtt.local.LocalBroker;
import dev.thingbridge.twin.jobs.JobRequest;
import dev.thingbridge.twin.jobs.JobsService;
import dev.thingbridge.twin.server.TwinServer;
import dev.thingbridge.twin.shadows.ShadowsService;
import dev.thingbridge.twin.things.ThingsService;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The twin's commit hook ({@link Twin#addChangeListener}): what each committed operation wrote, by table and
 * key, and nothing for reads; a listener that throws changes nothing for the twin or the other listeners.
 */
class TwinChangeListenerTest {
  private final LocalBroker broker = new LocalBroker();
  private final List<TwinChange> seen = new CopyOnWriteArrayList<>();
  private MqttClient twinClient;
  private TwinServer server;

  @BeforeEach
  void start() throws Exception {
    twinClient = broker.connect("twin");
    server = TwinServer.start(twinClient, TwinServer.Options.defaults());
    server.twin().addChangeListener(changes -> {
      throw new IllegalStateException("a broken listener");
    });
    server.twin().addChangeListener(seen::addAll);
  }

  @AfterEach
  void stop() {
    server.close();
    twinClient.close();
  }

  @Test
  void each_commit_is_told_by_table_and_key_and_reads_tell_nothing() {
    server.twin().service(ThingsService.class).createThing("t1");
    server.twin().service(ShadowsService.class).update("t1", "cfg",
        "{\"state\":{\"desired\":{\"fan\":1}}}".getBytes(StandardCharsets.UTF_8));
    server.twin().service(JobsService.class).createJob(JobRequest.builder("job-1").document("{\"operation\":\"x\"}")
        .target(server.twin().service(ThingsService.class).registry().thingArn("t1")).build());

    await().atMost(Duration.ofSeconds(5)).untilAsserted(() -> assertThat(seen)
        .contains(new TwinChange("things", List.of("t1"), false))
        .contains(new TwinChange("shadows", List.of("t1", "cfg"), false))
        .contains(new TwinChange("jobs", List.of("job-1"), false))
        .contains(new TwinChange("job_executions", List.of("t1", "job-1"), false)));

    int before = seen.size();
    server.twin().service(ShadowsService.class).get("t1", "cfg");
    server.twin().service(ThingsService.class).listThings(null, null, null, null);
    server.twin().service(JobsService.class).describeJobExecution("t1", "job-1", null);
    assertThat(seen).hasSize(before);

    server.twin().service(ShadowsService.class).delete("t1", "cfg");
    await().atMost(Duration.ofSeconds(5)).untilAsserted(() -> assertThat(seen.subList(before, seen.size()))
        .anyMatch(c -> c.table().equals("shadows") && c.key().equals(List.of("t1", "cfg"))));
  }

  @Test
  void a_removed_listener_is_told_nothing_more() {
    server.twin().service(ThingsService.class).createThing("t1");
    await().atMost(Duration.ofSeconds(5)).until(() -> !seen.isEmpty());
    List<TwinChange> other = new CopyOnWriteArrayList<>();
    TwinChangeListener l = other::addAll;
    server.twin().addChangeListener(l);
    server.twin().removeChangeListener(l);

    server.twin().service(ThingsService.class).createThing("t2");

    await().atMost(Duration.ofSeconds(5)).until(() -> seen.contains(new TwinChange("things", List.of("t2"), false)));
    assertThat(other).isEmpty();
  }
}
