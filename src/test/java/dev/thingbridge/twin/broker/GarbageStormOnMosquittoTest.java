package dev.thingbridge.twin.broker;

import static dev.thingbridge.twin.broker.MosquittoTwinRig.WAIT;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.thingbridge.mqtt.MqttClient;
import dev.thingbridge.mqtt.MqttMessage;
import dev.thingbridge.mqtt.QoS;
import dev.thingbridge.mqtt.Subscription;
import dev.thingbridge.mqtt.SubscriptionFilter;
import dev.thingbridge.twin.jobs.JobRequest;
import dev.thingbridge.twin.jobs.JobsService;
import dev.thingbridge.twin.shadows.ShadowsService;
import dev.thingbridge.twin.things.ThingsService;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * A malformed-input storm over Mosquitto: a client floods every request topic family of the twin (shadow
 * classic and named, jobs, commands JSON, CBOR and bare) with seeded random garbage, while a well-behaved
 * device keeps working against the same twin. The device must get every answer, in order and right, and
 * the twin must still serve correctly afterwards.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class GarbageStormOnMosquittoTest {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final long SEED = 0x7477_696eL;
  /** The storm goes on until the device is done, at most this many messages. */
  private static final int STORM_MAX_MESSAGES = 50_000;
  private static final int GOOD_ROUND_TRIPS = 40;

  @TempDir static Path dir;
  private static MosquittoTwinRig rig;

  @BeforeAll
  static void start() throws Exception {
    rig = new MosquittoTwinRig(dir);
  }

  @AfterAll
  static void stop() {
    rig.close();
  }

  /** Topics of every request family, for a random thing, shadow, job or execution. */
  private static String garbageTopic(Random r) {
    String thing = r.nextInt(10) == 0 ? "good-thing" : "storm-" + r.nextInt(5);
    String word = switch (r.nextInt(6)) {
      case 0 -> "x";
      case 1 -> "%s".repeat(r.nextInt(4) + 1);
      case 2 -> "job-" + r.nextInt(3);
      case 3 -> "$next";
      case 4 -> "a".repeat(r.nextInt(200) + 1);
      default -> Long.toHexString(r.nextLong());
    };
    String commands = "$aws/commands/" + (r.nextBoolean() ? "things/" : "clients/") + thing + "/executions/" + word;
    return switch (r.nextInt(14)) {
      case 0 -> "$aws/things/storm-" + r.nextInt(5) + "/shadow/update";
      case 1 -> "$aws/things/storm-" + r.nextInt(5) + "/shadow/get";
      case 2 -> "$aws/things/storm-" + r.nextInt(5) + "/shadow/delete";
      case 3 -> "$aws/things/storm-" + r.nextInt(5) + "/shadow/name/" + word + "/update";
      case 4 -> "$aws/things/" + thing + "/shadow/" + word;
      case 5 -> "$aws/things/" + thing + "/jobs/get";
      case 6 -> "$aws/things/" + thing + "/jobs/start-next";
      case 7 -> "$aws/things/" + thing + "/jobs/" + word + "/get";
      case 8 -> "$aws/things/storm-" + r.nextInt(5) + "/jobs/" + word + "/update";
      case 9 -> "$aws/things/" + thing + "/jobs/" + word;
      case 10 -> commands + "/response/json";
      case 11 -> commands + "/response/cbor";
      case 12 -> commands + "/response";
      default -> commands + "/response/" + word;
    };
  }

  private static byte[] garbagePayload(Random r) {
    return switch (r.nextInt(8)) {
      case 0 -> new byte[0];
      case 1 -> {
        byte[] b = new byte[r.nextInt(2048)];
        r.nextBytes(b);
        yield b;
      }
      case 2 -> "{\"state\":{\"desired\":".getBytes(StandardCharsets.UTF_8);
      case 3 -> ("{\"clientToken\":\"" + "t".repeat(r.nextInt(100)) + "\",\"state\":[1,2,{\"a\":null}]}")
          .getBytes(StandardCharsets.UTF_8);
      case 4 -> "[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[1]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]"
          .getBytes(StandardCharsets.UTF_8);
      case 5 -> ("{\"status\":\"" + List.of("SUCCEEDED", "IN_PROGRESS", "BOGUS", "").get(r.nextInt(4))
          + "\",\"expectedVersion\":" + (r.nextInt(5) - 2) + ",\"statusDetails\":{\"k\":" + r.nextInt() + "}}")
          .getBytes(StandardCharsets.UTF_8);
      case 6 -> new byte[] {(byte) 0xbf, (byte) 0x66, 's', 't', 'a', 't', 'u', 's', (byte) 0xff, 0x00};
      default -> {
        if (r.nextInt(4) != 0) {
          yield "{\"clientToken\":\"x\",\"status\":{}}".getBytes(StandardCharsets.UTF_8);
        }
        byte[] big = new byte[60_000 + r.nextInt(60_000)];
        java.util.Arrays.fill(big, (byte) '{');
        yield big;
      }
    };
  }

  /**
   * The reply to this device's request. Over a plain broker the twin answers a jobs request on its reply
   * topic, which every subscriber of that topic receives (AWS would answer only the requester), so the storm's
   * requests on this thing's topics are answered here too; a device tells its own by clientToken, as the
   * device SDK does.
   */
  private static JsonNode replyWithToken(Subscription replies, String token) throws Exception {
    long deadline = System.nanoTime() + WAIT.toNanos();
    while (true) {
      JsonNode reply = JSON.readTree(replies.next(java.time.Duration.ofNanos(Math.max(1, deadline - System.nanoTime())))
          .payload());
      if (reply.path("clientToken").asText().equals(token)) {
        return reply;
      }
    }
  }

  @Test
  void a_well_behaved_device_gets_every_answer_while_another_client_floods_every_request_topic() throws Exception {
    ThingsService things = rig.twin.twin().service(ThingsService.class);
    things.createThing("good-thing");
    rig.twin.twin().service(JobsService.class).createJob(JobRequest.builder("good-job")
        .document("{\"operation\":\"noop\"}").target(things.registry().thingArn("good-thing")).build());

    // The storm's own client checks only MQTT's limits, so that over-long topics and payloads reach the broker.
    MqttClient storm = rig.own(dev.thingbridge.mqtt.crt.CrtMqttClient.connect(rig.clientOptions("storm-client")
        .toBuilder().limits(new dev.thingbridge.mqtt.MqttLimits(1024 * 1024, 65_535)).build(), WAIT));
    MqttClient good = rig.device("good-thing");
    String shadow = "$aws/things/good-thing/shadow/name/steady/";
    Subscription shadowReplies = good.subscribe(List.of(SubscriptionFilter.of(shadow + "update/accepted", QoS.AT_LEAST_ONCE),
        SubscriptionFilter.of(shadow + "update/rejected", QoS.AT_LEAST_ONCE))).get(10, TimeUnit.SECONDS);
    Subscription jobsReplies = good.subscribe("$aws/things/good-thing/jobs/$next/get/accepted", QoS.AT_LEAST_ONCE)
        .get(10, TimeUnit.SECONDS);

    AtomicInteger sent = new AtomicInteger();
    java.util.concurrent.atomic.AtomicBoolean deviceDone = new java.util.concurrent.atomic.AtomicBoolean();
    CompletableFuture<Void> flood = CompletableFuture.runAsync(() -> {
      Random r = new Random(SEED);
      List<CompletableFuture<Void>> inFlight = new ArrayList<>();
      for (int i = 0; i < STORM_MAX_MESSAGES && !deviceDone.get(); i++) {
        inFlight.add(storm.publish(garbageTopic(r), garbagePayload(r), QoS.AT_LEAST_ONCE, false)
            .exceptionally(e -> null));
        sent.incrementAndGet();
        if (inFlight.size() == 64) {
          inFlight.forEach(CompletableFuture::join);
          inFlight.clear();
        }
      }
      inFlight.forEach(CompletableFuture::join);
    });

    for (int i = 1; i <= GOOD_ROUND_TRIPS; i++) {
      String token = "good-" + i;
      good.publish(shadow + "update", ("{\"state\":{\"reported\":{\"n\":" + i + "}},\"clientToken\":\"" + token
          + "\"}").getBytes(StandardCharsets.UTF_8), QoS.AT_LEAST_ONCE, false).get(10, TimeUnit.SECONDS);
      MqttMessage reply = shadowReplies.next(WAIT);
      assertThat(reply.topic()).isEqualTo(shadow + "update/accepted");
      JsonNode accepted = JSON.readTree(reply.payload());
      assertThat(accepted.path("clientToken").asText()).isEqualTo(token);
      assertThat(accepted.path("version").asLong()).isEqualTo(i);

      good.publish("$aws/things/good-thing/jobs/$next/get", ("{\"clientToken\":\"" + token + "\"}")
          .getBytes(StandardCharsets.UTF_8), QoS.AT_LEAST_ONCE, false).get(10, TimeUnit.SECONDS);
      assertThat(replyWithToken(jobsReplies, token).path("execution").path("jobId").asText()).isEqualTo("good-job");
    }
    int sentWhileWorking = sent.get();
    deviceDone.set(true);
    flood.get(60, TimeUnit.SECONDS);
    assertThat(sentWhileWorking).as("garbage messages sent while the device worked").isGreaterThan(200);

    // After the storm: the state is exactly what the good device made it, and the twin still answers.
    JsonNode steady = rig.twin.twin().service(ShadowsService.class).get("good-thing", "steady");
    assertThat(steady.path("version").asLong()).isEqualTo(GOOD_ROUND_TRIPS);
    assertThat(steady.at("/state/reported/n").asInt()).isEqualTo(GOOD_ROUND_TRIPS);
    good.publish(shadow + "update", "{\"state\":{\"reported\":{\"after\":true}}}".getBytes(StandardCharsets.UTF_8),
        QoS.AT_LEAST_ONCE, false).get(10, TimeUnit.SECONDS);
    assertThat(JSON.readTree(shadowReplies.next(WAIT).payload()).path("version").asLong())
        .isEqualTo(GOOD_ROUND_TRIPS + 1);
  }
}
