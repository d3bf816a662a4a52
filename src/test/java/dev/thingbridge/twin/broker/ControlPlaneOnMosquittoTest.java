package dev.thingbridge.twin.broker;

import static dev.thingbridge.twin.broker.MosquittoTwinRig.WAIT;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.thingbridge.mqtt.MqttClient;
import dev.thingbridge.mqtt.MqttMessage;
import dev.thingbridge.mqtt.QoS;
import dev.thingbridge.mqtt.Subscription;
import dev.thingbridge.mqtt.SubscriptionFilter;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.core.SdkBytes;
import software.amazon.awssdk.services.iot.IotClient;
import software.amazon.awssdk.services.iot.model.CommandExecutionStatus;
import software.amazon.awssdk.services.iot.model.CommandNamespace;
import software.amazon.awssdk.services.iot.model.JobExecutionStatus;
import software.amazon.awssdk.services.iotdataplane.IotDataPlaneClient;
import software.amazon.awssdk.services.iotjobsdataplane.IotJobsDataPlaneClient;

/**
 * The AWS SDK for Java v2 control-plane clients drive the twin's HTTP API while devices talk to it over a
 * real Mosquitto: what a script does through the API reaches the devices, and what the devices do shows in
 * the API.
 */
@Timeout(value = 90, unit = TimeUnit.SECONDS)
class ControlPlaneOnMosquittoTest {
  private static final ObjectMapper JSON = new ObjectMapper();

  @TempDir static Path dir;
  private static MosquittoTwinRig rig;
  private static IotClient iot;
  private static IotDataPlaneClient iotData;
  private static IotJobsDataPlaneClient iotJobsData;

  @BeforeAll
  static void start() throws Exception {
    rig = new MosquittoTwinRig(dir);
    iot = rig.iot();
    iotData = rig.iotData();
    iotJobsData = rig.iotJobsData();
  }

  @AfterAll
  static void stop() {
    rig.close();
  }

  private static Subscription subscribe(MqttClient device, String... filters) throws Exception {
    return device.subscribe(java.util.Arrays.stream(filters).map(f -> SubscriptionFilter.of(f, QoS.AT_LEAST_ONCE))
        .toList()).get(10, TimeUnit.SECONDS);
  }

  private static JsonNode next(Subscription s, String topic) throws Exception {
    MqttMessage m = s.next(WAIT);
    assertThat(m.topic()).isEqualTo(topic);
    return JSON.readTree(m.payload());
  }

  @Test
  void a_job_created_over_http_reaches_the_device_as_notify_next_and_its_progress_shows_in_the_api()
      throws Exception {
    String thingArn = iot.createThing(b -> b.thingName("cp-jobs")).thingArn();
    MqttClient device = rig.device("cp-jobs");
    String jobs = "$aws/things/cp-jobs/jobs/";
    Subscription notifications = subscribe(device, jobs + "notify-next");
    Subscription replies = subscribe(device, jobs + "start-next/accepted", jobs + "+/update/accepted");

    iot.createJob(b -> b.jobId("cp-job-1").targets(thingArn).document("{\"operation\":\"install\",\"v\":\"2.1\"}"));

    JsonNode notify = next(notifications, jobs + "notify-next");
    assertThat(notify.at("/execution/jobId").asText()).isEqualTo("cp-job-1");
    assertThat(notify.at("/execution/jobDocument/v").asText()).isEqualTo("2.1");

    device.publish(jobs + "start-next", "{\"clientToken\":\"c1\"}".getBytes(), QoS.AT_LEAST_ONCE, false);
    assertThat(next(replies, jobs + "start-next/accepted").at("/execution/status").asText()).isEqualTo("IN_PROGRESS");
    assertThat(iot.describeJobExecution(b -> b.jobId("cp-job-1").thingName("cp-jobs")).execution().status())
        .isEqualTo(JobExecutionStatus.IN_PROGRESS);

    device.publish(jobs + "cp-job-1/update", "{\"status\":\"SUCCEEDED\",\"statusDetails\":{\"v\":\"2.1\"}}".getBytes(),
        QoS.AT_LEAST_ONCE, false);
    next(replies, jobs + "cp-job-1/update/accepted");
    assertThat(iot.listJobExecutionsForJob(b -> b.jobId("cp-job-1")).executionSummaries())
        .singleElement()
        .satisfies(s -> assertThat(s.jobExecutionSummary().status()).isEqualTo(JobExecutionStatus.SUCCEEDED));
    // The queue is empty now: notify-next says so with no execution.
    assertThat(next(notifications, jobs + "notify-next").has("execution")).isFalse();
  }

