package dev.thingbridge.component;

import static dev.thingbridge.component.SiblingRig.GATEWAY;
import static dev.thingbridge.component.SiblingRig.SENSOR;
import static dev.thingbridge.component.SiblingRig.WAIT;
import static dev.thingbridge.component.SiblingRig.json;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.thingbridge.shadows.model.ShadowUpdateRequest;
import dev.thingbridge.sibling.CommandResult;
import dev.thingbridge.sibling.JobResult;
import dev.thingbridge.sibling.LocalApiTopics;
import dev.thingbridge.sibling.ShadowDelta;
import dev.thingbridge.sibling.ThingBridgeClient;
import dev.thingbridge.twin.commands.CommandExecutionStatus;
import dev.thingbridge.twin.jobs.ExecutionStatus;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The nucleus restarts in the middle of the work (every IPC connection drops and new ones are refused for a
 * while, as during a nucleus restart): the component and the sibling rebuild their connections, resubscribe and
 * resync, and nothing in progress is lost: a job, a command, a shadow delta that arrived during the outage.
 */
@Timeout(90)
class NucleusConnectionLossTest {
  static final Duration OUTAGE = Duration.ofMillis(1500);

  @TempDir Path work;
  SiblingRig rig;
  ThingBridgeClient sensor;

  @BeforeEach
  void start() throws Exception {
    rig = new SiblingRig(work);
    rig.startComponent();
    sensor = rig.sibling(SENSOR);
  }

  @AfterEach
  void stop() throws Exception {
    rig.close();
  }

  /** Drops every connection and refuses new ones for {@link #OUTAGE}, running {@code meanwhile} during it. */
  private void nucleusRestart(Runnable meanwhile) throws Exception {
    rig.nucleus.refuseConnections();
    rig.nucleus.dropConnections();
    await().atMost(WAIT).until(() -> !sensor.isConnected());
    meanwhile.run();
    await("refused for the whole outage").during(OUTAGE).atMost(OUTAGE.plus(WAIT))
        .until(() -> !sensor.isConnected());
    rig.nucleus.acceptConnections();
    await().atMost(WAIT).until(sensor::isConnected);
  }

  @Test
  void a_job_in_progress_in_the_sibling_finishes_after_the_nucleus_restarted() throws Exception {
    CountDownLatch started = new CountDownLatch(1);
    CountDownLatch release = new CountDownLatch(1);
    sensor.jobs().claim(null, "long-task", job -> {
      started.countDown();
      release.await(30, TimeUnit.SECONDS);
      return JobResult.succeeded(Map.of("after", "restart"));
    }).get(WAIT.toMillis(), TimeUnit.MILLISECONDS);
    rig.createJob("long-1", "{\"operation\":\"long-task\"}");
    assertThat(started.await(WAIT.toMillis(), TimeUnit.MILLISECONDS)).isTrue();

    nucleusRestart(() -> {});
    release.countDown();

    await().atMost(WAIT.multipliedBy(2)).untilAsserted(() -> {
      var execution = rig.execution("long-1");
      assertThat(execution.status()).isEqualTo(ExecutionStatus.SUCCEEDED);
      assertThat(execution.statusDetails()).containsEntry("after", "restart");
    });
  }

  @Test
  void a_job_created_while_the_nucleus_is_down_is_handed_to_the_sibling_afterwards() throws Exception {
    BlockingQueue<String> ran = new LinkedBlockingQueue<>();
    sensor.jobs().claim(null, "late", job -> {
      ran.add(job.jobId());
      return JobResult.succeeded();
    }).get(WAIT.toMillis(), TimeUnit.MILLISECONDS);

    nucleusRestart(() -> rig.createJob("late-1", "{\"operation\":\"late\"}"));

    assertThat(ran.poll(WAIT.toMillis() * 2, TimeUnit.MILLISECONDS)).isEqualTo("late-1");
    assertThat(ran.poll(1, TimeUnit.SECONDS)).as("run once").isNull();
    await().atMost(WAIT).untilAsserted(() ->
        assertThat(rig.execution("late-1").status()).isEqualTo(ExecutionStatus.SUCCEEDED));
  }

