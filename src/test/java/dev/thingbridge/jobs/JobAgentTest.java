package dev.thingbridge.jobs;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import dev.thingbridge.jobs.model.JobExecutionStatus;
import dev.thingbridge.mqtt.MqttClient;
import dev.thingbridge.mqtt.QoS;
import dev.thingbridge.mqtt.local.LocalBroker;
import dev.thingbridge.testing.CloudTwin;
import dev.thingbridge.twin.TwinScript.Fault;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class JobAgentTest {
  private static final String THING = "dev-1";

  record Reboot(String operation, int delaySeconds) {}

  private final LocalBroker broker = new LocalBroker();
  private MqttClient device;
  private CloudTwin cloud;
  private final List<AutoCloseable> closeables = new CopyOnWriteArrayList<>();
  private final RecordingListener events = new RecordingListener();

  @TempDir Path stateDir;

  static final class RecordingListener implements JobAgentListener {
    final List<String> log = new CopyOnWriteArrayList<>();
    final List<JobException> rejections = new CopyOnWriteArrayList<>();

    @Override
    public void onJobStarted(dev.thingbridge.jobs.model.JobExecution execution, boolean resumed) {
      log.add("started " + execution.jobId() + (resumed ? " resumed" : ""));
    }

    @Override
    public void onJobFinished(String jobId, JobOutcome outcome) {
      log.add("finished " + jobId + " " + outcome.status());
    }

    @Override
    public void onJobCancelled(String jobId, JobExecutionStatus status) {
      log.add("cancelled " + jobId + " " + status);
    }

    @Override
    public void onUpdateRejected(String jobId, JobException error) {
      rejections.add(error);
      log.add("rejected " + jobId + " " + error.code());
    }
  }

  @BeforeEach
  void setUp() throws Exception {
    device = broker.connect(THING);
    cloud = new CloudTwin(broker, THING);
  }

  @AfterEach
  void tearDown() throws Exception {
    for (AutoCloseable c : closeables) {
      c.close();
    }
    cloud.close();
    device.close();
  }

  private <D> JobAgent<D> start(JobDocumentType<D> type, JobHandler<D> handler) throws Exception {
    JobAgent<D> agent = JobAgent.builder(device, type, handler).stateDir(stateDir).listener(events)
        .retryDelay(Duration.ofMillis(200)).replyTimeout(Duration.ofSeconds(2)).build();
    closeables.add(agent);
    agent.start().get(5, TimeUnit.SECONDS);
    return agent;
  }

  private List<CloudTwin.Request> updatesOf(String jobId) {
    return cloud.requests("$aws/things/" + THING + "/jobs/" + jobId + "/update");
  }

  @Test
  void a_queued_job_runs_once_through_the_handler_to_succeeded() throws Exception {
    cloud.createJob(THING, "reboot-1", "{\"operation\":\"reboot\",\"delaySeconds\":3}");
    List<Reboot> seen = new CopyOnWriteArrayList<>();
    start(JobDocumentType.of(Reboot.class), job -> {
      seen.add(job.document());
      return JobOutcome.succeeded(Map.of("took", "1s"));
    });
    await().atMost(Duration.ofSeconds(5)).until(() -> cloud.jobStatus(THING, "reboot-1").equals("SUCCEEDED"));
    assertThat(seen).containsExactly(new Reboot("reboot", 3));
    assertThat(cloud.jobDetails(THING, "reboot-1")).containsEntry("took", "1s");
    List<CloudTwin.Request> updates = updatesOf("reboot-1");
    assertThat(updates).extracting(r -> r.body().get("status").asText()).containsExactly("IN_PROGRESS", "SUCCEEDED");
    assertThat(updates).allSatisfy(r -> {
      assertThat(r.qos()).isEqualTo(QoS.AT_LEAST_ONCE);
      assertThat(r.body().has("expectedVersion")).isTrue();
    });
    assertThat(updates.get(0).body().get("expectedVersion").asLong()).isEqualTo(1);
    assertThat(updates.get(1).body().get("expectedVersion").asLong()).isEqualTo(2);
    await().until(() -> events.log.contains("finished reboot-1 SUCCEEDED"));
    assertThat(Files.list(stateDir)).isEmpty();
  }

  @Test
  void a_handler_reports_its_outcome_before_the_work_that_must_follow_it_and_the_next_job_waits() throws Exception {
    cloud.createJob(THING, "reboot-1", "{\"operation\":\"reboot\"}");
    cloud.createJob(THING, "after-1", "{\"operation\":\"other\"}");
    List<String> seen = new CopyOnWriteArrayList<>();
    CountDownLatch rebooted = new CountDownLatch(1);
    start(JobDocumentType.JSON, job -> {
      seen.add("run " + job.jobId());
      if (job.jobId().equals("reboot-1")) {
        job.finish(JobOutcome.succeeded(Map.of("phase", "before reboot"))).get(5, TimeUnit.SECONDS);
        seen.add("cloud says " + cloud.jobStatus(THING, "reboot-1"));
        rebooted.await(5, TimeUnit.SECONDS);
        return JobOutcome.failed("not reported: the outcome was already sent");
      }
      return JobOutcome.succeeded();
    });
    await().atMost(Duration.ofSeconds(5)).until(() -> seen.contains("cloud says SUCCEEDED"));
    await().during(Duration.ofMillis(300)).atMost(Duration.ofSeconds(2)).until(() -> !seen.contains("run after-1"));
    rebooted.countDown();
    await().atMost(Duration.ofSeconds(5)).until(() -> cloud.jobStatus(THING, "after-1").equals("SUCCEEDED"));
    assertThat(cloud.jobStatus(THING, "reboot-1")).isEqualTo("SUCCEEDED");
    assertThat(cloud.jobDetails(THING, "reboot-1")).containsEntry("phase", "before reboot");
    assertThat(updatesOf("reboot-1")).extracting(r -> r.body().get("status").asText())
        .containsExactly("IN_PROGRESS", "SUCCEEDED");
  }

  @Test
  void a_redelivered_notify_next_is_not_a_new_job() throws Exception {
    AtomicInteger runs = new AtomicInteger();
    CountDownLatch release = new CountDownLatch(1);
    start(JobDocumentType.JSON, job -> {
      runs.incrementAndGet();
      release.await(5, TimeUnit.SECONDS);
      return JobOutcome.succeeded();
    });
    cloud.script.fault("$aws/things/" + THING + "/jobs/notify-next", Fault.DUPLICATE); // as a QoS 1 re-delivery
    cloud.createJob(THING, "j1", "{\"operation\":\"x\"}");
    await().until(() -> runs.get() == 1);
    release.countDown();
    await().until(() -> cloud.jobStatus(THING, "j1").equals("SUCCEEDED"));
    // A stale notify-next naming the finished execution (sent before our update was applied).
    cloud.createJob(THING, "j2", "{\"operation\":\"x\"}");
    await().until(() -> cloud.jobStatus(THING, "j2").equals("SUCCEEDED"));
    assertThat(runs.get()).isEqualTo(2);
    assertThat(updatesOf("j1")).hasSize(2);
  }

  @Test
  void a_failing_handler_reports_failed_with_the_reason_and_the_agent_goes_on() throws Exception {
    start(JobDocumentType.JSON, job -> {
      if (job.jobId().equals("bad")) {
        throw new IllegalStateException("disk full\nat /data");
      }
      return JobOutcome.succeeded();
    });
    cloud.createJob(THING, "bad", "{\"operation\":\"x\"}");
    cloud.createJob(THING, "good", "{\"operation\":\"x\"}");
    await().until(() -> cloud.jobStatus(THING, "good").equals("SUCCEEDED"));
    assertThat(cloud.jobStatus(THING, "bad")).isEqualTo("FAILED");
    assertThat(cloud.jobDetails(THING, "bad")).containsEntry("reason", "disk full at /data");
  }

  @Test
  void a_malformed_job_document_is_rejected_with_a_reason_and_the_agent_keeps_serving() throws Exception {
    AtomicInteger runs = new AtomicInteger();
    start(JobDocumentType.of(Reboot.class), job -> {
      runs.incrementAndGet();
      return JobOutcome.succeeded();
    });
    cloud.createJob(THING, "garbled", "{\"operation\":\"reboot\",\"delaySeconds\":\"soon\"}");
    cloud.createJob(THING, "fine", "{\"operation\":\"reboot\",\"delaySeconds\":1}");
    await().until(() -> cloud.jobStatus(THING, "fine").equals("SUCCEEDED"));
    assertThat(cloud.jobStatus(THING, "garbled")).isEqualTo("REJECTED");
    assertThat(cloud.jobDetails(THING, "garbled").get("reason")).startsWith("malformed job document").contains("Reboot");
    assertThat(runs.get()).isEqualTo(1);
  }

  @Test
  void the_registry_rejects_a_job_no_handler_claims() throws Exception {
    List<String> ran = new CopyOnWriteArrayList<>();
    JobHandlers handlers = JobHandlers.builder()
        .on("reboot", Reboot.class, job -> {
          ran.add("reboot " + job.document().delaySeconds());
          return JobOutcome.succeeded();
        })
        .build();
    start(JobDocumentType.JSON, handlers);
    cloud.createJob(THING, "u1", "{\"operation\":\"format-disk\"}");
    cloud.createJob(THING, "n1", "{\"noOperation\":true}");
    cloud.createJob(THING, "r1", "{\"operation\":\"reboot\",\"delaySeconds\":2}");
    await().until(() -> cloud.jobStatus(THING, "r1").equals("SUCCEEDED"));
    assertThat(cloud.jobStatus(THING, "u1")).isEqualTo("REJECTED");
    assertThat(cloud.jobDetails(THING, "u1")).containsEntry("reason", "no handler for operation 'format-disk'");
    assertThat(cloud.jobStatus(THING, "n1")).isEqualTo("REJECTED");
    assertThat(ran).containsExactly("reboot 2");
  }

  @Test
  void a_cancel_in_the_cloud_reaches_the_running_handler_and_no_outcome_is_sent() throws Exception {
    CountDownLatch started = new CountDownLatch(1);
    List<Object> signals = new CopyOnWriteArrayList<>();
    start(JobDocumentType.JSON, job -> {
      started.countDown();
      try {
        signals.add(job.cancellation().get(10, TimeUnit.SECONDS));
      } catch (InterruptedException e) {
        signals.add("interrupted");
      }
      return JobOutcome.succeeded();
    });
    cloud.createJob(THING, "long", "{\"operation\":\"x\"}");
    assertThat(started.await(5, TimeUnit.SECONDS)).isTrue();
    cloud.cancelJob("long");
    // The twin answers a describe of a finished execution with TerminalStateReached, as AWS does, which does
    // not say which terminal state; the agent's probe (an update expecting version 0) is refused with the state.
    await().until(() -> events.log.stream().anyMatch(l -> l.startsWith("cancelled long ")));
    assertThat(events.log).contains("cancelled long CANCELED");
    await().until(() -> !signals.isEmpty());
    assertThat(signals.get(0)).isIn(JobExecutionStatus.CANCELED, "interrupted");
    var updates = updatesOf("long");
    assertThat(updates.get(0).body().get("status").asText()).isEqualTo("IN_PROGRESS");
    assertThat(updates.subList(1, updates.size())).as("after the claim only probes, which cannot be accepted")
        .allSatisfy(r -> assertThat(r.body().get("expectedVersion").asLong()).isZero());
    assertThat(cloud.jobStatus(THING, "long")).isEqualTo("CANCELED");
  }

  @Test
  void a_stale_progress_update_is_refused_and_reported_as_version_mismatch() throws Exception {
    CountDownLatch touched = new CountDownLatch(1);
    List<Throwable> progressErrors = new CopyOnWriteArrayList<>();
    start(JobDocumentType.JSON, job -> {
      job.reportProgress(Map.of("step", "1")).get(5, TimeUnit.SECONDS);
      touched.await(5, TimeUnit.SECONDS);
      try {
        job.reportProgress(Map.of("step", "2")).get(5, TimeUnit.SECONDS);
      } catch (java.util.concurrent.ExecutionException e) {
        progressErrors.add(e.getCause());
      }
      return JobOutcome.succeeded();
    });
    cloud.createJob(THING, "v1", "{\"operation\":\"x\"}");
    await().until(() -> updatesOf("v1").size() >= 2);
    // An operator's update behind the device's back moves the execution's version on.
    cloud.publish("$aws/things/" + THING + "/jobs/v1/update",
        "{\"status\":\"IN_PROGRESS\",\"statusDetails\":{\"step\":\"operator\"}}");
    touched.countDown();
    await().until(() -> events.rejections.size() >= 2);
    assertThat(progressErrors).singleElement().isInstanceOfSatisfying(JobException.class, e -> {
      assertThat(e.code()).isEqualTo(JobErrorCode.VERSION_MISMATCH);
      assertThat(e.executionState()).isPresent();
      assertThat(e.thingName()).isEqualTo(THING);
    });
    // The terminal update is stale too: refused and reported, not swallowed or retried blindly.
    assertThat(events.rejections).extracting(JobException::code).containsOnly(JobErrorCode.VERSION_MISMATCH);
    assertThat(cloud.jobStatus(THING, "v1")).isEqualTo("IN_PROGRESS");
  }

  /**
   * A progress update the cloud applied but whose answer was lost (here dropped; after a nucleus restart, the
   * connection gone between the update and its answer) leaves the agent a version behind: the outcome is refused
   * once for its version and sent again at the version the refusal names, instead of the job staying IN_PROGRESS.
   */
  @Test
  void an_update_applied_but_unanswered_does_not_get_the_outcome_refused() throws Exception {
    String accepted = "$aws/things/" + THING + "/jobs/lost-answer/update/accepted";
    List<Throwable> progressErrors = new CopyOnWriteArrayList<>();
    start(JobDocumentType.JSON, job -> {
      cloud.script.fault(accepted, Fault.DROP);
      try {
        job.reportProgress(Map.of("step", "1")).get(5, TimeUnit.SECONDS);
      } catch (java.util.concurrent.ExecutionException e) {
        progressErrors.add(e.getCause());
      }
      cloud.script.clearFault(accepted);
      return JobOutcome.succeeded(Map.of("step", "2"));
    });
    cloud.createJob(THING, "lost-answer", "{\"operation\":\"x\"}");

    await().atMost(Duration.ofSeconds(10)).until(() -> cloud.jobStatus(THING, "lost-answer").equals("SUCCEEDED"));
    assertThat(progressErrors).singleElement().isInstanceOf(dev.thingbridge.mqtt.MqttTimeoutException.class);
    assertThat(cloud.jobDetails(THING, "lost-answer")).containsEntry("step", "2");
    assertThat(updatesOf("lost-answer")).extracting(r -> r.body().get("status").asText() + "@"
        + r.body().get("expectedVersion").asLong())
        .containsExactly("IN_PROGRESS@1", "IN_PROGRESS@2", "SUCCEEDED@2", "SUCCEEDED@3");
    assertThat(events.rejections).as("nothing refused reached the listener").isEmpty();
  }

  @Test
  void a_job_running_at_restart_is_handed_back_as_resumed() throws Exception {
    CountDownLatch firstStarted = new CountDownLatch(1);
    JobAgent<JsonNode> first = start(JobDocumentType.JSON, job -> {
      firstStarted.countDown();
      new CountDownLatch(1).await(); // runs until the agent stops
      return JobOutcome.succeeded();
    });
    cloud.createJob(THING, "fw", "{\"operation\":\"update\"}");
    assertThat(firstStarted.await(5, TimeUnit.SECONDS)).isTrue();
    first.close();
    assertThat(stateDir.resolve("jobs-" + THING + ".json")).exists();

    List<Boolean> resumedFlags = new CopyOnWriteArrayList<>();
    start(JobDocumentType.JSON, new JobHandler<JsonNode>() {
      @Override
      public JobOutcome run(ActiveJob<JsonNode> job) {
        resumedFlags.add(job.resumed());
        return JobOutcome.succeeded();
      }

      @Override
      public boolean canResume(ActiveJob<JsonNode> job) {
        return true;
      }
    });
    await().until(() -> cloud.jobStatus(THING, "fw").equals("SUCCEEDED"));
    assertThat(resumedFlags).containsExactly(true);
    assertThat(events.log).contains("started fw resumed");
  }

  @Test
  void a_job_the_handler_cannot_resume_is_reported_failed_with_a_reason() throws Exception {
    CountDownLatch firstStarted = new CountDownLatch(1);
    JobAgent<JsonNode> first = start(JobDocumentType.JSON, job -> {
      firstStarted.countDown();
      new CountDownLatch(1).await();
      return JobOutcome.succeeded();
    });
    cloud.createJob(THING, "fw", "{\"operation\":\"update\"}");
    assertThat(firstStarted.await(5, TimeUnit.SECONDS)).isTrue();
    first.close();
    AtomicInteger runs = new AtomicInteger();
    start(JobDocumentType.JSON, job -> {
      runs.incrementAndGet();
      return JobOutcome.succeeded();
    });
    await().until(() -> cloud.jobStatus(THING, "fw").equals("FAILED"));
    assertThat(cloud.jobDetails(THING, "fw").get("reason")).contains("restarted");
    assertThat(runs.get()).isZero();
  }

  @Test
  void after_the_broker_dropped_the_session_the_agent_describes_again_and_finds_new_jobs() throws Exception {
    AtomicInteger runs = new AtomicInteger();
    start(JobDocumentType.JSON, job -> {
      runs.incrementAndGet();
      return JobOutcome.succeeded();
    });
    cloud.awaitRequest("$aws/things/" + THING + "/jobs/$next/get");
    broker.stop();
    cloud.createJob(THING, "offline-job", "{\"operation\":\"x\"}");
    broker.start(false);
    await().until(() -> "SUCCEEDED".equals(cloud.jobStatus(THING, "offline-job")));
    assertThat(runs.get()).isEqualTo(1);
  }

  @Test
  void an_unconfirmed_outcome_is_sent_again_until_the_cloud_answers() throws Exception {
    CountDownLatch go = new CountDownLatch(1);
    start(JobDocumentType.JSON, job -> {
      go.await(5, TimeUnit.SECONDS);
      return JobOutcome.succeeded();
    });
    cloud.createJob(THING, "flaky", "{\"operation\":\"x\"}");
    await().until(() -> updatesOf("flaky").size() == 1);
    String update = "$aws/things/" + THING + "/jobs/flaky/update";
    cloud.script.fault(update, Fault.SILENT); // the terminal update goes unanswered
    go.countDown();
    await().until(() -> updatesOf("flaky").size() == 2);
    cloud.script.clearFault(update);
    await().atMost(Duration.ofSeconds(10)).until(() -> cloud.jobStatus(THING, "flaky").equals("SUCCEEDED"));
    assertThat(updatesOf("flaky")).extracting(r -> r.body().get("status").asText())
        .startsWith("IN_PROGRESS", "SUCCEEDED").endsWith("SUCCEEDED");
  }
}
