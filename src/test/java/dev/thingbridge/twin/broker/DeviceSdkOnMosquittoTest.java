package dev.thingbridge.twin.broker;

import static dev.thingbridge.twin.broker.MosquittoTwinRig.WAIT;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import dev.thingbridge.twin.commands.CommandSpec;
import dev.thingbridge.twin.commands.CommandsService;
import dev.thingbridge.twin.commands.DeviceTarget;
import dev.thingbridge.twin.commands.StartCommandExecutionRequest;
import dev.thingbridge.twin.jobs.JobRequest;
import dev.thingbridge.twin.jobs.JobsService;
import dev.thingbridge.twin.things.ThingsService;
import dev.thingbridge.twin.server.TwinServer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.crt.iot.StreamingOperation;
import software.amazon.awssdk.crt.iot.SubscriptionStatusEventType;
import software.amazon.awssdk.iot.V2ClientStreamOptions;
import software.amazon.awssdk.iot.iotcommands.IotCommandsV2Client;
import software.amazon.awssdk.iot.iotcommands.model.CommandExecutionEvent;
import software.amazon.awssdk.iot.iotcommands.model.CommandExecutionsSubscriptionRequest;
import software.amazon.awssdk.iot.iotcommands.model.DeviceType;
import software.amazon.awssdk.iot.iotcommands.model.UpdateCommandExecutionRequest;
import software.amazon.awssdk.iot.iotcommands.model.UpdateCommandExecutionResponse;
import software.amazon.awssdk.iot.iotjobs.IotJobsV2Client;
import software.amazon.awssdk.iot.iotjobs.model.DescribeJobExecutionRequest;
import software.amazon.awssdk.iot.iotjobs.model.DescribeJobExecutionResponse;
import software.amazon.awssdk.iot.iotjobs.model.GetPendingJobExecutionsRequest;
import software.amazon.awssdk.iot.iotjobs.model.GetPendingJobExecutionsResponse;
import software.amazon.awssdk.iot.iotjobs.model.JobStatus;
import software.amazon.awssdk.iot.iotjobs.model.NextJobExecutionChangedEvent;
import software.amazon.awssdk.iot.iotjobs.model.NextJobExecutionChangedSubscriptionRequest;
import software.amazon.awssdk.iot.iotjobs.model.RejectedErrorCode;
import software.amazon.awssdk.iot.iotjobs.model.StartNextJobExecutionResponse;
import software.amazon.awssdk.iot.iotjobs.model.StartNextPendingJobExecutionRequest;
import software.amazon.awssdk.iot.iotjobs.model.UpdateJobExecutionRequest;
import software.amazon.awssdk.iot.iotjobs.model.UpdateJobExecutionResponse;
import software.amazon.awssdk.iot.iotshadow.IotShadowV2Client;
import software.amazon.awssdk.iot.iotshadow.model.DeleteShadowRequest;
import software.amazon.awssdk.iot.iotshadow.model.DeleteShadowResponse;
import software.amazon.awssdk.iot.iotshadow.model.GetNamedShadowRequest;
import software.amazon.awssdk.iot.iotshadow.model.GetShadowRequest;
import software.amazon.awssdk.iot.iotshadow.model.GetShadowResponse;
import software.amazon.awssdk.iot.iotshadow.model.ShadowDeltaUpdatedEvent;
import software.amazon.awssdk.iot.iotshadow.model.ShadowDeltaUpdatedSubscriptionRequest;
import software.amazon.awssdk.iot.iotshadow.model.ShadowState;
import software.amazon.awssdk.iot.iotshadow.model.UpdateNamedShadowRequest;
import software.amazon.awssdk.iot.iotshadow.model.UpdateShadowRequest;
import software.amazon.awssdk.iot.iotshadow.model.UpdateShadowResponse;
import software.amazon.awssdk.iot.iotshadow.model.V2ErrorResponseException;

