package dev.thingbridge.twin;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

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
import dev.thingbridge.twin.http.AwsApiException;
import dev.thingbridge.twin.jobs.JobRequest;
import dev.thingbridge.twin.jobs.JobsService;
import dev.thingbridge.twin.server.TwinServer;
import dev.thingbridge.twin.shadows.ShadowsService;
import dev.thingbridge.twin.things.ThingsService;
import java.net.InetAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A commit the disk refuses is never acknowledged: the device gets its service's internal error, the HTTP API
 * answers 500 {@code InternalFailureException}, the previous state is kept (in memory and on disk), other
 * things are served meanwhile, and the twin works again once the disk accepts writes. The disk's refusal is
 * the twin script's stand-in for a full disk: the journal write of a commit that touches one thing fails with
 * an I/O error, and everything after it (cutting the journal back, failing the batch's operations, reloading
 * the state) is the twin's real path.
 */
class TwinCommitFailureTest {
  private static final Duration WAIT = Duration.ofSeconds(5);
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final String DOOMED_ARN = "arn:aws:iot:us-east-1:123456789012:thing/doomed";

  @TempDir Path dir;
  private LocalBroker broker;
  private MqttClient twinClient;
  private MqttClient device;
  private TwinServer server;
  private final HttpClient http = HttpClient.newHttpClient();
  private final TwinScript script = new TwinScript();

  @BeforeEach
  void start() throws Exception {
    broker = new LocalBroker();
    device = broker.connect("device");
    startTwin();
  }

  private void startTwin() throws Exception {
    twinClient = broker.connect("twin");
    server = TwinServer.start(twinClient, TwinServer.Options.defaults().withStateDir(dir)
        .withApi(InetAddress.getLoopbackAddress(), 0).withScript(script));
  }

  @AfterEach
  void stop() {
    server.close();
    twinClient.close();
    device.close();
  }

  @Test
  void a_refused_shadow_update_is_rejected_with_500_and_changes_nothing() throws Exception {
    ShadowsService shadows = server.twin().service(ShadowsService.class);
    shadows.update("doomed", null, "{\"state\":{\"reported\":{\"temp\":1}}}".getBytes(StandardCharsets.UTF_8));
    Subscription replies = device.subscribe("$aws/things/+/shadow/update/+", QoS.AT_LEAST_ONCE).get(5, TimeUnit.SECONDS);

    script.refuseWritesContaining("doomed");
    device.publish("$aws/things/doomed/shadow/update", "{\"state\":{\"reported\":{\"temp\":2}},\"clientToken\":\"c-1\"}"
        .getBytes(StandardCharsets.UTF_8), QoS.AT_LEAST_ONCE, false).get(5, TimeUnit.SECONDS);
    MqttMessage reply = replies.next(WAIT);
    assertThat(reply.topic()).isEqualTo("$aws/things/doomed/shadow/update/rejected");
    JsonNode error = JSON.readTree(reply.payload());
    assertThat(error.get("code").asInt()).isEqualTo(500);
    assertThat(error.get("message").asText()).isEqualTo("Internal service failure");
    assertThat(error.get("clientToken").asText()).isEqualTo("c-1");

    // Another thing is served meanwhile, and the refused update left no trace (no delta, no documents).
    device.publish("$aws/things/fine/shadow/update", "{\"state\":{\"reported\":{\"on\":true}}}"
        .getBytes(StandardCharsets.UTF_8), QoS.AT_LEAST_ONCE, false).get(5, TimeUnit.SECONDS);
    assertThat(replies.next(WAIT).topic()).isEqualTo("$aws/things/fine/shadow/update/accepted");
    assertThat(shadows.get("doomed", null).get("version").asLong()).isEqualTo(1);
    assertThat(shadows.get("doomed", null).at("/state/reported/temp").asInt()).isEqualTo(1);

    HttpResponse<String> api = http.send(HttpRequest.newBuilder(URI.create(endpoint() + "/things/doomed/shadow"))
        .POST(HttpRequest.BodyPublishers.ofString("{\"state\":{\"reported\":{\"temp\":3}}}")).build(),
        HttpResponse.BodyHandlers.ofString());
    assertThat(api.statusCode()).isEqualTo(500);
    assertThat(api.headers().firstValue("x-amzn-ErrorType")).hasValue("InternalFailureException");
    assertThat(shadows.get("doomed", null).get("version").asLong()).isEqualTo(1);

    script.refuseWritesContaining(null);
    assertThat(shadows.update("doomed", null, "{\"state\":{\"reported\":{\"temp\":4}}}".getBytes(StandardCharsets.UTF_8))
        .get("version").asLong()).isEqualTo(2);
    restartTwin();
    assertThat(server.twin().service(ShadowsService.class).get("doomed", null).at("/state/reported/temp").asInt())
        .isEqualTo(4);
    assertThat(server.twin().service(ShadowsService.class).get("fine", null).get("version").asLong()).isEqualTo(1);
  }

