package dev.thingbridge.twin.commands;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.thingbridge.mqtt.MqttMessage;
import dev.thingbridge.twin.commands.CommandServiceTopics.PayloadFormat;
import dev.thingbridge.twin.commands.CommandsRig.Device;
import dev.thingbridge.twin.http.ControlPlaneServer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import dev.thingbridge.twin.http.Route;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.core.SdkBytes;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.iot.IotClient;
import software.amazon.awssdk.services.iot.model.CommandExecutionStatus;
import software.amazon.awssdk.services.iot.model.CommandExecutionSummary;
import software.amazon.awssdk.services.iot.model.CommandNamespace;
import software.amazon.awssdk.services.iot.model.ConflictException;
import software.amazon.awssdk.services.iot.model.CreateCommandResponse;
import software.amazon.awssdk.services.iot.model.GetCommandExecutionResponse;
import software.amazon.awssdk.services.iot.model.GetCommandResponse;
import software.amazon.awssdk.services.iot.model.ListCommandExecutionsResponse;
import software.amazon.awssdk.services.iot.model.ResourceNotFoundException;
import software.amazon.awssdk.services.iot.model.SortOrder;
import software.amazon.awssdk.services.iot.model.ValidationException;
import software.amazon.awssdk.services.iotjobsdataplane.IotJobsDataPlaneClient;
import software.amazon.awssdk.services.iotjobsdataplane.model.CommandParameterValue;
import software.amazon.awssdk.services.iotjobsdataplane.model.StartCommandExecutionResponse;

/** The AWS SDK for Java v2 clients driving the twin's commands control plane over HTTP. */
class CommandsSdkTest {
  private static CommandsRig rig;
  private static ControlPlaneServer http;
  private static IotClient iot;
  private static IotJobsDataPlaneClient jobs;
  private static final List<String> postAuthorizations = new CopyOnWriteArrayList<>();

  @BeforeAll
  static void start() throws Exception {
    rig = new CommandsRig();
    List<Route> recording = rig.twin.routes().stream()
        .map(r -> new Route(r.operation(), r.method(), r.path(), request -> {
          if (request.method().equals("POST")) {
            postAuthorizations.add(String.join(",", request.headers().getOrDefault("authorization", List.of())));
          }
          return r.handler().handle(request);
        }))
        .toList();
    http = ControlPlaneServer.startOnLoopback(0, recording);
    StaticCredentialsProvider credentials =
        StaticCredentialsProvider.create(AwsBasicCredentials.create("AKIDEXAMPLE", "secret-example"));
    iot = IotClient.builder().endpointOverride(http.endpoint()).region(Region.US_EAST_1)
        .credentialsProvider(credentials).httpClient(UrlConnectionHttpClient.create()).build();
    jobs = IotJobsDataPlaneClient.builder().endpointOverride(http.endpoint()).region(Region.US_EAST_1)
        .credentialsProvider(credentials).httpClient(UrlConnectionHttpClient.create()).build();
  }

  @AfterAll
  static void stop() {
    iot.close();
    jobs.close();
    http.close();
    rig.close();
  }

  private String createReboot(String commandId) {
    CreateCommandResponse created = iot.createCommand(b -> b.commandId(commandId).namespace(CommandNamespace.AWS_IOT)
        .displayName("Reboot").description("Reboots the device")
        .payload(p -> p.content(SdkBytes.fromUtf8String("{\"action\":\"reboot\"}")).contentType("application/json")));
    return created.commandArn();
  }

