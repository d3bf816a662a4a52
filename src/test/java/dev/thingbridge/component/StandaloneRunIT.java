package dev.thingbridge.component;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.thingbridge.mqtt.MqttClient;
import dev.thingbridge.mqtt.QoS;
import dev.thingbridge.mqtt.Subscription;
import dev.thingbridge.mqtt.crt.CrtMqttClient;
import dev.thingbridge.mqtt.crt.CrtMqttOptions;
import dev.thingbridge.testing.ChildProcess;
import dev.thingbridge.testing.Mosquitto;
import dev.thingbridge.testing.TestPki;
import dev.thingbridge.twin.Twin;
import dev.thingbridge.twin.jobs.ExecutionStatus;
import dev.thingbridge.twin.jobs.JobRequest;
import dev.thingbridge.twin.jobs.JobsService;
import dev.thingbridge.twin.shadows.ShadowsService;
import dev.thingbridge.twin.things.ThingRegistry;
import dev.thingbridge.twin.things.ThingsService;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code run} outside Greengrass, as a user starts it on a gateway: the packaged jar over mutual TLS to a real
 * broker, with the twin as the cloud on the same broker. One process hosts the thing's agents on one connection:
 * a desired change is applied and acknowledged, a job is run by its handler executable.
 */
@Timeout(120)
class StandaloneRunIT {
  private static final Duration WAIT = Duration.ofSeconds(60);
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final String THING = "gw-standalone";

  @Test
  void run_over_mutual_tls_acknowledges_a_delta_and_runs_a_job(@TempDir Path dir) throws Exception {
    TestPki pki = TestPki.create(dir.resolve("pki"));
    TestPki.ClientCredentials cloudId = pki.newClient("cloud");
    TestPki.ClientCredentials deviceId = pki.newClient(THING);
    TestPki.ClientCredentials operatorId = pki.newClient("operator");
    Path work = Files.createDirectories(dir.resolve("work"));
    Path handlers = Files.createDirectories(dir.resolve("handlers"));
    Path hello = handlers.resolve("hello");
    Files.writeString(hello, "#!/bin/sh\necho hello from the handler\n");
    Files.setPosixFilePermissions(hello, PosixFilePermissions.fromString("rwxr-xr-x"));
    Path config = work.resolve("thingbridge.yaml");
    Files.writeString(config, "jobs:\n  handlerDir: \"" + handlers + "\"\n");

    try (Mosquitto broker = Mosquitto.tls(dir.resolve("broker"), pki);
        MqttClient cloud = CrtMqttClient.connect(CrtMqttOptions.builder(broker.endpoint(), "cloud")
            .clientCertificate(cloudId.certificate(), cloudId.privateKey())
            .certificateAuthority(pki.caFile()).build(), WAIT);
        // A client of its own: the twin subscribes with No Local, so its own client's requests never reach it.
        MqttClient operator = CrtMqttClient.connect(CrtMqttOptions.builder(broker.endpoint(), "operator")
            .clientCertificate(operatorId.certificate(), operatorId.privateKey())
            .certificateAuthority(pki.caFile()).build(), WAIT)) {
      ThingsService things = new ThingsService(new ThingRegistry());
      JobsService jobs = new JobsService(things.registry());
      try (Twin twin = Twin.builder(cloud).service(things).service(new ShadowsService()).service(jobs).build()) {
        twin.start().get(WAIT.toSeconds(), java.util.concurrent.TimeUnit.SECONDS);
        things.createThing(THING);
        ProcessBuilder command = ChildProcess.javaJar(System.getProperty("thingbridge.jar"), "run",
            "--endpoint", broker.endpoint().toString(), "--cert", deviceId.certificate().toString(),
            "--key", deviceId.privateKey().toString(), "--ca", pki.caFile().toString(), "--thing", THING,
            "--config", config.toString()).directory(work.toFile());
        command.environment().keySet().removeIf(k -> k.startsWith("THINGBRIDGE_") || k.startsWith("SVCUID")
            || k.startsWith("AWS_GG"));
        try (ChildProcess device = ChildProcess.start(command)) {
          device.awaitLine(l -> l.contains("thingbridge running"), WAIT);

          Subscription documents = operator.subscribe("$aws/things/" + THING + "/shadow/update/documents",
              QoS.AT_LEAST_ONCE).get(10, java.util.concurrent.TimeUnit.SECONDS);
          operator.publish("$aws/things/" + THING + "/shadow/update",
              "{\"state\":{\"desired\":{\"lamp\":\"on\"}}}".getBytes(StandardCharsets.UTF_8), QoS.AT_LEAST_ONCE,
              false).get(10, java.util.concurrent.TimeUnit.SECONDS);
          JsonNode acknowledged = null;
          long deadline = System.nanoTime() + WAIT.toNanos();
          while (acknowledged == null && System.nanoTime() < deadline) {
            JsonNode doc = JSON.readTree(documents.next(WAIT).payload()).path("current").path("state");
            if (doc.path("reported").path("lamp").asText().equals("on")) {
              acknowledged = doc;
            }
          }
          assertThat(acknowledged).as("the device reported lamp=on; output:%n%s", device.output()).isNotNull();

          jobs.createJob(JobRequest.builder("hello-1").document("{\"operation\":\"hello\"}")
              .target(things.registry().thingArn(THING)).build());
          await().atMost(WAIT).until(() -> jobs.describeJobExecution(THING, "hello-1", null).status()
              == ExecutionStatus.SUCCEEDED);
          assertThat(jobs.describeJobExecution(THING, "hello-1", null).statusDetails().toString())
              .contains("hello from the handler");
        }
      }
    }
  }
}
