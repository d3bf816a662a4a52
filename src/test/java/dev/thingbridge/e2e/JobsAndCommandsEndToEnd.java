package dev.thingbridge.e2e;

import dev.thingbridge.testing.SteppedClock;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.thingbridge.commands.CommandAgent;
import dev.thingbridge.commands.CommandAgentListener;
import dev.thingbridge.commands.CommandErrorCode;
import dev.thingbridge.commands.CommandException;
import dev.thingbridge.commands.CommandFormat;
import dev.thingbridge.commands.CommandHandler;
import dev.thingbridge.commands.CommandOutcome;
import dev.thingbridge.commands.CommandResultValue;
import dev.thingbridge.commands.CommandStatusReason;
import dev.thingbridge.jobs.ActiveJob;
import dev.thingbridge.jobs.JobAgent;
import dev.thingbridge.jobs.JobAgentListener;
import dev.thingbridge.jobs.JobClient;
import dev.thingbridge.jobs.JobDocumentType;
import dev.thingbridge.jobs.JobErrorCode;
import dev.thingbridge.jobs.JobException;
import dev.thingbridge.jobs.JobHandler;
import dev.thingbridge.jobs.JobHandlers;
import dev.thingbridge.jobs.JobOutcome;
import dev.thingbridge.jobs.model.UpdateJobExecutionRequest;
import dev.thingbridge.mqtt.MqttClient;
import dev.thingbridge.twin.server.TwinServer;
import java.io.IOException;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.core.SdkBytes;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.iot.IotClient;
import software.amazon.awssdk.services.iot.model.CommandExecutionStatus;
import software.amazon.awssdk.services.iot.model.CommandNamespace;
import software.amazon.awssdk.services.iot.model.GetCommandExecutionResponse;
import software.amazon.awssdk.services.iot.model.JobExecution;
import software.amazon.awssdk.services.iot.model.JobExecutionStatus;
import software.amazon.awssdk.services.iotjobsdataplane.IotJobsDataPlaneClient;