  @Test
  void a_command_started_through_the_sdk_reaches_the_device_and_its_final_status_reads_back() throws Exception {
    String commandArn = createReboot("Reboot");
    assertThat(commandArn).isEqualTo("arn:aws:iot:us-east-1:123456789012:command/Reboot");
    String targetArn = rig.thingArn("dev-1");
    try (Device device = rig.device(DeviceTarget.thing("dev-1"), PayloadFormat.JSON)) {
      StartCommandExecutionResponse started = jobs.startCommandExecution(b -> b.targetArn(targetArn)
          .commandArn(commandArn).executionTimeoutSeconds(30L)
          .parameters(Map.of("delay", CommandParameterValue.builder().i(5).build())));
      String id = started.executionId();

      MqttMessage request = device.nextRequest();
      assertThat(request.topic()).isEqualTo("$aws/commands/things/dev-1/executions/" + id + "/request/json");
      assertThat(request.payloadAsString()).isEqualTo("{\"action\":\"reboot\"}");
      assertThat(request.properties().messageExpirySeconds()).hasValue(30L);

      GetCommandExecutionResponse created = iot.getCommandExecution(b -> b.executionId(id).targetArn(targetArn));
      assertThat(created.status()).isEqualTo(CommandExecutionStatus.CREATED);
      assertThat(created.executionTimeoutSeconds()).isEqualTo(30L);
      assertThat(created.parameters().get("delay").i()).isEqualTo(5);
      assertThat(created.createdAt()).isEqualTo(rig.clock.instant());

      java.time.Instant startedAt = rig.clock.instant();
      device.report(id, "{\"status\":\"IN_PROGRESS\"}".getBytes(StandardCharsets.UTF_8));
      rig.clock.advance(Duration.ofMillis(2500));
      device.report(id, ("{\"status\":\"SUCCEEDED\",\"statusReason\":{\"reasonCode\":\"OK\"},"
          + "\"result\":{\"uptime\":{\"s\":\"12\"},\"clean\":{\"b\":true},\"blob\":{\"bin\":\"AQI=\"}}}")
          .getBytes(StandardCharsets.UTF_8));

      GetCommandExecutionResponse done = iot.getCommandExecution(b -> b.executionId(id).targetArn(targetArn)
          .includeResult(true));
      assertThat(done.status()).isEqualTo(CommandExecutionStatus.SUCCEEDED);
      assertThat(done.statusReason().reasonCode()).isEqualTo("OK");
      assertThat(done.result().get("uptime").s()).isEqualTo("12");
      assertThat(done.result().get("clean").b()).isTrue();
      assertThat(done.result().get("blob").bin().asByteArray()).containsExactly(1, 2);
      assertThat(done.startedAt()).isEqualTo(startedAt);
      assertThat(done.completedAt()).isEqualTo(startedAt.plusMillis(2500));
      assertThat(done.commandArn()).isEqualTo(commandArn);
      assertThat(done.targetArn()).isEqualTo(targetArn);

      GetCommandExecutionResponse withoutResult = iot.getCommandExecution(b -> b.executionId(id)
          .targetArn(targetArn).includeResult(false));
      assertThat(withoutResult.hasResult()).isFalse();
    }
  }

  @Test
  void get_command_returns_what_create_command_stored_and_duplicates_conflict() {
    createReboot("Reboot2");
    GetCommandResponse got = iot.getCommand(b -> b.commandId("Reboot2"));
    assertThat(got.commandArn()).isEqualTo("arn:aws:iot:us-east-1:123456789012:command/Reboot2");
    assertThat(got.namespace()).isEqualTo(CommandNamespace.AWS_IOT);
    assertThat(got.displayName()).isEqualTo("Reboot");
    assertThat(got.description()).isEqualTo("Reboots the device");
    assertThat(got.payload().content().asUtf8String()).isEqualTo("{\"action\":\"reboot\"}");
    assertThat(got.payload().contentType()).isEqualTo("application/json");
    assertThat(got.createdAt()).isNotNull();
    assertThat(got.deprecated()).isFalse();

    assertThatThrownBy(() -> createReboot("Reboot2")).isInstanceOfSatisfying(ConflictException.class,
        e -> assertThat(e.statusCode()).isEqualTo(409));
    assertThatThrownBy(() -> iot.getCommand(b -> b.commandId("Nope")))
        .isInstanceOfSatisfying(ResourceNotFoundException.class, e -> assertThat(e.statusCode()).isEqualTo(404));
    assertThatThrownBy(() -> iot.createCommand(b -> b.commandId("NoPayload")))
        .isInstanceOfSatisfying(ValidationException.class, e -> assertThat(e.statusCode()).isEqualTo(400));
  }