/**
 * The device-side service clients of aws-iot-device-sdk 1.30.1 ({@code IotShadowV2Client},
 * {@code IotJobsV2Client}, {@code IotCommandsV2Client}, on a CRT {@code Mqtt5Client}) against the twin
 * attached to a real Mosquitto. Their request-response layer matches replies to requests by topic and
 * clientToken (executionId for commands), so every completed future proves the twin's reply was well formed
 * and correctly correlated; a malformed or uncorrelated reply would leave the future to time out.
 */
@Timeout(value = 90, unit = TimeUnit.SECONDS)
class DeviceSdkOnMosquittoTest {
  @TempDir static Path dir;
  private static MosquittoTwinRig rig;

  @BeforeAll
  static void start() throws Exception {
    // The twin on aws-crt here (the other rig tests use the NIO client that `twin` takes for mqtt://), so that
    // the twin's path without delivery turns stays covered.
    rig = new MosquittoTwinRig(dir, TwinServer.Options.defaults(), true);
  }

  @AfterAll
  static void stop() {
    rig.close();
  }

  private static <T> T await(CompletableFuture<T> future) throws Exception {
    return future.get(WAIT.toMillis(), TimeUnit.MILLISECONDS);
  }

  /** The failure of a future that must fail, unwrapped. */
  private static Throwable failure(CompletableFuture<?> future) {
    Throwable t = catchThrowable(() -> future.get(WAIT.toMillis(), TimeUnit.MILLISECONDS));
    assertThat(t).isInstanceOf(ExecutionException.class);
    return t.getCause();
  }

  /** Opens a stream and waits until its subscription is acknowledged, so no event can be missed. */
  private static StreamingOperation open(StreamingOperation stream, CountDownLatch established) throws Exception {
    stream.open();
    assertThat(established.await(WAIT.toMillis(), TimeUnit.MILLISECONDS)).as("stream subscribed").isTrue();
    return rig.own(stream);
  }

  private static <T> V2ClientStreamOptions<T> into(BlockingQueue<T> events, CountDownLatch established) {
    return V2ClientStreamOptions.<T>builder()
        .withStreamEventHandler(events::add)
        .withSubscriptionEventHandler(e -> {
          if (e.getType() == SubscriptionStatusEventType.SUBSCRIPTION_ESTABLISHED) {
            established.countDown();
          }
        })
        .build();
  }

  private static HashMap<String, Object> map(String key, Object value) {
    HashMap<String, Object> m = new HashMap<>();
    m.put(key, value);
    return m;
  }

  @Test
  void shadow_get_update_delete_a_version_conflict_and_the_delta_stream() throws Exception {
    IotShadowV2Client shadow = rig.own(
        IotShadowV2Client.newFromMqtt5(rig.crtClient("sdk-shadow"), MosquittoTwinRig.requestResponseOptions()));
    BlockingQueue<ShadowDeltaUpdatedEvent> deltas = new LinkedBlockingQueue<>();
    CountDownLatch subscribed = new CountDownLatch(1);
    ShadowDeltaUpdatedSubscriptionRequest deltaRequest = new ShadowDeltaUpdatedSubscriptionRequest();
    deltaRequest.thingName = "sdk-thing";
    open(shadow.createShadowDeltaUpdatedStream(deltaRequest, into(deltas, subscribed)), subscribed);

    GetShadowRequest get = new GetShadowRequest();
    get.thingName = "sdk-thing";
    Throwable missing = failure(shadow.getShadow(get));
    assertThat(missing).isInstanceOf(V2ErrorResponseException.class);
    assertThat(((V2ErrorResponseException) missing).getModeledError().code).isEqualTo(404);

    UpdateShadowRequest desired = new UpdateShadowRequest();
    desired.thingName = "sdk-thing";
    desired.state = new ShadowState();
    desired.state.desired = map("color", "green");
    UpdateShadowResponse first = await(shadow.updateShadow(desired));
    assertThat(first.version).isEqualTo(1);
    assertThat(first.state.desired).containsEntry("color", "green");
    assertThat(first.timestamp).isNotNull();

    ShadowDeltaUpdatedEvent delta = deltas.poll(WAIT.toMillis(), TimeUnit.MILLISECONDS);
    assertThat(delta).isNotNull();
    assertThat(delta.version).isEqualTo(1);
    assertThat(delta.state).containsEntry("color", "green");

    UpdateShadowRequest reported = new UpdateShadowRequest();
    reported.thingName = "sdk-thing";
    reported.state = new ShadowState();
    reported.state.reported = map("color", "red");
    assertThat(await(shadow.updateShadow(reported)).version).isEqualTo(2);

    GetShadowResponse document = await(shadow.getShadow(get));
    assertThat(document.version).isEqualTo(2);
    assertThat(document.state.desired).containsEntry("color", "green");
    assertThat(document.state.reported).containsEntry("color", "red");
    assertThat(document.state.delta).containsEntry("color", "green");

    UpdateShadowRequest stale = new UpdateShadowRequest();
    stale.thingName = "sdk-thing";
    stale.version = 1;
    stale.state = new ShadowState();
    stale.state.desired = map("color", "blue");
    Throwable conflict = failure(shadow.updateShadow(stale));
    assertThat(conflict).isInstanceOf(V2ErrorResponseException.class);
    assertThat(((V2ErrorResponseException) conflict).getModeledError().code).isEqualTo(409);
    assertThat(((V2ErrorResponseException) conflict).getModeledError().message).isEqualTo("Version conflict");

    DeleteShadowRequest delete = new DeleteShadowRequest();
    delete.thingName = "sdk-thing";
    DeleteShadowResponse deleted = await(shadow.deleteShadow(delete));
    assertThat(deleted.version).isEqualTo(2);
    assertThat(((V2ErrorResponseException) failure(shadow.getShadow(get))).getModeledError().code).isEqualTo(404);
  }

