package dev.thingbridge.twin.broker;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.thingbridge.mqtt.MqttClient;
import dev.thingbridge.mqtt.QoS;
import dev.thingbridge.mqtt.Subscription;
import dev.thingbridge.mqtt.SubscriptionFilter;
import dev.thingbridge.mqtt.crt.CrtMqttClient;
import dev.thingbridge.mqtt.crt.CrtMqttOptions;
import dev.thingbridge.testing.ChildProcess;
import dev.thingbridge.testing.Mosquitto;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.core.SdkBytes;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.iot.IotClient;
import software.amazon.awssdk.services.iot.model.CommandExecutionStatus;
import software.amazon.awssdk.services.iot.model.CommandNamespace;
import software.amazon.awssdk.services.iot.model.JobExecutionStatus;
import software.amazon.awssdk.services.iotdataplane.IotDataPlaneClient;
import software.amazon.awssdk.services.iotjobsdataplane.IotJobsDataPlaneClient;

/**
 * {@code java -jar thingbridge.jar twin --broker mqtt://... --state-dir DIR} as a user runs it, stopped with
 * SIGTERM and started again on the same directory: every shadow version, thing, job, job execution and
 * command execution is still there, through MQTT and through the HTTP API.
 */
@Timeout(value = 180, unit = TimeUnit.SECONDS)
class TwinCommandRestartIT {
  private static final String JAR = System.getProperty("thingbridge.jar", "target/thingbridge.jar");
  private static final Duration START = Duration.ofSeconds(30);
  private static final Duration WAIT = Duration.ofSeconds(10);
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final String API_LINE = "twin: AWS-compatible HTTP API on ";

  @TempDir Path dir;

  /** One run of the packaged twin and its API clients. */
  private record Run(ChildProcess process, IotClient iot, IotDataPlaneClient data, IotJobsDataPlaneClient jobsData)
      implements AutoCloseable {
    void stop() throws Exception {
      ChildProcess.signal(process.pid(), "TERM");
      assertThat(process.awaitExit(Duration.ofSeconds(10))).as(process.output()).isEqualTo(143);
      assertThat(process.output()).contains("stopped").doesNotContain("Exception");
    }

    @Override
    public void close() {
      iot.close();
      data.close();
      jobsData.close();
      process.close();
    }
  }

  private Run twin(Mosquitto broker) throws Exception {
    ChildProcess p = ChildProcess.start(ChildProcess.javaJar(JAR, "twin", "--endpoint", broker.endpoint().toString(),
        "--api-port", "0", "--state-dir", dir.resolve("state").toString()));
    String line = p.awaitLine(l -> l.startsWith(API_LINE), START);
    p.awaitLine(l -> l.startsWith("ready: "), START);
    URI api = URI.create(line.substring(API_LINE.length()).trim());
    return new Run(p,
        IotClient.builder().endpointOverride(api).region(Region.US_EAST_1)
            .credentialsProvider(MosquittoTwinRig.DUMMY_CREDENTIALS).httpClient(UrlConnectionHttpClient.create()).build(),
        IotDataPlaneClient.builder().endpointOverride(api).region(Region.US_EAST_1)
            .credentialsProvider(MosquittoTwinRig.DUMMY_CREDENTIALS).httpClient(UrlConnectionHttpClient.create()).build(),
        IotJobsDataPlaneClient.builder().endpointOverride(api).region(Region.US_EAST_1)
            .credentialsProvider(MosquittoTwinRig.DUMMY_CREDENTIALS).httpClient(UrlConnectionHttpClient.create()).build());
  }

  private static MqttClient device(Mosquitto broker) throws InterruptedException {
    return CrtMqttClient.connect(CrtMqttOptions.builder(broker.endpoint(), "restart-thing")
        .reconnectDelay(Duration.ofMillis(50), Duration.ofMillis(500)).build(), WAIT);
  }

  /** A shadow or jobs request: answered on {@code <topic>/accepted} or {@code /rejected}. */
  private static JsonNode request(MqttClient device, String topic, String payload) throws Exception {
    return request(device, topic, topic + "/accepted", topic + "/rejected", payload);
  }

  /** A command execution update: answered on {@code .../response/accepted/json} or {@code /rejected/json}. */
  private static JsonNode commandUpdate(MqttClient device, String executionId, String payload) throws Exception {
    String base = "$aws/commands/things/restart-thing/executions/" + executionId + "/response/";
    return request(device, base + "json", base + "accepted/json", base + "rejected/json", payload);
  }

  private static JsonNode request(MqttClient device, String topic, String accepted, String rejected, String payload)
      throws Exception {
    try (Subscription replies = device.subscribe(List.of(SubscriptionFilter.of(accepted, QoS.AT_LEAST_ONCE),
        SubscriptionFilter.of(rejected, QoS.AT_LEAST_ONCE))).get(10, TimeUnit.SECONDS)) {
      device.publish(topic, payload.getBytes(StandardCharsets.UTF_8), QoS.AT_LEAST_ONCE, false).get(10, TimeUnit.SECONDS);
      var reply = replies.next(WAIT);
      assertThat(reply.topic()).as(reply.payloadAsString()).isEqualTo(accepted);
      return JSON.readTree(reply.payload());
    }
  }

