package dev.thingbridge.component;

import static dev.thingbridge.component.SiblingRig.GATEWAY;
import static dev.thingbridge.component.SiblingRig.SENSOR;
import static dev.thingbridge.component.SiblingRig.WAIT;
import static dev.thingbridge.component.SiblingRig.json;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import dev.thingbridge.shadows.model.ShadowUpdateRequest;
import dev.thingbridge.sibling.CommandResult;
import dev.thingbridge.sibling.JobResult;
import dev.thingbridge.sibling.ShadowDelta;
import dev.thingbridge.sibling.LocalApiErrorCode;
import dev.thingbridge.sibling.LocalApiException;
import dev.thingbridge.sibling.ThingBridgeClient;
import dev.thingbridge.testing.nucleus.FakeNucleus;
import dev.thingbridge.twin.jobs.ExecutionStatus;
import dev.thingbridge.twin.provisioning.ProvisioningService;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import java.time.Duration;

/**
 * The component's configuration under Greengrass: a deployment proposing a bad configuration is refused before
 * it applies, with the reason; a good one is accepted, and once merged it applies without a restart (jobs turned
 * off and on, a handler directory added; a shadow name added, Defender turned on, commands turned off). The
 * health shadow reports the component.
 */
@Timeout(60)
class ComponentConfigurationLiveTest {
  @TempDir Path work;
  SiblingRig rig;

  @BeforeEach
  void start() throws Exception {
    rig = new SiblingRig(work);
    rig.startComponent();
  }

  @AfterEach
  void stop() throws Exception {
    rig.close();
  }

  private Map<String, Object> current() {
    Map<String, Object> c = new LinkedHashMap<>();
    c.put("thingName", GATEWAY);
    return c;
  }

  @Test
  void a_bad_configuration_is_refused_before_it_applies_with_the_reason() throws Exception {
    Map<String, Object> bad = current();
    bad.put("shadows", Map.of("backend", "both"));
    FakeNucleus.ValidityReport refused = rig.nucleus.proposeConfiguration(bad, WAIT).orElseThrow();
    assertThat(refused.status()).isEqualTo("REJECTED");
    assertThat(refused.message()).contains("shadows.backend must be one of cloud, shadowManager");

    Map<String, Object> missingDir = current();
    missingDir.put("jobs", Map.of("handlerDir", "no-such-dir"));
    assertThat(rig.nucleus.proposeConfiguration(missingDir, WAIT).orElseThrow().message())
        .contains("jobs.handlerDir is not a directory");

    Map<String, Object> good = current();
    good.put("jobs", Map.of("claimWaitSeconds", "5"));
    FakeNucleus.ValidityReport accepted = rig.nucleus.proposeConfiguration(good, WAIT).orElseThrow();
    assertThat(accepted.status()).isEqualTo("ACCEPTED");
    assertThat(accepted.message()).isNull();
  }

  @Test
  void a_changed_configuration_applies_without_a_restart() throws Exception {
    ThingBridgeClient sensor = rig.sibling(SENSOR);
    rig.nucleus.updateConfiguration(List.of("jobs", "enabled"), "false");
    await().atMost(WAIT).untilAsserted(() -> {
      try {
        sensor.jobs().claim(null, "x", job -> JobResult.succeeded()).get(WAIT.toMillis(), TimeUnit.MILLISECONDS);
        throw new AssertionError("jobs still on");
      } catch (ExecutionException e) {
        assertThat(((LocalApiException) e.getCause()).code()).isEqualTo(LocalApiErrorCode.NOT_ENABLED);
      }
    });
    rig.createJob("queued-1", "{\"operation\":\"hello\"}");
    await("no agent takes it").during(Duration.ofMillis(500)).atMost(WAIT)
        .until(() -> rig.execution("queued-1").status() == ExecutionStatus.QUEUED);

    // A handler directory and jobs back on: the queued job runs through its executable.
    Path handlers = Files.createDirectories(work.resolve("handlers"));
    Path hello = handlers.resolve("hello");
    Files.writeString(hello, "#!/bin/sh\necho \"hello from $THINGBRIDGE_JOB_ID\"\n");
    Files.setPosixFilePermissions(hello, PosixFilePermissions.fromString("rwxr-xr-x"));
    rig.nucleus.updateConfiguration(List.of("jobs"), Map.of("enabled", "true", "handlerDir", "handlers"));

    await().atMost(WAIT).untilAsserted(() -> {
      var execution = rig.execution("queued-1");
      assertThat(execution.status()).isEqualTo(ExecutionStatus.SUCCEEDED);
      assertThat(execution.statusDetails()).containsEntry("stdout", "hello from queued-1");
    });
  }