  @Test
  void concurrent_named_shadow_updates_each_get_their_own_answer() throws Exception {
    IotShadowV2Client shadow = rig.own(
        IotShadowV2Client.newFromMqtt5(rig.crtClient("sdk-named"), MosquittoTwinRig.requestResponseOptions()));
    List<CompletableFuture<UpdateShadowResponse>> updates = new ArrayList<>();
    for (int i = 0; i < 8; i++) {
      UpdateNamedShadowRequest u = new UpdateNamedShadowRequest();
      u.thingName = "sdk-named-thing";
      u.shadowName = "s" + i;
      u.state = new ShadowState();
      u.state.reported = map("index", i);
      updates.add(shadow.updateNamedShadow(u));
    }
    for (int i = 0; i < updates.size(); i++) {
      UpdateShadowResponse r = await(updates.get(i));
      assertThat(r.version).isEqualTo(1);
      assertThat(((Number) r.state.reported.get("index")).intValue()).isEqualTo(i);
    }
    GetNamedShadowRequest get = new GetNamedShadowRequest();
    get.thingName = "sdk-named-thing";
    get.shadowName = "s5";
    assertThat(((Number) await(shadow.getNamedShadow(get)).state.reported.get("index")).intValue()).isEqualTo(5);
  }

  @Test
  void jobs_notify_next_get_pending_start_next_describe_and_update() throws Exception {
    String thing = "sdk-jobs-thing";
    ThingsService things = rig.twin.twin().service(ThingsService.class);
    JobsService jobs = rig.twin.twin().service(JobsService.class);
    things.createThing(thing);
    IotJobsV2Client client = rig.own(
        IotJobsV2Client.newFromMqtt5(rig.crtClient("sdk-jobs"), MosquittoTwinRig.requestResponseOptions()));
    BlockingQueue<NextJobExecutionChangedEvent> next = new LinkedBlockingQueue<>();
    CountDownLatch subscribed = new CountDownLatch(1);
    NextJobExecutionChangedSubscriptionRequest nextRequest = new NextJobExecutionChangedSubscriptionRequest();
    nextRequest.thingName = thing;
    open(client.createNextJobExecutionChangedStream(nextRequest, into(next, subscribed)), subscribed);

    jobs.createJob(JobRequest.builder("sdk-job-1").document("{\"operation\":\"reboot\",\"delay\":5}")
        .target(things.registry().thingArn(thing)).build());
    NextJobExecutionChangedEvent queued = next.poll(WAIT.toMillis(), TimeUnit.MILLISECONDS);
    assertThat(queued).isNotNull();
    assertThat(queued.execution.jobId).isEqualTo("sdk-job-1");
    assertThat(queued.execution.status).isEqualTo(JobStatus.QUEUED);
    assertThat(queued.execution.jobDocument).containsEntry("operation", "reboot");

    GetPendingJobExecutionsRequest pendingRequest = new GetPendingJobExecutionsRequest();
    pendingRequest.thingName = thing;
    GetPendingJobExecutionsResponse pending = await(client.getPendingJobExecutions(pendingRequest));
    assertThat(pending.queuedJobs).extracting(s -> s.jobId).containsExactly("sdk-job-1");
    assertThat(pending.inProgressJobs).isEmpty();

    StartNextPendingJobExecutionRequest startRequest = new StartNextPendingJobExecutionRequest();
    startRequest.thingName = thing;
    startRequest.stepTimeoutInMinutes = 5L;
    StartNextJobExecutionResponse started = await(client.startNextPendingJobExecution(startRequest));
    assertThat(started.execution.jobId).isEqualTo("sdk-job-1");
    assertThat(started.execution.status).isEqualTo(JobStatus.IN_PROGRESS);
    assertThat(started.execution.thingName).isEqualTo(thing);
    assertThat(started.execution.executionNumber).isEqualTo(1L);
    int version = started.execution.versionNumber;

    DescribeJobExecutionRequest describe = new DescribeJobExecutionRequest();
    describe.thingName = thing;
    describe.jobId = "sdk-job-1";
    describe.includeJobDocument = true;
    DescribeJobExecutionResponse described = await(client.describeJobExecution(describe));
    assertThat(described.execution.status).isEqualTo(JobStatus.IN_PROGRESS);
    assertThat(described.execution.jobDocument).containsEntry("operation", "reboot");

    UpdateJobExecutionRequest wrongVersion = new UpdateJobExecutionRequest();
    wrongVersion.thingName = thing;
    wrongVersion.jobId = "sdk-job-1";
    wrongVersion.status = JobStatus.SUCCEEDED;
    wrongVersion.expectedVersion = version + 5;
    Throwable mismatch = failure(client.updateJobExecution(wrongVersion));
    assertThat(mismatch).isInstanceOf(software.amazon.awssdk.iot.iotjobs.model.V2ErrorResponseException.class);
    assertThat(((software.amazon.awssdk.iot.iotjobs.model.V2ErrorResponseException) mismatch).getModeledError().code)
        .isEqualTo(RejectedErrorCode.VERSION_MISMATCH);

    UpdateJobExecutionRequest succeed = new UpdateJobExecutionRequest();
    succeed.thingName = thing;
    succeed.jobId = "sdk-job-1";
    succeed.status = JobStatus.SUCCEEDED;
    succeed.expectedVersion = version;
    succeed.statusDetails = new HashMap<>(Map.of("result", "rebooted"));
    succeed.includeJobExecutionState = true;
    UpdateJobExecutionResponse updated = await(client.updateJobExecution(succeed));
    assertThat(updated.executionState.status).isEqualTo(JobStatus.SUCCEEDED);
    assertThat(updated.executionState.statusDetails).containsEntry("result", "rebooted");

    // The next one: none left, so notify-next carries no execution.
    NextJobExecutionChangedEvent drained = next.poll(WAIT.toMillis(), TimeUnit.MILLISECONDS);
    assertThat(drained).isNotNull();
    assertThat(drained.execution).isNull();
    assertThat(drained.timestamp).isNotNull();

    // Any change out of a terminal state is InvalidStateTransition (TerminalStateReached is for describes).
    succeed.expectedVersion = null;
    Throwable terminal = failure(client.updateJobExecution(succeed));
    assertThat(((software.amazon.awssdk.iot.iotjobs.model.V2ErrorResponseException) terminal).getModeledError().code)
        .isEqualTo(RejectedErrorCode.INVALID_STATE_TRANSITION);
  }

