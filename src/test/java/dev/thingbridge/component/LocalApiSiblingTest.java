package dev.thingbridge.component;

import static dev.thingbridge.component.SiblingRig.GATEWAY;
import static dev.thingbridge.component.SiblingRig.SENSOR;
import static dev.thingbridge.component.SiblingRig.WAIT;
import static dev.thingbridge.component.SiblingRig.json;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.thingbridge.shadows.model.ShadowDocument;
import dev.thingbridge.shadows.model.ShadowUpdateRequest;
import dev.thingbridge.sibling.CommandResult;
import dev.thingbridge.sibling.JobResult;
import dev.thingbridge.sibling.LocalApiErrorCode;
import dev.thingbridge.sibling.LocalApiException;
import dev.thingbridge.sibling.ShadowDelta;
import dev.thingbridge.sibling.ThingBridgeClient;
import dev.thingbridge.twin.commands.CommandExecutionStatus;
import dev.thingbridge.twin.jobs.ExecutionStatus;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.aws.greengrass.model.UnauthorizedError;

/**
 * Every call of the local API, made by a sibling component through {@link ThingBridgeClient} (the real IPC client,
 * its own token and accessControl) against the component started as {@code run} starts it under a fake nucleus,
 * with the local twin of AWS IoT as the cloud.
 */
@Timeout(60)
class LocalApiSiblingTest {
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

  private static <T> T done(CompletableFuture<T> f) throws Exception {
    return f.get(WAIT.toMillis(), TimeUnit.MILLISECONDS);
  }

  private static LocalApiException failure(CompletableFuture<?> f) {
    try {
      f.get(WAIT.toMillis(), TimeUnit.MILLISECONDS);
    } catch (ExecutionException e) {
      assertThat(e.getCause()).isInstanceOf(LocalApiException.class);
      return (LocalApiException) e.getCause();
    } catch (Exception e) {
      throw new AssertionError(e);
    }
    throw new AssertionError("the call succeeded");
  }

  @Test
  void shadow_update_get_and_delete_reach_the_cloud_document() throws Exception {
    JsonNode accepted = done(sensor.shadows().update(null, "env", null, json("{\"temp\":21.5,\"unit\":\"C\"}")));
    assertThat(accepted.path("version").asLong()).isPositive();

    ShadowDocument cloud = rig.cloudShadow(GATEWAY, "env").get().get(5, TimeUnit.SECONDS);
    assertThat(cloud.reported()).isEqualTo(json("{\"temp\":21.5,\"unit\":\"C\"}"));

    JsonNode doc = done(sensor.shadows().get(GATEWAY, "env"));
    assertThat(doc.at("/state/reported/temp").asDouble()).isEqualTo(21.5);
    assertThat(doc.path("version").asLong()).isEqualTo(cloud.version());

    assertThat(failure(sensor.shadows().update(null, "env", null, json("{\"temp\":1}"), 999L)).code())
        .isEqualTo(LocalApiErrorCode.CONFLICT);

    done(sensor.shadows().delete(null, "env"));
    assertThat(failure(sensor.shadows().get(null, "env")).code()).isEqualTo(LocalApiErrorCode.NOT_FOUND);
  }

  @Test
  void a_watched_shadow_pushes_each_delta_and_the_watcher_owns_its_reported_state() throws Exception {
    BlockingQueue<ShadowDelta> deltas = new LinkedBlockingQueue<>();
    done(sensor.shadows().watch(null, "fan", deltas::add));

    rig.cloudShadow(GATEWAY, "fan").update(new ShadowUpdateRequest(json("{\"speed\":3}"), null, null, null))
        .get(5, TimeUnit.SECONDS);
    ShadowDelta delta = deltas.poll(WAIT.toMillis(), TimeUnit.MILLISECONDS);
    assertThat(delta).isNotNull();
    assertThat(delta.state()).isEqualTo(json("{\"speed\":3}"));
    assertThat(delta.acknowledged()).as("not a shadow the component keeps").isFalse();

    // The sibling reports; the cloud's delta empties.
    done(sensor.shadows().update(null, "fan", null, delta.state()));
    assertThat(rig.cloudShadow(GATEWAY, "fan").get().get(5, TimeUnit.SECONDS).pendingDelta()).isEmpty();
  }

  @Test
  void a_delta_of_a_kept_shadow_is_acknowledged_by_the_component_and_pushed_to_its_watchers() throws Exception {
    BlockingQueue<ShadowDelta> deltas = new LinkedBlockingQueue<>();
    done(sensor.shadows().watch(null, null, deltas::add)); // the classic shadow, kept by default

    rig.cloudShadow(GATEWAY, null).update(new ShadowUpdateRequest(json("{\"led\":\"on\"}"), null, null, null))
        .get(5, TimeUnit.SECONDS);
    ShadowDelta delta = deltas.poll(WAIT.toMillis(), TimeUnit.MILLISECONDS);
    assertThat(delta).isNotNull();
    assertThat(delta.acknowledged()).isTrue();
    assertThat(delta.state()).isEqualTo(json("{\"led\":\"on\"}"));
    await().atMost(WAIT).untilAsserted(() -> assertThat(
        rig.cloudShadow(GATEWAY, null).get().get(5, TimeUnit.SECONDS).reported()).isEqualTo(json("{\"led\":\"on\"}")));
  }