  @Test
  void kept_shadows_commands_and_defender_follow_a_live_change() throws Exception {
    ThingBridgeClient sensor = rig.sibling(SENSOR);
    assertThat(failure(sensor.events().defenderReport(null, json("{\"temp\":3}"))))
        .isEqualTo(LocalApiErrorCode.NOT_ENABLED);

    // "fan" becomes a kept shadow and Defender comes on: no restart, the next delta is the component's to apply.
    rig.nucleus.updateConfiguration(List.of("shadows", "names"), List.of("fan"));
    rig.nucleus.updateConfiguration(List.of("defender"), Map.of("enabled", "true", "intervalSeconds", "3600"));
    await().atMost(WAIT).untilAsserted(() -> assertThat(sensor.call("shadow", "get", json("{\"shadow\":\"fan\"}"))
        .handle((r, e) -> e).get(WAIT.toMillis(), TimeUnit.MILLISECONDS)).as("the shadow was created").isNull());
    BlockingQueue<ShadowDelta> deltas = new LinkedBlockingQueue<>();
    sensor.shadows().watch(null, "fan", deltas::add).get(WAIT.toMillis(), TimeUnit.MILLISECONDS);
    rig.cloudShadow(GATEWAY, "fan").update(new ShadowUpdateRequest(json("{\"speed\":2}"), null, null, null))
        .get(5, TimeUnit.SECONDS);
    ShadowDelta delta = deltas.poll(WAIT.toMillis(), TimeUnit.MILLISECONDS);
    assertThat(delta).isNotNull();
    assertThat(delta.acknowledged()).as("applied by the component").isTrue();
    await().atMost(WAIT).untilAsserted(() -> assertThat(rig.cloudShadow(GATEWAY, "fan").get().get(5, TimeUnit.SECONDS)
        .reported()).isEqualTo(json("{\"speed\":2}")));

    // The sibling's report reaches the cloud through the component's connection.
    JsonNode report = sensor.events().defenderReport(null, json("{\"temp\":3}"))
        .get(WAIT.toMillis(), TimeUnit.MILLISECONDS);
    assertThat(report.path("accepted").asBoolean()).isTrue();
    assertThat(rig.defender.reports(GATEWAY)).anyMatch(r -> r.report().path("custom_metrics").has("temp"));

    // Commands off: a claim is refused as NOT_ENABLED instead of waiting for executions that never come.
    rig.nucleus.updateConfiguration(List.of("commands", "enabled"), "false");
    await().atMost(WAIT).untilAsserted(() -> assertThat(failure(sensor.commands().claim(null, "blink",
        command -> CommandResult.succeeded(Map.of())))).isEqualTo(LocalApiErrorCode.NOT_ENABLED));
  }