  /** Starts a command the sensor claims and runs until {@code release}; answers with its id once it runs. */
  private String commandRunningUntil(CountDownLatch release) throws Exception {
    CountDownLatch started = new CountDownLatch(1);
    sensor.commands().claim(null, "calibrate", command -> {
      started.countDown();
      release.await(30, TimeUnit.SECONDS);
      return CommandResult.succeeded(Map.of("offset", "0.4"));
    }).get(WAIT.toMillis(), TimeUnit.MILLISECONDS);
    String execution = rig.startCommand("Calibrate", "{\"name\":\"calibrate\"}", 60);
    assertThat(started.await(WAIT.toMillis(), TimeUnit.MILLISECONDS)).isTrue();
    return execution;
  }

  @Test
  void a_command_answered_across_the_restart_is_reported() throws Exception {
    CountDownLatch release = new CountDownLatch(1);
    String execution = commandRunningUntil(release);

    nucleusRestart(() -> {});
    release.countDown();

    await().atMost(WAIT.multipliedBy(2)).untilAsserted(() ->
        assertThat(rig.commandExecution(execution).status()).isEqualTo(CommandExecutionStatus.SUCCEEDED));
  }

  /**
   * The sibling is back from the restart before the component: its answer to the command goes out while nobody
   * subscribes to it (local pub/sub keeps nothing), and the sibling sends it again until the component, back in
   * turn, takes it. Pinned order: the nucleus refuses only the component while the sibling reconnects.
   */
  @Test
  void a_command_answered_while_the_component_is_still_away_is_reported() throws Exception {
    CountDownLatch release = new CountDownLatch(1);
    String execution = commandRunningUntil(release);
    String finish = LocalApiTopics.request(LocalApiTopics.DEFAULT_PREFIX, SENSOR, "commands", "finish");
    int sensorConnections = rig.nucleus.connectionsAccepted(SENSOR);

    rig.nucleus.refuseConnectionsOf(rig.nucleus.componentName());
    rig.nucleus.dropConnections();
    await().atMost(WAIT).until(() -> rig.nucleus.connectionsAccepted(SENSOR) > sensorConnections
        && sensor.isConnected());
    release.countDown();
    await("the answer went out with nobody to take it").atMost(WAIT)
        .until(() -> rig.nucleus.localPublishes(finish) > 0);
    rig.nucleus.acceptConnections();

    await().atMost(WAIT).untilAsserted(() ->
        assertThat(rig.commandExecution(execution).status()).isEqualTo(CommandExecutionStatus.SUCCEEDED));
  }

  @Test
  void a_shadow_delta_sent_during_the_outage_reaches_the_watcher_and_the_kept_shadow() throws Exception {
    BlockingQueue<ShadowDelta> watched = new LinkedBlockingQueue<>();
    BlockingQueue<ShadowDelta> kept = new LinkedBlockingQueue<>();
    sensor.shadows().watch(null, "fan", watched::add).get(WAIT.toMillis(), TimeUnit.MILLISECONDS);
    sensor.shadows().watch(null, null, kept::add).get(WAIT.toMillis(), TimeUnit.MILLISECONDS);

    nucleusRestart(() -> {
      try {
        rig.cloudShadow(GATEWAY, "fan").update(new ShadowUpdateRequest(json("{\"speed\":5}"), null, null, null))
            .get(5, TimeUnit.SECONDS);
        rig.cloudShadow(GATEWAY, null).update(new ShadowUpdateRequest(json("{\"mode\":\"eco\"}"), null, null, null))
            .get(5, TimeUnit.SECONDS);
      } catch (Exception e) {
        throw new AssertionError(e);
      }
    });

    ShadowDelta fan = watched.poll(WAIT.toMillis() * 2, TimeUnit.MILLISECONDS);
    assertThat(fan).isNotNull();
    assertThat(fan.state()).isEqualTo(json("{\"speed\":5}"));
    ShadowDelta classic = kept.poll(WAIT.toMillis() * 2, TimeUnit.MILLISECONDS);
    assertThat(classic).isNotNull();
    assertThat(classic.state()).isEqualTo(json("{\"mode\":\"eco\"}"));
    await().atMost(WAIT).untilAsserted(() -> assertThat(rig.cloudShadow(GATEWAY, null).get().get(5, TimeUnit.SECONDS)
        .pendingDelta()).as("the component acknowledged it after resyncing").isEmpty());
  }
}
