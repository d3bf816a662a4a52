package dev.thingbridge.twin;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.thingbridge.mqtt.MqttClient;
import dev.thingbridge.mqtt.MqttMessage;
import dev.thingbridge.mqtt.QoS;
import dev.thingbridge.mqtt.Subscription;
import dev.thingbridge.mqtt.local.LocalBroker;
import dev.thingbridge.twin.commands.CommandExecutionStatus;
import dev.thingbridge.twin.commands.CommandServiceTopics;
import dev.thingbridge.twin.commands.CommandServiceTopics.PayloadFormat;
import dev.thingbridge.twin.commands.CommandSpec;
import dev.thingbridge.twin.commands.CommandsService;
import dev.thingbridge.twin.commands.DeviceTarget;
import dev.thingbridge.twin.commands.StartCommandExecutionRequest;
import dev.thingbridge.twin.jobs.ExecutionStatus;
import dev.thingbridge.twin.jobs.JobRequest;
import dev.thingbridge.twin.jobs.JobsService;
import dev.thingbridge.twin.server.TwinServer;
import dev.thingbridge.twin.shadows.ShadowsService;
import dev.thingbridge.twin.things.ThingsService;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.core.SdkBytes;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.iotdataplane.IotDataPlaneClient;

/**
 * The data plane's {@code Publish} ({@code POST /topics/{topic}}, here through the AWS SDK's
 * {@code IotDataPlaneClient}) on a request topic of each service: the twin subscribes with No Local, so only
 * {@link Twin#publish} handing the message to the service makes it answer. The message also reaches the bus.
 */
class TwinControlPlanePublishTest {
  private static final Duration WAIT = Duration.ofSeconds(5);
  private static final ObjectMapper JSON = new ObjectMapper();

  @TempDir Path stateDir;
  private final LocalBroker broker = new LocalBroker();
  private MqttClient twinClient;
  private MqttClient device;
  private TwinServer server;
  private IotDataPlaneClient data;

  @BeforeEach
  void start() throws Exception {
    twinClient = broker.connect("twin");
    device = broker.connect("t1");
    server = TwinServer.start(twinClient, TwinServer.Options.defaults().withStateDir(stateDir)
        .withApi(InetAddress.getLoopbackAddress(), 0));
    data = IotDataPlaneClient.builder()
        .endpointOverride(server.controlPlane().orElseThrow().endpoint())
        .region(Region.US_EAST_1)
        .credentialsProvider(StaticCredentialsProvider.create(AwsBasicCredentials.create("AKIDEXAMPLE", "dummy")))
        .httpClient(UrlConnectionHttpClient.create())
        .build();
  }

  @AfterEach
  void stop() {
    data.close();
    server.close();
    device.close();
    twinClient.close();
  }

  private void publish(String topic, String payload) {
    data.publish(b -> b.topic(topic).qos(1).payload(SdkBytes.fromUtf8String(payload)));
  }

  @Test
  void a_publish_on_a_shadow_update_topic_is_answered_and_seen_on_the_bus() throws Exception {
    String update = "$aws/things/t1/shadow/name/cfg/update";
    Subscription onBus = device.subscribe(update, QoS.AT_LEAST_ONCE).get(5, TimeUnit.SECONDS);
    Subscription accepted = device.subscribe(update + "/accepted", QoS.AT_LEAST_ONCE).get(5, TimeUnit.SECONDS);

    publish(update, "{\"state\":{\"desired\":{\"fan\":2}},\"clientToken\":\"via-http\"}");

    assertThat(onBus.next(WAIT).payloadAsString()).contains("\"fan\":2");
    JsonNode reply = JSON.readTree(accepted.next(WAIT).payload());
    assertThat(reply.path("clientToken").asText()).isEqualTo("via-http");
    assertThat(reply.path("version").asLong()).isEqualTo(1);
    assertThat(server.twin().service(ShadowsService.class).get("t1", "cfg").at("/state/desired/fan").asInt())
        .isEqualTo(2);
  }