  @Test
  void a_kept_shadow_whose_first_sync_was_lost_goes_live_by_itself() throws Exception {
    // The cloud already wants speed 2; the reply to the component's first GET of "pump" is lost.
    rig.cloudShadow(GATEWAY, "pump").update(new ShadowUpdateRequest(json("{\"speed\":2}"), null, null, null))
        .get(5, TimeUnit.SECONDS);
    String get = "$aws/things/" + GATEWAY + "/shadow/name/pump/get";
    rig.script.enqueue(get, request -> List.of());
    rig.nucleus.updateConfiguration(List.of("mqtt"), Map.of("operationTimeoutSeconds", "1"));
    rig.nucleus.updateConfiguration(List.of("shadows", "names"), List.of("pump"));

    rig.script.awaitRequest(get, WAIT);
    // No publish, no reconnect: the failed start is retried (the operator stays off the topic until then)...
    assertThat(rig.script.awaitRequest(get, Duration.ofSeconds(4)).topic()).isEqualTo(get);
    // ...and the shadow applies what the cloud wants...
    await().atMost(WAIT).untilAsserted(() -> assertThat(rig.cloudShadow(GATEWAY, "pump").get()
        .get(5, TimeUnit.SECONDS).reported()).isEqualTo(json("{\"speed\":2}")));
    // ...and it is live: a later delta is acknowledged too.
    rig.cloudShadow(GATEWAY, "pump").update(new ShadowUpdateRequest(json("{\"speed\":3}"), null, null, null))
        .get(5, TimeUnit.SECONDS);
    await().atMost(WAIT).untilAsserted(() -> assertThat(rig.cloudShadow(GATEWAY, "pump").get()
        .get(5, TimeUnit.SECONDS).reported()).isEqualTo(json("{\"speed\":3}")));
  }

  @Test
  void a_sibling_provisions_a_device_by_claim_once_provisioning_is_turned_on() throws Exception {
    rig.provisioning.createProvisioningTemplate(new ProvisioningService.TemplateRequest("SensorTemplate",
        "{\"Parameters\":{\"Serial\":{\"Type\":\"String\"}},\"Resources\":{"
            + "\"thing\":{\"Type\":\"AWS::IoT::Thing\",\"Properties\":{\"ThingName\":"
            + "{\"Fn::Join\":[\"\",[\"sensor-\",{\"Ref\":\"Serial\"}]]}}},"
            + "\"certificate\":{\"Type\":\"AWS::IoT::Certificate\",\"Properties\":{\"CertificateId\":"
            + "{\"Ref\":\"AWS::IoT::Certificate::Id\"},\"Status\":\"Active\"}}}}",
        true, "sensors", null, null));
    ThingBridgeClient sensor = rig.sibling(SENSOR);
    assertThat(failure(sensor.events().provision("SensorTemplate", Map.of("Serial", "7"), null)))
        .isEqualTo(LocalApiErrorCode.NOT_ENABLED);

    rig.nucleus.updateConfiguration(List.of("provisioning", "enabled"), "true");
    JsonNode device = await().atMost(WAIT).ignoreExceptions().until(() -> sensor.events()
        .provision("SensorTemplate", Map.of("Serial", "7"), null).get(WAIT.toMillis(), TimeUnit.MILLISECONDS),
        r -> r != null);
    assertThat(device.path("thingName").asText()).isEqualTo("sensor-7");
    assertThat(device.path("certificatePem").asText()).startsWith("-----BEGIN CERTIFICATE-----");
    assertThat(device.path("privateKey").asText()).contains("PRIVATE KEY");
    assertThat(rig.things.registry().describe("sensor-7").thingName()).isEqualTo("sensor-7");
  }

  private static LocalApiErrorCode failure(java.util.concurrent.CompletableFuture<?> call) throws Exception {
    try {
      call.get(WAIT.toMillis(), TimeUnit.MILLISECONDS);
    } catch (ExecutionException e) {
      return ((LocalApiException) e.getCause()).code();
    }
    throw new AssertionError("the call succeeded");
  }

  @Test
  void the_component_reports_its_health_in_a_named_shadow() {
    // Until the first report lands the shadow does not exist (the GET is rejected with 404).
    await().atMost(WAIT).ignoreExceptionsInstanceOf(ExecutionException.class).untilAsserted(() -> {
      JsonNode reported = rig.cloudShadow(GATEWAY, "thingbridge").get().get(5, TimeUnit.SECONDS).reported();
      assertThat(reported.at("/component/name").asText()).isEqualTo("dev.thingbridge.ThingBridge");
      assertThat(reported.at("/component/connection").asText()).isEqualTo("connected");
      assertThat(reported.at("/things/0").asText()).isEqualTo(GATEWAY);
      assertThat(reported.at("/services/jobs").asText()).isEqualTo("on");
      assertThat(reported.path("mcus").isObject()).isTrue();
    });
  }
}