  @Test
  void a_refused_create_job_answers_internal_failure_and_the_job_does_not_exist() throws Exception {
    server.twin().service(ThingsService.class).createThing("doomed");
    script.refuseWritesContaining("fw-doomed");
    HttpResponse<String> api = http.send(HttpRequest.newBuilder(URI.create(endpoint() + "/jobs/fw-doomed"))
        .PUT(HttpRequest.BodyPublishers.ofString("{\"document\":\"{}\",\"targets\":[\"" + DOOMED_ARN + "\"]}"))
        .build(), HttpResponse.BodyHandlers.ofString());
    assertThat(api.statusCode()).isEqualTo(500);
    assertThat(api.headers().firstValue("x-amzn-ErrorType")).hasValue("InternalFailureException");
    JobsService jobs = server.twin().service(JobsService.class);
    assertThatThrownBy(() -> jobs.describeJob("fw-doomed")).isInstanceOfSatisfying(AwsApiException.class,
        e -> assertThat(e.type()).isEqualTo("ResourceNotFoundException"));
    assertThat(jobs.listJobExecutionsForThing("doomed", null, null, null).executions()).isEmpty();

    // The device was not told about a job that does not exist.
    Subscription next = device.subscribe("$aws/things/doomed/jobs/start-next/accepted", QoS.AT_LEAST_ONCE)
        .get(5, TimeUnit.SECONDS);
    device.publish("$aws/things/doomed/jobs/start-next", "{}".getBytes(StandardCharsets.UTF_8), QoS.AT_LEAST_ONCE, false)
        .get(5, TimeUnit.SECONDS);
    assertThat(JSON.readTree(next.next(WAIT).payload()).has("execution")).isFalse();
  }

  @Test
  void a_refused_command_update_is_rejected_with_internal_error_and_the_execution_keeps_its_status() throws Exception {
    CommandsService commands = server.twin().service(CommandsService.class);
    String commandArn = commands.createCommand(CommandSpec.builder("Reboot")
        .payload("{}".getBytes(StandardCharsets.UTF_8), "application/json").build()).commandArn();
    String id = commands.startCommandExecution(StartCommandExecutionRequest.of(DOOMED_ARN, commandArn)
        .withTimeout(600));
    DeviceTarget target = DeviceTarget.thing("doomed");
    Subscription replies = device.subscribe(CommandServiceTopics.rejected(target, id, PayloadFormat.JSON), QoS.AT_LEAST_ONCE)
        .get(5, TimeUnit.SECONDS);
    script.refuseWritesContaining("SUCCEEDED");
    device.publish(CommandServiceTopics.response(target, id, PayloadFormat.JSON), "{\"status\":\"SUCCEEDED\"}"
        .getBytes(StandardCharsets.UTF_8), QoS.AT_LEAST_ONCE, false).get(5, TimeUnit.SECONDS);
    assertThat(JSON.readTree(replies.next(WAIT).payload()).get("error").asText()).isEqualTo("INTERNAL_ERROR");
    assertThat(commands.commandExecution(id, DOOMED_ARN).status()).isEqualTo(CommandExecutionStatus.CREATED);
  }

  private String endpoint() {
    return server.controlPlane().orElseThrow().endpoint().toString();
  }

  private void restartTwin() throws Exception {
    server.close();
    twinClient.close();
    startTwin();
  }
}