/**
 * Issue 4's end-to-end scenarios: the device-side agents against the local twin, driven through the twin's
 * AWS-compatible HTTP API with the AWS SDK v2 clients, as an operator would. One subclass per way the device
 * reaches the twin (in-process bus, Mosquitto through the direct backend, Greengrass IPC through the fake
 * nucleus). Each test uses a thing of its own; the twin, its clock and the broker live for the class.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
abstract class JobsAndCommandsEndToEnd {
  static final Duration WAIT = Duration.ofSeconds(15);
  static final ObjectMapper CBOR = CommandFormat.CBOR.mapper();
  private static final AtomicInteger THINGS = new AtomicInteger();

  /** How the twin and the devices reach each other. */
  interface Setup extends AutoCloseable {
    /** A connected client for the twin; the set-up closes it. */
    MqttClient twinClient() throws Exception;

    /** A new connected device-side client with this client id; the caller closes it. */
    MqttClient connect(String clientId) throws Exception;
  }

  /** Starts the brokers (and nucleus) of one set-up in {@code dir}. */
  abstract Setup createSetup(Path dir) throws Exception;

  record Reboot(String operation, int delaySeconds) {}

  record Install(String operation, String url, int size) {}

  record Valve(String action, int percent) {}

  private Path classDir;
  private Setup setup;
  private SteppedClock clock;
  private TwinServer twin;
  private IotClient iot;
  private IotJobsDataPlaneClient dataPlane;
  private final List<AutoCloseable> perTest = new ArrayList<>();
  private String thing;
  private String thingArn;

  @BeforeAll
  void startTwin() throws Exception {
    classDir = Files.createTempDirectory("thingbridge-e2e");
    setup = createSetup(classDir);
    clock = new SteppedClock(Instant.now());
    twin = TwinServer.start(setup.twinClient(),
        TwinServer.Options.defaults().withApi(InetAddress.getLoopbackAddress(), 0).withClock(clock));
    var credentials = StaticCredentialsProvider.create(AwsBasicCredentials.create("AKIDTWIN", "twin-secret"));
    var endpoint = twin.controlPlane().orElseThrow().endpoint();
    iot = IotClient.builder().endpointOverride(endpoint).region(Region.US_EAST_1).credentialsProvider(credentials)
        .httpClient(UrlConnectionHttpClient.create()).build();
    dataPlane = IotJobsDataPlaneClient.builder().endpointOverride(endpoint).region(Region.US_EAST_1)
        .credentialsProvider(credentials).httpClient(UrlConnectionHttpClient.create()).build();
  }

  @AfterAll
  void stopTwin() throws Exception {
    iot.close();
    dataPlane.close();
    twin.close();
    setup.close();
    try (var files = Files.walk(classDir)) {
      files.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
    }
  }

  @BeforeEach
  void newThing() {
    thing = "e2e-" + getClass().getSimpleName().replaceAll("[^A-Za-z0-9]", "") + "-" + THINGS.incrementAndGet();
    thingArn = iot.createThing(b -> b.thingName(thing)).thingArn();
  }

  @AfterEach
  void closeDevices() throws Exception {
    for (int i = perTest.size() - 1; i >= 0; i--) {
      perTest.get(i).close();
    }
    perTest.clear();
  }

  private <T extends AutoCloseable> T owned(T c) {
    perTest.add(c);
    return c;
  }

  private MqttClient device() throws Exception {
    return owned(setup.connect(thing));
  }

  private JobAgent<JsonNode> jobAgent(MqttClient mqtt, JobHandlers handlers, JobAgentListener listener, Path stateDir)
      throws Exception {
    JobAgent<JsonNode> agent = owned(JobAgent.builder(mqtt, JobDocumentType.JSON, handlers).thingName(thing)
        .listener(listener).stateDir(stateDir).retryDelay(Duration.ofMillis(200)).build());
    agent.start().get(10, TimeUnit.SECONDS);
    return agent;
  }

  private void createJob(String jobId, String document) {
    iot.createJob(b -> b.jobId(jobId).document(document).targets(thingArn));
  }

  private JobExecution execution(String jobId) {
    return iot.describeJobExecution(b -> b.thingName(thing).jobId(jobId)).execution();
  }

  private JobExecution awaitStatus(String jobId, JobExecutionStatus status) {
    AtomicReference<JobExecution> last = new AtomicReference<>();
    await().atMost(WAIT).pollInterval(Duration.ofMillis(50)).untilAsserted(() -> {
      last.set(execution(jobId));
      assertThat(last.get().status()).isEqualTo(status);
    });
    return last.get();
  }

  // ---- jobs ----

  @Test
  void a_job_created_through_the_http_api_runs_through_its_handler_to_succeeded() throws Exception {
    List<Integer> delays = new CopyOnWriteArrayList<>();
    List<Map<String, String>> detailsDuringRun = new CopyOnWriteArrayList<>();
    JobHandlers handlers = JobHandlers.builder().on("reboot", Reboot.class, job -> {
      delays.add(job.document().delaySeconds());
      job.reportProgress(Map.of("step", "rebooting")).get(10, TimeUnit.SECONDS);
      detailsDuringRun.add(execution(job.jobId()).statusDetails().detailsMap());
      return JobOutcome.succeeded(Map.of("rebootedIn", "1s"));
    }).build();
    jobAgent(device(), handlers, JobAgentListener.NONE, null);

    createJob("reboot-1", "{\"operation\":\"reboot\",\"delaySeconds\":3}");

    JobExecution done = awaitStatus("reboot-1", JobExecutionStatus.SUCCEEDED);
    assertThat(done.statusDetails().detailsMap()).containsEntry("rebootedIn", "1s");
    assertThat(delays).containsExactly(3);
    assertThat(detailsDuringRun).singleElement().satisfies(d -> assertThat(d).containsEntry("step", "rebooting"));
  }

  @Test
  void a_failing_handler_gives_failed_with_its_reason() throws Exception {
    JobHandlers handlers = JobHandlers.builder().on("install", Install.class, job -> {
      throw new IOException("no space left on /data");
    }).build();
    jobAgent(device(), handlers, JobAgentListener.NONE, null);

    createJob("install-1", "{\"operation\":\"install\",\"url\":\"https://example.com/fw.bin\",\"size\":10}");

    JobExecution failed = awaitStatus("install-1", JobExecutionStatus.FAILED);
    assertThat(failed.statusDetails().detailsMap()).containsEntry("reason", "no space left on /data");
  }

  @Test
  void an_unknown_operation_is_rejected_with_a_reason() throws Exception {
    jobAgent(device(), JobHandlers.builder().on("reboot", Reboot.class, job -> JobOutcome.succeeded()).build(),
        JobAgentListener.NONE, null);

    createJob("wipe-1", "{\"operation\":\"format-disk\"}");

    JobExecution rejected = awaitStatus("wipe-1", JobExecutionStatus.REJECTED);
    assertThat(rejected.statusDetails().detailsMap().get("reason")).contains("format-disk");
  }

  @Test
  void malformed_job_documents_are_rejected_with_the_reason_and_the_agent_keeps_serving() throws Exception {
    AtomicInteger installs = new AtomicInteger();
    JobHandlers handlers = JobHandlers.builder()
        .on("install", Install.class, job -> {
          installs.incrementAndGet();
          return JobOutcome.succeeded();
        })
        .on("reboot", Reboot.class, job -> JobOutcome.succeeded())
        .build();
    jobAgent(device(), handlers, JobAgentListener.NONE, null);

    createJob("bad-doc", "{\"operation\":\"install\",\"url\":\"https://example.com/fw.bin\",\"size\":\"lots\"}");
    JobExecution rejected = awaitStatus("bad-doc", JobExecutionStatus.REJECTED);
    assertThat(rejected.statusDetails().detailsMap().get("reason"))
        .startsWith("malformed job document").contains("Install");
    createJob("no-op", "{\"operation\":42}");
    assertThat(awaitStatus("no-op", JobExecutionStatus.REJECTED).statusDetails().detailsMap().get("reason"))
        .contains("operation");

    createJob("after", "{\"operation\":\"reboot\",\"delaySeconds\":0}");
    awaitStatus("after", JobExecutionStatus.SUCCEEDED);
    assertThat(installs).hasValue(0);
  }

  @Test
  void a_cancel_during_a_run_reaches_the_handler() throws Exception {
    CompletableFuture<dev.thingbridge.jobs.model.JobExecutionStatus> seenByHandler = new CompletableFuture<>();
    CountDownLatch running = new CountDownLatch(1);
    List<String> cancelled = new CopyOnWriteArrayList<>();
    JobHandlers handlers = JobHandlers.builder().on("install", Install.class, job -> {
      running.countDown();
      try {
        job.cancellation().get(WAIT.toSeconds(), TimeUnit.SECONDS);
      } catch (InterruptedException expected) {
        // A cancel both completes the signal and interrupts the handler's thread.
      }
      seenByHandler.complete(job.cancellation().getNow(null));
      return JobOutcome.succeeded(); // not reported: the execution is over
    }).build();
    jobAgent(device(), handlers, new JobAgentListener() {
      @Override
      public void onJobCancelled(String jobId, dev.thingbridge.jobs.model.JobExecutionStatus status) {
        cancelled.add(jobId + " " + status);
      }
    }, null);

    createJob("long-install", "{\"operation\":\"install\",\"url\":\"u\",\"size\":1}");
    assertThat(running.await(WAIT.toSeconds(), TimeUnit.SECONDS)).isTrue();
    awaitStatus("long-install", JobExecutionStatus.IN_PROGRESS);
    iot.cancelJobExecution(b -> b.thingName(thing).jobId("long-install").force(true));

    // The twin answers a describe of a finished execution with TerminalStateReached, as AWS documents it,
    // which does not say which terminal state; the agent's probe (an update that cannot be accepted) is refused
    // with the execution's state, so the handler learns CANCELED.
    dev.thingbridge.jobs.model.JobExecutionStatus signalled =
        seenByHandler.get(WAIT.toSeconds(), TimeUnit.SECONDS);
    assertThat(signalled).isEqualTo(dev.thingbridge.jobs.model.JobExecutionStatus.CANCELED);
    await().atMost(WAIT).untilAsserted(() -> assertThat(cancelled).containsExactly("long-install " + signalled));
    JobExecution after = execution("long-install");
    assertThat(after.status()).isEqualTo(JobExecutionStatus.CANCELED);
    // the handler's own outcome must not follow: give it the chance to (wrongly) arrive
    await().during(Duration.ofMillis(300)).atMost(WAIT)
        .until(() -> execution("long-install").versionNumber() == after.versionNumber());
  }

  @Test
  void a_device_restarted_mid_job_resumes_it() throws Exception {
    Path stateDir = Files.createDirectories(classDir.resolve(thing + "-state"));
    CountDownLatch firstRunStarted = new CountDownLatch(1);
    List<Boolean> resumedFlags = new CopyOnWriteArrayList<>();
    JobHandler<Install> installer = new JobHandler<>() {
      @Override
      public JobOutcome run(ActiveJob<Install> job) throws Exception {
        resumedFlags.add(job.resumed());
        if (!job.resumed()) {
          firstRunStarted.countDown();
          new CountDownLatch(1).await(); // "power is cut" while installing: only close() ends this
        }
        return JobOutcome.succeeded(Map.of("installedAfterRestart", Boolean.toString(job.resumed())));
      }

      @Override
      public boolean canResume(ActiveJob<Install> job) {
        return true;
      }
    };
    JobHandlers handlers = JobHandlers.builder().on("install", Install.class, installer).build();
    MqttClient firstConnection = setup.connect(thing);
    JobAgent<JsonNode> first = JobAgent.builder(firstConnection, JobDocumentType.JSON, handlers).thingName(thing)
        .stateDir(stateDir).build();
    first.start().get(10, TimeUnit.SECONDS);
    createJob("fw-7", "{\"operation\":\"install\",\"url\":\"u\",\"size\":7}");
    assertThat(firstRunStarted.await(WAIT.toSeconds(), TimeUnit.SECONDS)).isTrue();
    awaitStatus("fw-7", JobExecutionStatus.IN_PROGRESS);
    first.close();
    firstConnection.close();

    jobAgent(device(), handlers, JobAgentListener.NONE, stateDir);

    JobExecution done = awaitStatus("fw-7", JobExecutionStatus.SUCCEEDED);
    assertThat(resumedFlags).containsExactly(false, true);
    assertThat(done.statusDetails().detailsMap()).containsEntry("installedAfterRestart", "true");
    // The agent forgets the job once the cloud accepted SUCCEEDED, which may be just after the twin shows it.
    await().atMost(WAIT).untilAsserted(() -> {
      try (var files = Files.list(stateDir)) {
        assertThat(files.filter(p -> p.getFileName().toString().endsWith(".json"))).isEmpty();
      }
    });
  }

  @Test
  void a_version_conflict_is_reported_not_swallowed() throws Exception {
    CountDownLatch claimed = new CountDownLatch(1);
    CountDownLatch changedElsewhere = new CountDownLatch(1);
    CompletableFuture<Throwable> progressError = new CompletableFuture<>();
    List<JobException> rejections = new CopyOnWriteArrayList<>();
    JobHandlers handlers = JobHandlers.builder().on("install", Install.class, job -> {
      job.reportProgress(Map.of("step", "download")).get(10, TimeUnit.SECONDS);
      claimed.countDown();
      if (!changedElsewhere.await(WAIT.toSeconds(), TimeUnit.SECONDS)) {
        return JobOutcome.failed("the test never changed the execution");
      }
      try {
        job.reportProgress(Map.of("step", "verify")).get(10, TimeUnit.SECONDS);
        progressError.complete(null);
      } catch (ExecutionException e) {
        progressError.complete(e.getCause());
      }
      return JobOutcome.failed("stale");
    }).build();
    jobAgent(device(), handlers, new JobAgentListener() {
      @Override
      public void onUpdateRejected(String jobId, JobException error) {
        rejections.add(error);
      }
    }, null);
    createJob("contested", "{\"operation\":\"install\",\"url\":\"u\",\"size\":1}");
    assertThat(claimed.await(WAIT.toSeconds(), TimeUnit.SECONDS)).isTrue();

    // Someone else (an operator's tool on another connection) moves the execution on meanwhile.
    try (MqttClient other = setup.connect(thing + "-operator"); JobClient operator = new JobClient(other, thing)) {
      operator.update("contested",
          UpdateJobExecutionRequest.builder(dev.thingbridge.jobs.model.JobExecutionStatus.IN_PROGRESS)
              .statusDetails(Map.of("step", "taken-over")).build()).get(10, TimeUnit.SECONDS);
    }
    changedElsewhere.countDown();

    Throwable error = progressError.get(WAIT.toSeconds(), TimeUnit.SECONDS);
    assertThat(error).isInstanceOfSatisfying(JobException.class, e -> {
      assertThat(e.code()).isEqualTo(JobErrorCode.VERSION_MISMATCH);
      assertThat(e.executionState()).hasValueSatisfying(s -> assertThat(s.statusDetails())
          .containsEntry("step", "taken-over"));
    });
    await().atMost(WAIT).untilAsserted(() -> assertThat(rejections).extracting(JobException::code)
        .containsExactly(JobErrorCode.VERSION_MISMATCH, JobErrorCode.VERSION_MISMATCH)); // progress, then outcome
    assertThat(execution("contested").status()).isEqualTo(JobExecutionStatus.IN_PROGRESS);
    assertThat(execution("contested").statusDetails().detailsMap()).containsEntry("step", "taken-over");
  }

  // ---- commands ----

  private String createCommand(String id, byte[] payload, String contentType) {
    return iot.createCommand(b -> b.commandId(id).namespace(CommandNamespace.AWS_IOT)
        .payload(p -> p.content(SdkBytes.fromByteArray(payload)).contentType(contentType))).commandArn();
  }

  private String startCommand(String commandArn, long timeoutSeconds) {
    return dataPlane.startCommandExecution(b -> b.targetArn(thingArn).commandArn(commandArn)
        .executionTimeoutSeconds(timeoutSeconds)).executionId();
  }

  private GetCommandExecutionResponse awaitCommand(String executionId, CommandExecutionStatus status) {
    AtomicReference<GetCommandExecutionResponse> last = new AtomicReference<>();
    await().atMost(WAIT).pollInterval(Duration.ofMillis(50)).untilAsserted(() -> {
      last.set(iot.getCommandExecution(b -> b.executionId(executionId).targetArn(thingArn).includeResult(true)));
      assertThat(last.get().status()).isEqualTo(status);
    });
    return last.get();
  }

  private CommandAgent<Valve> valveAgent(CommandFormat format, CommandHandler<Valve> handler) throws Exception {
    CommandAgent<Valve> agent = owned(CommandAgent.builder(device(), Valve.class, handler).thing(thing)
        .format(format).build());
    agent.start().get(10, TimeUnit.SECONDS);
    return agent;
  }

  private static CommandOutcome valveResult(Valve v) {
    return CommandOutcome.succeeded(Map.of(
        "position", CommandResultValue.of(Integer.toString(v.percent())),
        "ok", CommandResultValue.of(true),
        "trace", CommandResultValue.of(new byte[] {1, 2, (byte) 0xff})));
  }

  private static void assertValveResult(GetCommandExecutionResponse done, String position) {
    assertThat(done.result().get("position").s()).isEqualTo(position);
    assertThat(done.result().get("ok").b()).isTrue();
    assertThat(done.result().get("trace").bin().asByteArray()).containsExactly(1, 2, 0xff);
  }

  @Test
  void a_json_command_round_trip_reaches_succeeded_with_its_result() throws Exception {
    valveAgent(CommandFormat.JSON, req -> valveResult(req.payload()));
    String arn = createCommand("open-json-" + thing, "{\"action\":\"open\",\"percent\":40}"
        .getBytes(StandardCharsets.UTF_8), "application/json");

    String id = startCommand(arn, 30);

    assertValveResult(awaitCommand(id, CommandExecutionStatus.SUCCEEDED), "40");
  }

  @Test
  void a_cbor_command_round_trip_reaches_succeeded_with_its_result() throws Exception {
    valveAgent(CommandFormat.CBOR, req -> valveResult(req.payload()));
    String arn = createCommand("open-cbor-" + thing, CBOR.writeValueAsBytes(new Valve("open", 65)),
        "application/cbor");

    String id = startCommand(arn, 30);

    assertValveResult(awaitCommand(id, CommandExecutionStatus.SUCCEEDED), "65");
  }

  @Test
  void a_timed_out_command_execution_can_still_be_completed() throws Exception {
    CountDownLatch release = new CountDownLatch(1);
    CountDownLatch running = new CountDownLatch(1);
    List<String> finished = new CopyOnWriteArrayList<>();
    CommandAgent<Valve> agent = owned(CommandAgent.builder(device(), Valve.class, req -> {
      running.countDown();
      return release.await(WAIT.toSeconds(), TimeUnit.SECONDS) ? valveResult(req.payload())
          : CommandOutcome.failed("NOT_RELEASED", "the test never released the handler");
    }).thing(thing).listener(new CommandAgentListener() {
      @Override
      public void onFinished(String executionId, CommandOutcome outcome) {
        finished.add(executionId + " " + outcome.status());
      }
    }).build());
    agent.start().get(10, TimeUnit.SECONDS);
    String arn = createCommand("slow-" + thing, "{\"action\":\"close\",\"percent\":5}"
        .getBytes(StandardCharsets.UTF_8), "application/json");
    String id = startCommand(arn, 10);
    assertThat(running.await(WAIT.toSeconds(), TimeUnit.SECONDS)).isTrue();
    awaitCommand(id, CommandExecutionStatus.IN_PROGRESS);

    clock.advance(Duration.ofSeconds(11)); // past the execution timeout, on the twin's clock
    twin.twin().tickNow();
    GetCommandExecutionResponse timedOut = awaitCommand(id, CommandExecutionStatus.TIMED_OUT);
    assertThat(timedOut.statusReason().reasonCode()).isEqualTo("$NO_RESPONSE_FROM_DEVICE");
    release.countDown();

    assertValveResult(awaitCommand(id, CommandExecutionStatus.SUCCEEDED), "5");
    await().atMost(WAIT).untilAsserted(() -> assertThat(finished).containsExactly(id + " SUCCEEDED"));
  }

  @Test
  void malformed_command_payloads_are_rejected_with_a_reason_and_the_agent_keeps_serving() throws Exception {
    AtomicInteger handled = new AtomicInteger();
    valveAgent(CommandFormat.JSON, req -> {
      handled.incrementAndGet();
      return valveResult(req.payload());
    });
    String badType = createCommand("bad-type-" + thing, "{\"action\":\"open\",\"percent\":\"lots\"}"
        .getBytes(StandardCharsets.UTF_8), "application/json");
    String notJson = createCommand("not-json-" + thing, "{\"action\":".getBytes(StandardCharsets.UTF_8),
        "application/json");
    String good = createCommand("good-" + thing, "{\"action\":\"open\",\"percent\":10}"
        .getBytes(StandardCharsets.UTF_8), "application/json");

    for (String arn : List.of(badType, notJson)) {
      GetCommandExecutionResponse rejected = awaitCommand(startCommand(arn, 30), CommandExecutionStatus.REJECTED);
      assertThat(rejected.statusReason().reasonCode()).isEqualTo("INVALID_PAYLOAD");
      assertThat(rejected.statusReason().reasonDescription()).contains("Valve");
    }
    assertValveResult(awaitCommand(startCommand(good, 30), CommandExecutionStatus.SUCCEEDED), "10");
    assertThat(handled).hasValue(1);
  }

  @Test
  void a_command_rejected_by_the_cloud_surfaces_its_error_code() throws Exception {
    CommandAgent<Valve> agent = valveAgent(CommandFormat.JSON, req -> valveResult(req.payload()));
    String arn = createCommand("done-" + thing, "{\"action\":\"open\",\"percent\":1}"
        .getBytes(StandardCharsets.UTF_8), "application/json");
    String id = startCommand(arn, 30);
    awaitCommand(id, CommandExecutionStatus.SUCCEEDED);

    assertThatThrownBy(() -> agent.fail(id, CommandStatusReason.of("LATE")).get(10, TimeUnit.SECONDS))
        .isInstanceOf(ExecutionException.class)
        .cause().isInstanceOfSatisfying(CommandException.class,
            e -> assertThat(e.code()).isEqualTo(CommandErrorCode.TERMINAL_STATE_REACHED));
    assertThat(iot.getCommandExecution(b -> b.executionId(id).targetArn(thingArn)).status())
        .isEqualTo(CommandExecutionStatus.SUCCEEDED);
  }
}
