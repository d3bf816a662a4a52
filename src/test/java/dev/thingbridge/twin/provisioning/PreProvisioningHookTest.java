package dev.thingbridge.twin.provisioning;

import static dev.thingbridge.twin.provisioning.ProvisioningTwinRig.body;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.sun.net.httpserver.HttpServer;
import dev.thingbridge.mqtt.MqttMessage;
import dev.thingbridge.mqtt.PayloadFormat;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Pre-provisioning hooks as local commands and URLs, with AWS's 5 s deny rule. */
class PreProvisioningHookTest {
  @TempDir Path dir;
  private ProvisioningTwinRig rig;
  private HttpServer http;

  @AfterEach
  void close() {
    if (rig != null) {
      rig.close();
    }
    if (http != null) {
      http.stop(0);
    }
  }

  private Path script(String name, String body) throws Exception {
    Path p = dir.resolve(name);
    Files.writeString(p, "#!/bin/sh\n" + body + "\n");
    Files.setPosixFilePermissions(p, PosixFilePermissions.fromString("rwx------"));
    return p;
  }

  private MqttMessage provision(String template, String serial) throws Exception {
    String token = rig.createKeys().get("certificateOwnershipToken").asText();
    return rig.request("$aws/provisioning-templates/" + template + "/provision/json",
        "{\"certificateOwnershipToken\":\"" + token + "\",\"parameters\":{\"Serial\":\"" + serial + "\"}}");
  }

  private void assertDenied(MqttMessage m) {
    assertThat(m.topic()).endsWith("/rejected");
    JsonNode b = body(m);
    assertThat(b.get("statusCode").asInt()).isEqualTo(403);
    assertThat(b.get("errorCode").asText()).isEqualTo("AccessDenied");
  }

  @Test
  void a_command_hook_sees_the_request_and_its_overrides_reach_the_template() throws Exception {
    Path seen = dir.resolve("input.json");
    Path hook = script("allow.sh", "cat > " + seen + "\n"
        + "echo '{\"allowProvisioning\":true,\"parameterOverrides\":{\"Region\":\"ap\"}}'");
    rig = new ProvisioningTwinRig();
    rig.createTemplate("Hooked", true, new ProvisioningTemplate.Hook(hook.toUri().toString(), "2020-04-01"));
    MqttMessage m = provision("Hooked", "SN-1");
    assertThat(m.topic()).endsWith("/accepted");
    assertThat(body(m).at("/deviceConfiguration/region").asText()).isEqualTo("ap");
    JsonNode input = PayloadFormat.JSON.readTree(Files.readAllBytes(seen));
    assertThat(input.get("templateArn").asText()).endsWith(":provisioningtemplate/Hooked");
    assertThat(input.at("/parameters/Serial").asText()).isEqualTo("SN-1");
    assertThat(input.get("certificatePem").asText()).startsWith("-----BEGIN CERTIFICATE-----");
    assertThat(rig.provisioning.describeCertificate(input.get("certificateId").asText()).status())
        .isEqualTo(CertificateStatus.ACTIVE);
  }

  @Test
  void a_hook_that_says_no_fails_or_answers_garbage_denies_and_creates_nothing() throws Exception {
    rig = new ProvisioningTwinRig();
    rig.createTemplate("No", true, new ProvisioningTemplate.Hook(
        script("no.sh", "echo '{\"allowProvisioning\":false}'").toString(), null));
    rig.createTemplate("Crash", true, new ProvisioningTemplate.Hook(
        script("crash.sh", "echo '{\"allowProvisioning\":true}'; exit 3").toString(), null));
    rig.createTemplate("Garbage", true, new ProvisioningTemplate.Hook(script("garbage.sh", "echo nope").toString(), null));
    rig.createTemplate("Missing", true, new ProvisioningTemplate.Hook(dir.resolve("absent.sh").toString(), null));
    for (String t : new String[] {"No", "Crash", "Garbage", "Missing"}) {
      assertDenied(provision(t, "SN-" + t));
    }
    assertThat(rig.registry.list(null, null, false, null)).isEmpty();
  }

  @Test
  void a_hook_that_takes_longer_than_its_time_denies_and_that_time_is_five_seconds_by_default() throws Exception {
    // AWS's rule is 5 s; the rig shortens it so that the suite does not wait 5 s for the same behaviour.
    assertThat(ProvisioningSettings.DEFAULTS.hookTimeout()).isEqualTo(Duration.ofSeconds(5));
    rig = new ProvisioningTwinRig(ProvisioningSettings.DEFAULTS.withRsaKeys(false)
        .withHookTimeout(Duration.ofMillis(400)), PreProvisioningHook::forTarget);
    rig.createTemplate("Slow", true, new ProvisioningTemplate.Hook(
        script("slow.sh", "sleep 30; echo '{\"allowProvisioning\":true}'").toString(), null));
    long start = System.nanoTime();
    assertDenied(provision("Slow", "SN-1"));
    Duration took = Duration.ofNanos(System.nanoTime() - start);
    assertThat(took).isBetween(Duration.ofMillis(390), Duration.ofSeconds(4));
  }

  @Test
  void a_url_hook_is_posted_the_input() throws Exception {
    AtomicReference<String> received = new AtomicReference<>();
    http = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 4);
    http.createContext("/hook", ex -> {
      received.set(new String(ex.getRequestBody().readAllBytes(), StandardCharsets.UTF_8));
      byte[] answer = "{\"allowProvisioning\":true}".getBytes(StandardCharsets.UTF_8);
      ex.sendResponseHeaders(200, answer.length);
      try (OutputStream o = ex.getResponseBody()) {
        o.write(answer);
      }
    });
    http.createContext("/deny", ex -> {
      ex.sendResponseHeaders(500, -1);
      ex.close();
    });
    http.start();
    rig = new ProvisioningTwinRig();
    String base = "http://127.0.0.1:" + http.getAddress().getPort();
    rig.createTemplate("Url", true, new ProvisioningTemplate.Hook(base + "/hook", null));
    rig.createTemplate("Err", true, new ProvisioningTemplate.Hook(base + "/deny", null));
    assertThat(provision("Url", "SN-9").topic()).endsWith("/accepted");
    assertThat(PayloadFormat.JSON.readTree(received.get().getBytes(StandardCharsets.UTF_8)).at("/parameters/Serial")
        .asText()).isEqualTo("SN-9");
    assertDenied(provision("Err", "SN-10"));
  }
}