  @Test
  void a_claimed_job_kind_runs_in_the_sibling_with_progress_and_its_result() throws Exception {
    BlockingQueue<String> seen = new LinkedBlockingQueue<>();
    done(sensor.jobs().claim(null, "rotate-logs", job -> {
      seen.add(job.jobId() + " " + job.document().path("keep").asInt());
      job.progress(Map.of("step", "compressing")).get(5, TimeUnit.SECONDS);
      return JobResult.succeeded(Map.of("rotated", "3"));
    }));

    rig.createJob("rotate-1", "{\"operation\":\"rotate-logs\",\"keep\":7}");

    assertThat(seen.poll(WAIT.toMillis(), TimeUnit.MILLISECONDS)).isEqualTo("rotate-1 7");
    await().atMost(WAIT).untilAsserted(() -> {
      var execution = rig.execution("rotate-1");
      assertThat(execution.status()).isEqualTo(ExecutionStatus.SUCCEEDED);
      assertThat(execution.statusDetails()).containsEntry("rotated", "3");
    });
  }

  @Test
  void a_failing_worker_reports_failed_and_an_unclaimed_job_kind_is_rejected() throws Exception {
    done(sensor.jobs().claim(null, "explode", job -> {
      throw new IllegalStateException("disk full");
    }));
    rig.createJob("boom-1", "{\"operation\":\"explode\"}");
    await().atMost(WAIT).untilAsserted(() -> {
      var execution = rig.execution("boom-1");
      assertThat(execution.status()).isEqualTo(ExecutionStatus.FAILED);
      assertThat(execution.statusDetails()).containsEntry("reason", "disk full");
    });

    rig.createJob("nobody-1", "{\"operation\":\"nobody-claims-this\"}");
    await().atMost(WAIT).untilAsserted(() -> {
      var execution = rig.execution("nobody-1");
      assertThat(execution.status()).isEqualTo(ExecutionStatus.REJECTED);
      assertThat(execution.statusDetails().get("reason")).contains("no handler for operation 'nobody-claims-this'");
    });
  }

  @Test
  void a_job_kind_claimed_by_one_component_is_a_conflict_for_another() throws Exception {
    done(sensor.jobs().claim(null, "reboot", job -> JobResult.succeeded()));
    ThingBridgeClient other = rig.sibling("com.example.Other");
    LocalApiException e = failure(other.jobs().claim(null, "reboot", job -> JobResult.succeeded()));
    assertThat(e.code()).isEqualTo(LocalApiErrorCode.CONFLICT);
    assertThat(e.getMessage()).contains("claimed by " + SENSOR);
  }

  @Test
  void a_claimed_command_is_answered_by_the_sibling_with_its_result() throws Exception {
    done(sensor.commands().claim(null, "blink", command -> {
      assertThat(command.payload().path("times").asInt()).isEqualTo(3);
      return CommandResult.succeeded(Map.of("blinked", "3", "ok", true));
    }));
    String execution = rig.startCommand("Blink", "{\"name\":\"blink\",\"times\":3}", 30);
    await().atMost(WAIT).untilAsserted(() -> {
      var e = rig.commandExecution(execution);
      assertThat(e.status()).isEqualTo(CommandExecutionStatus.SUCCEEDED);
      assertThat(e.result()).containsKeys("blinked", "ok");
    });

    String unclaimed = rig.startCommand("Wave", "{\"name\":\"wave\"}", 30);
    await().atMost(WAIT).untilAsserted(() -> {
      var e = rig.commandExecution(unclaimed);
      assertThat(e.status()).isEqualTo(CommandExecutionStatus.REJECTED);
      assertThat(e.statusReason().reasonCode()).isEqualTo("NO_HANDLER");
    });
  }

  @Test
  void event_streams_push_device_events_and_status_answers() throws Exception {
    BlockingQueue<ObjectNode> events = new LinkedBlockingQueue<>();
    done(sensor.events().subscribe(List.of("jobs"), events::add));
    done(sensor.jobs().claim(null, "ping", job -> JobResult.succeeded()));
    rig.createJob("ping-1", "{\"operation\":\"ping\"}");

    ObjectNode started = next(events, "job.started");
    assertThat(started.path("thing").asText()).isEqualTo(GATEWAY);
    assertThat(started.path("jobId").asText()).isEqualTo("ping-1");
    assertThat(next(events, "job.finished").path("status").asText()).isEqualTo("SUCCEEDED");

    JsonNode status = done(sensor.events().status());
    assertThat(status.path("things")).extracting(JsonNode::asText).containsExactly(GATEWAY);
    assertThat(status.at("/services/jobs").asText()).isEqualTo("on");
    assertThat(status.at("/component/name").asText()).isEqualTo("dev.thingbridge.ThingBridge");

    // Off by default: their calls say so.
    assertThat(failure(sensor.events().defenderReport(null, json("{\"temp\":3}"))).code())
        .isEqualTo(LocalApiErrorCode.NOT_ENABLED);
    assertThat(failure(sensor.events().provision("tmpl", Map.of(), null)).code())
        .isEqualTo(LocalApiErrorCode.NOT_ENABLED);
    assertThat(failure(sensor.events().mcus()).code()).isEqualTo(LocalApiErrorCode.NOT_ENABLED);
    assertThat(done(sensor.events().otaStatus(null)).isArray()).isTrue();
    assertThat(failure(sensor.events().defenderSetMetric(null, "temp", JsonNodeFactory.instance.numberNode(3))).code())
        .isEqualTo(LocalApiErrorCode.NOT_ENABLED);

    // events/latest: the last event of each kind on a stream, here the job that just finished.
    ObjectNode ask = JsonNodeFactory.instance.objectNode();
    ask.putArray("streams").add("jobs");
    ask.put("thing", GATEWAY);
    JsonNode latest = done(sensor.call("events", "latest", ask)).path("latest");
    assertThat(latest.toString()).contains("job.finished").contains("ping-1").contains("SUCCEEDED");
  }

