package dev.thingbridge.twin.broker;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.thingbridge.mqtt.MqttClient;
import dev.thingbridge.mqtt.MqttMessage;
import dev.thingbridge.mqtt.QoS;
import dev.thingbridge.mqtt.SubscriptionFilter;
import dev.thingbridge.mqtt.crt.CrtMqttClient;
import dev.thingbridge.mqtt.crt.CrtMqttOptions;
import dev.thingbridge.testing.ChildProcess;
import dev.thingbridge.testing.Mosquitto;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.iot.IotClient;
import software.amazon.awssdk.services.iot.model.JobExecutionStatus;
import software.amazon.awssdk.services.iotdataplane.IotDataPlaneClient;

/**
 * The packaged twin ({@code java -jar thingbridge.jar twin --broker ... --state-dir DIR}) killed with
 * SIGKILL while devices keep it busy, right after a batch of acknowledgements was seen, then started again
 * on the same directory: no change a device or the HTTP API saw acknowledged is lost (a change in flight at
 * the kill may or may not be there, never half of it). And a state directory the twin cannot use is refused
 * at start with one line.
 */
@Timeout(value = 240, unit = TimeUnit.SECONDS)
class TwinKillIT {
  private static final String JAR = System.getProperty("thingbridge.jar", "target/thingbridge.jar");
  private static final Duration START = Duration.ofSeconds(30);
  private static final Duration WAIT = Duration.ofSeconds(10);
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final String API_LINE = "twin: AWS-compatible HTTP API on ";
  private static final int THINGS = 8;
  /** Acknowledged shadow updates after which the twin is killed, with more still in flight. */
  private static final int KILL_AFTER = 400;

  @TempDir Path dir;

  private ChildProcess twin(Mosquitto broker, String sync) throws Exception {
    return ChildProcess.start(ChildProcess.javaJar(JAR, "twin", "--endpoint", broker.endpoint().toString(),
        "--api-port", "0", "--state-dir", dir.resolve("state").toString(), "--sync", sync));
  }

  private static URI awaitApi(ChildProcess p) throws InterruptedException {
    String line = p.awaitLine(l -> l.startsWith(API_LINE), START);
    p.awaitLine(l -> l.startsWith("ready: "), START);
    return URI.create(line.substring(API_LINE.length()).trim());
  }

  private static IotClient iot(URI api) {
    return IotClient.builder().endpointOverride(api).region(Region.US_EAST_1)
        .credentialsProvider(MosquittoTwinRig.DUMMY_CREDENTIALS).httpClient(UrlConnectionHttpClient.create()).build();
  }

  private static IotDataPlaneClient data(URI api) {
    return IotDataPlaneClient.builder().endpointOverride(api).region(Region.US_EAST_1)
        .credentialsProvider(MosquittoTwinRig.DUMMY_CREDENTIALS).httpClient(UrlConnectionHttpClient.create()).build();
  }