  @Test
  void a_shadow_updated_over_http_sends_the_device_its_delta() throws Exception {
    MqttClient device = rig.device("cp-shadow");
    String shadow = "$aws/things/cp-shadow/shadow/";
    Subscription deltas = subscribe(device, shadow + "update/delta");

    iotData.updateThingShadow(b -> b.thingName("cp-shadow")
        .payload(SdkBytes.fromUtf8String("{\"state\":{\"desired\":{\"rate\":5}}}")));

    JsonNode delta = next(deltas, shadow + "update/delta");
    assertThat(delta.at("/state/rate").asInt()).isEqualTo(5);
    assertThat(delta.path("version").asLong()).isEqualTo(1);

    device.publish(shadow + "update", "{\"state\":{\"reported\":{\"rate\":5}}}".getBytes(), QoS.AT_LEAST_ONCE, false);
    await().atMost(WAIT).untilAsserted(() -> {
      JsonNode doc = JSON.readTree(iotData.getThingShadow(b -> b.thingName("cp-shadow")).payload().asByteArray());
      assertThat(doc.path("version").asLong()).isEqualTo(2);
      assertThat(doc.at("/state/reported/rate").asInt()).isEqualTo(5);
      assertThat(doc.at("/state/delta").isMissingNode()).isTrue();
    });
  }

  @Test
  void a_command_started_over_http_reaches_the_device_and_its_final_status_shows_in_the_api() throws Exception {
    MqttClient device = rig.device("cp-commands");
    String base = "$aws/commands/things/cp-commands/executions/";
    Subscription requests = subscribe(device, base + "+/request/json");
    Subscription replies = subscribe(device, base + "+/response/accepted/json");
    String commandArn = iot.createCommand(b -> b.commandId("cp-reboot").namespace(CommandNamespace.AWS_IOT)
        .payload(p -> p.content(SdkBytes.fromUtf8String("{\"action\":\"reboot\"}")).contentType("application/json")))
        .commandArn();
    String targetArn = "arn:aws:iot:us-east-1:123456789012:thing/cp-commands";

    String executionId = iotJobsData.startCommandExecution(b -> b.targetArn(targetArn).commandArn(commandArn)
        .executionTimeoutSeconds(60L)).executionId();

    MqttMessage request = requests.next(WAIT);
    assertThat(request.topic()).isEqualTo(base + executionId + "/request/json");
    assertThat(request.payloadAsString()).isEqualTo("{\"action\":\"reboot\"}");
    assertThat(request.properties().contentType()).hasValue("application/json");

    device.publish(base + executionId + "/response/json",
        "{\"status\":\"SUCCEEDED\",\"statusReason\":{\"reasonCode\":\"OK\"}}".getBytes(), QoS.AT_LEAST_ONCE, false);
    assertThat(next(replies, base + executionId + "/response/accepted/json").path("executionId").asText())
        .isEqualTo(executionId);
    var done = iot.getCommandExecution(b -> b.executionId(executionId).targetArn(targetArn));
    assertThat(done.status()).isEqualTo(CommandExecutionStatus.SUCCEEDED);
    assertThat(done.statusReason().reasonCode()).isEqualTo("OK");
  }

  @Test
  void an_http_publish_on_a_jobs_request_topic_is_answered_on_the_broker() throws Exception {
    iot.createThing(b -> b.thingName("cp-publish"));
    MqttClient device = rig.device("cp-publish");
    Subscription replies = subscribe(device, "$aws/things/cp-publish/jobs/get/accepted");

    iotData.publish(b -> b.topic("$aws/things/cp-publish/jobs/get").qos(1)
        .payload(SdkBytes.fromUtf8String("{\"clientToken\":\"from-a-script\"}")));

    JsonNode reply = next(replies, "$aws/things/cp-publish/jobs/get/accepted");
    assertThat(reply.path("clientToken").asText()).isEqualTo("from-a-script");
    assertThat(reply.path("queuedJobs").isArray()).isTrue();
  }
}