  private static JsonNode shadow(IotDataPlaneClient data, String name) throws Exception {
    return JSON.readTree(data.getThingShadow(b -> b.thingName("restart-thing").shadowName(name)).payload()
        .asByteArray());
  }

  @Test
  void a_restart_on_the_same_state_dir_keeps_shadow_versions_jobs_and_executions() throws Exception {
    String jobs = "$aws/things/restart-thing/jobs/";
    String classic = "$aws/things/restart-thing/shadow/";
    String executionId;
    long startedVersion;
    try (Mosquitto broker = Mosquitto.plain(dir.resolve("broker")); MqttClient device = device(broker)) {
      try (Run first = twin(broker)) {
        String thingArn = first.iot().createThing(b -> b.thingName("restart-thing")).thingArn();
        first.iot().createJob(b -> b.jobId("job-a").targets(thingArn).document("{\"step\":\"a\"}"));
        first.iot().createJob(b -> b.jobId("job-b").targets(thingArn).document("{\"step\":\"b\"}"));
        for (int i = 1; i <= 3; i++) {
          request(device, classic + "update", "{\"state\":{\"reported\":{\"n\":" + i + "}}}");
        }
        first.data().updateThingShadow(b -> b.thingName("restart-thing").shadowName("cfg")
            .payload(SdkBytes.fromUtf8String("{\"state\":{\"desired\":{\"mode\":\"eco\"}}}")));
        first.data().updateThingShadow(b -> b.thingName("restart-thing").shadowName("gone")
            .payload(SdkBytes.fromUtf8String("{\"state\":{\"desired\":{\"x\":1}}}")));
        first.data().updateThingShadow(b -> b.thingName("restart-thing").shadowName("gone")
            .payload(SdkBytes.fromUtf8String("{\"state\":{\"desired\":{\"x\":2}}}")));
        first.data().deleteThingShadow(b -> b.thingName("restart-thing").shadowName("gone"));

        startedVersion = request(device, jobs + "start-next", "{\"clientToken\":\"s\"}")
            .at("/execution/versionNumber").asLong();
        String commandArn = first.iot().createCommand(b -> b.commandId("restart-cmd")
            .namespace(CommandNamespace.AWS_IOT).payload(p -> p.content(SdkBytes.fromUtf8String("{\"go\":1}"))
                .contentType("application/json"))).commandArn();
        executionId = first.jobsData().startCommandExecution(b -> b.commandArn(commandArn)
            .targetArn(thingArn).executionTimeoutSeconds(3600L)).executionId();
        commandUpdate(device, executionId, "{\"status\":\"IN_PROGRESS\",\"statusReason\":{\"reasonCode\":\"HALFWAY\"}}");
        first.stop();
      }

      try (Run second = twin(broker)) {
        // Through HTTP: things, shadows (with versions), jobs, job executions and command executions.
        assertThat(second.iot().describeThing(b -> b.thingName("restart-thing")).thingName()).isEqualTo("restart-thing");
        JsonNode classicDoc = shadow(second.data(), null);
        assertThat(classicDoc.path("version").asLong()).isEqualTo(3);
        assertThat(classicDoc.at("/state/reported/n").asInt()).isEqualTo(3);
        assertThat(shadow(second.data(), "cfg").at("/state/desired/mode").asText()).isEqualTo("eco");
        assertThat(JSON.readTree(second.iot().getJobDocument(b -> b.jobId("job-b")).document()).path("step").asText())
            .isEqualTo("b");
        assertThat(second.iot().describeJobExecution(b -> b.jobId("job-a").thingName("restart-thing"))
            .execution().status()).isEqualTo(JobExecutionStatus.IN_PROGRESS);
        assertThat(second.iot().describeJobExecution(b -> b.jobId("job-b").thingName("restart-thing"))
            .execution().status()).isEqualTo(JobExecutionStatus.QUEUED);
        var execution = second.iot().getCommandExecution(b -> b.executionId(executionId)
            .targetArn("arn:aws:iot:us-east-1:123456789012:thing/restart-thing"));
        assertThat(execution.status()).isEqualTo(CommandExecutionStatus.IN_PROGRESS);
        assertThat(execution.statusReason().reasonCode()).isEqualTo("HALFWAY");

        // Through MQTT: versions go on where they were, and the device finishes what it started.
        assertThat(request(device, classic + "update", "{\"state\":{\"reported\":{\"n\":4}},\"version\":3}")
            .path("version").asLong()).isEqualTo(4);
        assertThat(request(device, "$aws/things/restart-thing/shadow/name/gone/update",
            "{\"state\":{\"desired\":{\"x\":3}}}").path("version").asLong())
            .as("a re-created shadow continues the deleted one's version").isEqualTo(3);
        JsonNode updated = request(device, jobs + "job-a/update",
            "{\"status\":\"SUCCEEDED\",\"expectedVersion\":" + startedVersion + ",\"includeJobExecutionState\":true}");
        assertThat(updated.at("/executionState/status").asText()).isEqualTo("SUCCEEDED");
        assertThat(request(device, jobs + "start-next", "{}").at("/execution/jobId").asText()).isEqualTo("job-b");
        assertThat(commandUpdate(device, executionId, "{\"status\":\"SUCCEEDED\"}").path("executionId").asText())
            .isEqualTo(executionId);
        second.stop();
      }
    }
  }
}