  @ParameterizedTest(name = "--sync {0}")
  @ValueSource(strings = {"normal", "full"})
  void a_kill_9_right_after_acknowledgements_loses_none_of_them(String sync) throws Exception {
    Map<String, Long> ackedVersion = new ConcurrentHashMap<>();
    Map<String, Boolean> ackedSucceeded = new ConcurrentHashMap<>();
    List<String> jobThings = new ArrayList<>();
    try (Mosquitto broker = Mosquitto.plain(dir.resolve("broker"));
        MqttClient device = CrtMqttClient.connect(CrtMqttOptions.builder(broker.endpoint(), "kill-devices").build(),
            WAIT)) {
      ChildProcess first = twin(broker, sync);
      try (IotClient iot = iot(awaitApi(first))) {
        for (int t = 0; t < THINGS; t++) {
          String thing = "kill-" + t;
          String arn = iot.createThing(b -> b.thingName(thing)).thingArn();
          iot.createJob(b -> b.jobId("job-" + thing).targets(arn).document("{\"n\":1}"));
          jobThings.add(thing);
        }
        AtomicInteger acked = new AtomicInteger();
        CountDownLatch enough = new CountDownLatch(1);
        // Each thing: start-next, SUCCEEDED, then shadow updates n=1,2,3,... one in flight at a time.
        device.subscribe(List.of(SubscriptionFilter.of("$aws/things/+/shadow/update/accepted", QoS.AT_LEAST_ONCE),
            SubscriptionFilter.of("$aws/things/+/jobs/+/accepted", QoS.AT_LEAST_ONCE),
            SubscriptionFilter.of("$aws/things/+/jobs/+/+/accepted", QoS.AT_LEAST_ONCE)), m -> {
              String thing = m.topic().split("/")[2];
              JsonNode body = read(m);
              if (m.topic().endsWith("/start-next/accepted")) {
                send(device, "$aws/things/" + thing + "/jobs/job-" + thing + "/update", "{\"status\":\"SUCCEEDED\"}");
              } else if (m.topic().endsWith("/jobs/job-" + thing + "/update/accepted")) {
                ackedSucceeded.put(thing, true);
                update(device, thing, 1);
              } else if (m.topic().endsWith("/shadow/update/accepted")) {
                long version = body.path("version").asLong();
                ackedVersion.merge(thing, version, Math::max);
                if (acked.incrementAndGet() == KILL_AFTER) {
                  enough.countDown();
                }
                update(device, thing, version + 1);
              }
            }).get(10, TimeUnit.SECONDS);
        for (String thing : jobThings) {
          send(device, "$aws/things/" + thing + "/jobs/start-next", "{}");
        }
        assertThat(enough.await(60, TimeUnit.SECONDS)).as(first.output()).isTrue();
        first.process().destroyForcibly(); // SIGKILL, with the other things' updates in flight
        assertThat(first.process().waitFor(10, TimeUnit.SECONDS)).isTrue();
      } finally {
        first.close();
      }
      Map<String, Long> seen = Map.copyOf(ackedVersion);
      assertThat(Files.exists(dir.resolve("state/twin.db"))).isTrue();

      try (ChildProcess second = twin(broker, sync)) {
        URI api = awaitApi(second);
        try (IotClient iot = iot(api); IotDataPlaneClient data = data(api)) {
          for (String thing : jobThings) {
            assertThat(iot.describeThing(b -> b.thingName(thing)).thingName()).isEqualTo(thing);
            if (ackedSucceeded.containsKey(thing)) {
              assertThat(iot.describeJobExecution(b -> b.jobId("job-" + thing).thingName(thing)).execution().status())
                  .as(thing).isEqualTo(JobExecutionStatus.SUCCEEDED);
            }
            Long acked = seen.get(thing);
            if (acked == null) {
              continue;
            }
            JsonNode shadow = JSON.readTree(data.getThingShadow(b -> b.thingName(thing)).payload().asByteArray());
            long version = shadow.path("version").asLong();
            // Every acknowledged update is there; at most the one in flight at the kill went further, whole.
            assertThat(version).as(thing).isBetween(acked, acked + 1);
            assertThat(shadow.at("/state/reported/n").asLong()).as(thing).isEqualTo(version);
          }
        }
        second.process().destroy();
      }
    }
  }

  @Test
  void a_state_dir_that_cannot_be_used_is_refused_at_start_with_one_line() throws Exception {
    Path file = Files.writeString(dir.resolve("not-a-dir"), "x");
    try (Mosquitto broker = Mosquitto.plain(dir.resolve("broker"))) {
      for (String stateDir : List.of(file.toString(), "/proc/thingbridge-twin-state")) {
        try (ChildProcess p = ChildProcess.start(ChildProcess.javaJar(JAR, "twin", "--endpoint",
            broker.endpoint().toString(), "--api-port", "-1", "--state-dir", stateDir))) {
          assertThat(p.awaitExit(START)).as("a state dir the twin cannot use is a usage error; " + p.output())
              .isEqualTo(2);
          List<String> errors = p.output().lines().filter(l -> l.startsWith("error: ")).toList();
          assertThat(errors).as(p.output()).singleElement().asString()
              .startsWith("error: ").contains(stateDir);
          assertThat(p.output()).doesNotContain("Exception").doesNotContain("\tat ");
        }
      }
    }
  }

  private static JsonNode read(MqttMessage m) {
    try {
      return JSON.readTree(m.payload());
    } catch (java.io.IOException e) {
      throw new IllegalStateException(e);
    }
  }

  private static void update(MqttClient device, String thing, long n) {
    send(device, "$aws/things/" + thing + "/shadow/update", "{\"state\":{\"reported\":{\"n\":" + n + "}}}");
  }

  private static void send(MqttClient device, String topic, String payload) {
    device.publish(topic, payload.getBytes(StandardCharsets.UTF_8), QoS.AT_LEAST_ONCE, false);
  }
}