  @Test
  void commands_execution_stream_and_updates_until_a_terminal_status() throws Exception {
    String thing = "sdk-cmd-thing";
    CommandsService commands = rig.twin.twin().service(CommandsService.class);
    IotCommandsV2Client client = rig.own(
        IotCommandsV2Client.newFromMqtt5(rig.crtClient("sdk-commands"), MosquittoTwinRig.requestResponseOptions()));
    BlockingQueue<CommandExecutionEvent> executions = new LinkedBlockingQueue<>();
    CountDownLatch subscribed = new CountDownLatch(1);
    CommandExecutionsSubscriptionRequest streamRequest = new CommandExecutionsSubscriptionRequest();
    streamRequest.deviceType = DeviceType.THING;
    streamRequest.deviceId = thing;
    open(client.createCommandExecutionsJsonPayloadStream(streamRequest, into(executions, subscribed)), subscribed);

    byte[] payload = "{\"action\":\"blink\",\"times\":3}".getBytes(StandardCharsets.UTF_8);
    String commandArn = commands.createCommand(CommandSpec.builder("sdk-blink").payload(payload, "application/json")
        .build()).commandArn();
    String targetArn = commands.settings().targetArn(DeviceTarget.thing(thing));
    String executionId = commands.startCommandExecution(
        StartCommandExecutionRequest.of(targetArn, commandArn).withTimeout(30));

    CommandExecutionEvent event = executions.poll(WAIT.toMillis(), TimeUnit.MILLISECONDS);
    assertThat(event).isNotNull();
    assertThat(event.executionId).isEqualTo(executionId);
    assertThat(event.payload).isEqualTo(payload);
    assertThat(event.contentType).isEqualTo("application/json");
    assertThat(event.timeout).isBetween(1, 30);

    UpdateCommandExecutionRequest update = new UpdateCommandExecutionRequest();
    update.deviceType = DeviceType.THING;
    update.deviceId = thing;
    update.executionId = executionId;
    update.status = software.amazon.awssdk.iot.iotcommands.model.CommandExecutionStatus.IN_PROGRESS;
    UpdateCommandExecutionResponse inProgress = await(client.updateCommandExecution(update));
    assertThat(inProgress.executionId).isEqualTo(executionId);

    update.status = software.amazon.awssdk.iot.iotcommands.model.CommandExecutionStatus.SUCCEEDED;
    update.statusReason = new software.amazon.awssdk.iot.iotcommands.model.StatusReason();
    update.statusReason.reasonCode = "BLINKED";
    update.statusReason.reasonDescription = "blinked three times";
    assertThat(await(client.updateCommandExecution(update)).executionId).isEqualTo(executionId);
    assertThat(commands.commandExecution(executionId, targetArn).status())
        .isEqualTo(dev.thingbridge.twin.commands.CommandExecutionStatus.SUCCEEDED);
    assertThat(commands.commandExecution(executionId, targetArn).statusReason().reasonCode()).isEqualTo("BLINKED");

    update.status = software.amazon.awssdk.iot.iotcommands.model.CommandExecutionStatus.FAILED;
    update.statusReason = null;
    Throwable terminal = failure(client.updateCommandExecution(update));
    assertThat(terminal).isInstanceOf(software.amazon.awssdk.iot.iotcommands.model.V2ErrorResponseException.class);
    software.amazon.awssdk.iot.iotcommands.model.V2ErrorResponse error =
        ((software.amazon.awssdk.iot.iotcommands.model.V2ErrorResponseException) terminal).getModeledError();
    assertThat(error.executionId).isEqualTo(executionId);
    assertThat(error.errorMessage).contains("SUCCEEDED");
    // The twin sends "TERMINAL_STATE_REACHED", the form AWS was seen to send; SDK 1.30.1's enum only knows
    // "TerminalStateReached" and so maps it to UNKNOWN_ENUM_VALUE, as it does against AWS.
    assertThat(error.error)
        .isEqualTo(software.amazon.awssdk.iot.iotcommands.model.RejectedErrorCode.UNKNOWN_ENUM_VALUE);
  }
}