  @Test
  void a_publish_on_a_jobs_request_topic_reaches_the_jobs_service() throws Exception {
    server.twin().service(ThingsService.class).createThing("t1");
    JobsService jobs = server.twin().service(JobsService.class);
    jobs.createJob(JobRequest.builder("job-1").document("{\"operation\":\"reboot\"}")
        .target(server.twin().service(ThingsService.class).registry().thingArn("t1")).build());
    Subscription accepted = device.subscribe("$aws/things/t1/jobs/start-next/accepted", QoS.AT_LEAST_ONCE)
        .get(5, TimeUnit.SECONDS);

    publish("$aws/things/t1/jobs/start-next", "{\"clientToken\":\"from-http\"}");

    JsonNode reply = JSON.readTree(accepted.next(WAIT).payload());
    assertThat(reply.path("clientToken").asText()).isEqualTo("from-http");
    assertThat(reply.at("/execution/jobId").asText()).isEqualTo("job-1");
    assertThat(reply.at("/execution/status").asText()).isEqualTo("IN_PROGRESS");
    assertThat(jobs.describeJobExecution("t1", "job-1", null).status()).isEqualTo(ExecutionStatus.IN_PROGRESS);
  }

  @Test
  void a_publish_on_a_commands_response_topic_reaches_the_commands_service() throws Exception {
    CommandsService commands = server.twin().service(CommandsService.class);
    String commandArn = commands.createCommand(CommandSpec.builder("reboot")
        .payload("{\"action\":\"reboot\"}".getBytes(StandardCharsets.UTF_8), "application/json").build())
        .commandArn();
    DeviceTarget target = DeviceTarget.thing("t1");
    String executionId = commands.startCommandExecution(StartCommandExecutionRequest.of(
        commands.settings().targetArn(target), commandArn));
    Subscription accepted = device.subscribe(CommandServiceTopics.accepted(target, executionId, PayloadFormat.JSON),
        QoS.AT_LEAST_ONCE).get(5, TimeUnit.SECONDS);

    publish(CommandServiceTopics.response(target, executionId, PayloadFormat.JSON), "{\"status\":\"SUCCEEDED\"}");

    MqttMessage reply = accepted.next(WAIT);
    assertThat(reply.payloadAsString()).contains(executionId);
    assertThat(commands.commandExecution(executionId, commands.settings().targetArn(target)).status())
        .isEqualTo(CommandExecutionStatus.SUCCEEDED);
  }

  @Test
  void reads_through_the_control_plane_save_nothing() throws Exception {
    server.twin().service(ThingsService.class).createThing("t1");
    try (java.sql.Connection observer = java.sql.DriverManager.getConnection("jdbc:sqlite:" + stateDir.resolve("twin.db"))) {
      // The database takes the journal's commits a moment after they are durable: wait for t1's.
      org.awaitility.Awaitility.await().atMost(WAIT).until(() -> things(observer) == 1);
      long before = dataVersion(observer);

      server.twin().service(ThingsService.class).describeThing("t1");
      server.twin().service(ThingsService.class).listThings(null, null, null, null);
      server.twin().service(JobsService.class).listJobExecutionsForThing("t1", null, null, null);
      server.twin().service(ShadowsService.class).listNamedShadows("t1");

      // SQLite changes data_version for a connection whenever another one commits: the twin committed nothing.
      assertThat(dataVersion(observer)).isEqualTo(before);
      server.twin().service(ThingsService.class).createThing("t2");
      org.awaitility.Awaitility.await().atMost(WAIT).until(() -> dataVersion(observer) != before);
      assertThat(things(observer)).isEqualTo(2);
    }
  }

  private static long things(java.sql.Connection c) throws Exception {
    try (var s = c.createStatement(); var rs = s.executeQuery("SELECT count(*) FROM things")) {
      return rs.next() ? rs.getLong(1) : -1;
    }
  }

  private static long dataVersion(java.sql.Connection c) throws Exception {
    try (var s = c.createStatement(); var rs = s.executeQuery("PRAGMA data_version")) {
      return rs.next() ? rs.getLong(1) : -1;
    }
  }
}