  @Test
  void start_command_execution_reports_aws_errors() {
    String commandArn = createReboot("Reboot3");
    assertThatThrownBy(() -> jobs.startCommandExecution(b -> b.targetArn("dev-1").commandArn(commandArn)))
        .isInstanceOf(software.amazon.awssdk.services.iotjobsdataplane.model.ValidationException.class);
    assertThatThrownBy(() -> jobs.startCommandExecution(b -> b.targetArn(rig.thingArn("dev-1"))
        .commandArn("arn:aws:iot:us-east-1:123456789012:command/Unknown")))
        .isInstanceOf(software.amazon.awssdk.services.iotjobsdataplane.model.ResourceNotFoundException.class);
    assertThatThrownBy(() -> jobs.startCommandExecution(b -> b.targetArn(rig.thingArn("dev-1"))
        .commandArn(commandArn).executionTimeoutSeconds(43_201L)))
        .isInstanceOf(software.amazon.awssdk.services.iotjobsdataplane.model.ValidationException.class);
    assertThatThrownBy(() -> iot.getCommandExecution(b -> b.executionId("nope").targetArn(rig.thingArn("dev-1"))))
        .isInstanceOf(ResourceNotFoundException.class);

    String id = jobs.startCommandExecution(b -> b.targetArn(rig.thingArn("dev-1")).commandArn(commandArn)
        .clientToken("token-1")).executionId();
    assertThat(jobs.startCommandExecution(b -> b.targetArn(rig.thingArn("dev-1")).commandArn(commandArn)
        .clientToken("token-1")).executionId()).isEqualTo(id);
    assertThatThrownBy(() -> jobs.startCommandExecution(b -> b.targetArn(rig.thingArn("dev-2"))
        .commandArn(commandArn).clientToken("token-1")))
        .isInstanceOfSatisfying(software.amazon.awssdk.services.iotjobsdataplane.model.ConflictException.class,
            e -> assertThat(e.statusCode()).isEqualTo(409));
  }

  @Test
  void list_command_executions_filters_sorts_and_pages_through_the_sdk_paginator() {
    String commandArn = createReboot("Reboot4");
    postAuthorizations.clear();
    List<String> ids = new ArrayList<>();
    for (int i = 0; i < 5; i++) {
      String target = rig.thingArn(i % 2 == 0 ? "even-4" : "odd-4");
      ids.add(jobs.startCommandExecution(b -> b.targetArn(target).commandArn(commandArn)).executionId());
      rig.clock.advance(Duration.ofSeconds(1));
    }
    // Both SDK clients POST to /command-executions; the SigV4 scope names the service.
    assertThat(postAuthorizations).isNotEmpty().allMatch(a -> a.contains("/us-east-1/iot-jobs-data/aws4_request"));
    postAuthorizations.clear();
    List<String> newestFirst = iot.listCommandExecutionsPaginator(b -> b.commandArn(commandArn).maxResults(2))
        .commandExecutions().stream().map(CommandExecutionSummary::executionId).toList();
    assertThat(newestFirst).containsExactly(ids.get(4), ids.get(3), ids.get(2), ids.get(1), ids.get(0));

    ListCommandExecutionsResponse firstPage = iot.listCommandExecutions(b -> b.commandArn(commandArn).maxResults(2)
        .sortOrder(SortOrder.ASCENDING));
    assertThat(firstPage.commandExecutions()).extracting(CommandExecutionSummary::executionId)
        .containsExactly(ids.get(0), ids.get(1));
    assertThat(firstPage.nextToken()).isNotNull();

    ListCommandExecutionsResponse odd = iot.listCommandExecutions(b -> b.targetArn(rig.thingArn("odd-4")));
    assertThat(odd.commandExecutions()).extracting(CommandExecutionSummary::executionId)
        .containsExactlyInAnyOrder(ids.get(1), ids.get(3));
    assertThat(odd.commandExecutions()).allSatisfy(s -> {
      assertThat(s.status()).isEqualTo(CommandExecutionStatus.CREATED);
      assertThat(s.createdAt()).isNotNull();
      assertThat(s.commandArn()).isEqualTo(commandArn);
    });
    assertThat(iot.listCommandExecutions(b -> b.commandArn(commandArn).status(CommandExecutionStatus.SUCCEEDED))
        .commandExecutions()).isEmpty();

    assertThat(postAuthorizations).isNotEmpty().allMatch(a -> a.contains("/us-east-1/iot/aws4_request"));
    assertThatThrownBy(() -> iot.listCommandExecutions(b -> b.commandArn(commandArn).targetArn(rig.thingArn("odd-4"))))
        .isInstanceOf(ValidationException.class);
    assertThatThrownBy(() -> iot.listCommandExecutions(b -> b.commandArn(commandArn).nextToken("garbage")))
        .isInstanceOf(ValidationException.class);
  }
}