  private static ObjectNode next(BlockingQueue<ObjectNode> events, String type) throws InterruptedException {
    long deadline = System.nanoTime() + WAIT.toNanos();
    while (System.nanoTime() < deadline) {
      ObjectNode e = events.poll(100, TimeUnit.MILLISECONDS);
      if (e != null && e.path("type").asText().equals(type)) {
        return e;
      }
    }
    throw new AssertionError("no " + type + " event");
  }

  @Test
  void bad_requests_get_a_code_and_a_message() throws Exception {
    assertThat(failure(sensor.call("shadow", "frobnicate", null)).code())
        .isEqualTo(LocalApiErrorCode.UNKNOWN_OPERATION);
    assertThat(failure(sensor.call("nosuchservice", "get", null)).code())
        .isEqualTo(LocalApiErrorCode.UNKNOWN_OPERATION);
    LocalApiException unknownThing = failure(sensor.shadows().get("not-hosted", null));
    assertThat(unknownThing.code()).isEqualTo(LocalApiErrorCode.UNKNOWN_THING);
    assertThat(unknownThing.getMessage()).contains("hosted: " + GATEWAY);
    ObjectNode bad = JsonNodeFactory.instance.objectNode().put("thing", GATEWAY).put("state", "not-an-object");
    assertThat(failure(sensor.call("shadow", "update", bad)).code()).isEqualTo(LocalApiErrorCode.BAD_REQUEST);
    ObjectNode badStatus = JsonNodeFactory.instance.objectNode().put("jobId", "j").put("status", "DONE");
    LocalApiException e = failure(sensor.call("jobs", "finish", badStatus));
    assertThat(e.code()).isEqualTo(LocalApiErrorCode.BAD_REQUEST);
    assertThat(e.getMessage()).contains("SUCCEEDED, FAILED or REJECTED");
    assertThat(failure(sensor.call("jobs", "finish", JsonNodeFactory.instance.objectNode().put("jobId", "nope")
        .put("status", "SUCCEEDED"))).code()).isEqualTo(LocalApiErrorCode.NOT_FOUND);
  }

  @Test
  void a_sibling_without_the_policy_gets_unauthorized_from_the_nucleus() {
    assertThatThrownBy(() -> rig.sibling("com.example.Rogue", null))
        .isInstanceOfSatisfying(LocalApiException.class, e -> {
          assertThat(e.code()).isEqualTo(LocalApiErrorCode.UNAUTHORIZED);
          assertThat(e.getCause()).isInstanceOf(UnauthorizedError.class);
        });
  }

  @Test
  void a_sibling_may_not_speak_in_another_components_name() throws Exception {
    // Its policy covers its own topics only: acting as the sensor is refused by the nucleus.
    String token = rig.deploy("com.example.Spoof", SiblingRig.siblingPolicy("com.example.Spoof"));
    assertThatThrownBy(() -> ThingBridgeClient.builder(SENSOR).socketPath(rig.nucleus.socketPath()).authToken(token)
        .build()).isInstanceOfSatisfying(LocalApiException.class, e -> {
          assertThat(e.code()).isEqualTo(LocalApiErrorCode.UNAUTHORIZED);
          assertThat(e.getCause()).isInstanceOf(UnauthorizedError.class);
        });
    // A sibling allowed to subscribe but not to publish gets UNAUTHORIZED on its first request.
    Map<String, Object> subscribeOnly = Map.of("aws.greengrass.ipc.pubsub", Map.of("com.example.Mute:1", Map.of(
        "operations", List.of("aws.greengrass#SubscribeToTopic"), "resources", List.of("thingbridge/com.example.Mute/*"))));
    ThingBridgeClient mute = rig.sibling("com.example.Mute", subscribeOnly);
    LocalApiException e = failure(mute.shadows().get(null, null));
    assertThat(e.code()).isEqualTo(LocalApiErrorCode.UNAUTHORIZED);
    assertThat(e.getCause()).isInstanceOf(UnauthorizedError.class);
  }
}
