package dev.thingbridge.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.thingbridge.mqtt.MqttClient;
import dev.thingbridge.mqtt.MqttMessage;
import dev.thingbridge.mqtt.QoS;
import dev.thingbridge.mqtt.Subscription;
import dev.thingbridge.mqtt.SubscriptionFilter;
import dev.thingbridge.mqtt.SubscriptionListener;
import dev.thingbridge.mqtt.local.LocalBroker;
import dev.thingbridge.testing.Mosquitto;
import dev.thingbridge.twin.Twin;
import dev.thingbridge.twin.jobs.JobRequest;
import dev.thingbridge.twin.jobs.JobsService;
import dev.thingbridge.twin.things.ThingRegistry;
import dev.thingbridge.twin.things.ThingsService;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.TimeUnit;

/**
 * Jobs round trips through the twin: a device runs start-next then update(SUCCEEDED) cycles against the
 * twin's jobs service (jobs created through the plain-Java API), and the same cycles against a bare
 * responder that answers both requests with canned accepted messages on the same bus, in the same run. The
 * ratio is what the twin's jobs logic costs over the bus alone. The bare responder has its own client, so it
 * shares no connection or delivery thread with the twin.
 *
 * <p>Runs on the in-process bus, then through a real Mosquitto (plain TCP on loopback) with the direct
 * aws-crt backend. The twin runs with relaxed limits (AWS's per-thing rate limit would measure the throttle).
 *
 * <p>Run: {@code ./mvnw -q -B test-compile exec:java -Dexec.classpathScope=test
 * -Dexec.mainClass=dev.thingbridge.bench.TwinJobsBench [-Dexec.args="BUS_CYCLES BROKER_CYCLES"]}.
 */
public final class TwinJobsBench {
  private static final Duration WAIT = Duration.ofSeconds(10);
  private static final ObjectMapper JSON = new ObjectMapper();

  private TwinJobsBench() {}

  public static void main(String[] args) throws Exception {
    int busCycles = args.length > 0 ? Integer.parseInt(args[0]) : 5000;
    int brokerCycles = args.length > 1 ? Integer.parseInt(args[1]) : 2000;
    LocalBroker bus = new LocalBroker();
    try (MqttClient twinSide = bus.connect("bench-twin"); MqttClient bareSide = bus.connect("bench-bare");
        MqttClient deviceSide = bus.connect("bench-device")) {
      System.out.println("Jobs cycles on the in-process bus");
      run(twinSide, bareSide, deviceSide, busCycles);
    }
    Path dir = Files.createTempDirectory("twin-jobs-bench");
    try (Mosquitto broker = Mosquitto.plain(dir);
        MqttClient twinSide = TwinShadowBench.connect(broker, "bench-twin");
        MqttClient bareSide = TwinShadowBench.connect(broker, "bench-bare");
        MqttClient deviceSide = TwinShadowBench.connect(broker, "bench-device")) {
      System.out.println("Jobs cycles through Mosquitto (plain TCP, loopback, aws-crt direct backend)");
      run(twinSide, bareSide, deviceSide, brokerCycles);
    }
    System.exit(0); // the CRT's static event loop keeps native threads alive
  }

  /** Measures both sides with these clients (the twin's, the bare responder's, the device's) and prints the table. */
  public static void run(MqttClient twinSide, MqttClient bareSide, MqttClient deviceSide, int cycles) throws Exception {
    // Warm-up rounds, then the measured ones; each round uses its own thing so state never carries over.
    bareResponder(bareSide, deviceSide, "warm-bare", cycles / 5);
    twin(twinSide, deviceSide, "warm-twin", cycles / 5, 10);
    double bare = bareResponder(bareSide, deviceSide, "bench-bare", cycles);
    double shallow = twin(twinSide, deviceSide, "bench-twin-10", cycles, 10);
    double deep = twin(twinSide, deviceSide, "bench-twin-1000", cycles, 1000);
    System.out.printf(Locale.ROOT, "%-52s %8s %10s %8s%n", "jobs cycle (start-next + update SUCCEEDED)", "cycles",
        "cycles/s", "ratio");
    System.out.printf(Locale.ROOT, "%-52s %8d %10.0f %8.2f%n", "bare responder, canned replies (baseline)", cycles,
        bare, 1.0);
    System.out.printf(Locale.ROOT, "%-52s %8d %10.0f %8.2f%n", "twin jobs service, 10 jobs queued per thing", cycles,
        shallow, shallow / bare);
    System.out.printf(Locale.ROOT, "%-52s %8d %10.0f %8.2f%n", "twin jobs service, 1000 jobs queued per thing", cycles,
        deep, deep / bare);
  }

  /**
   * The twin round: the thing's queue is refilled to {@code depth} jobs through the plain-Java API between
   * batches, outside the timed part, so the figure is the device round trips at that queue depth.
   */
  private static double twin(MqttClient twinSide, MqttClient deviceSide, String thing, int cycles, int depth)
      throws Exception {
    ThingRegistry registry = new ThingRegistry();
    ThingsService things = new ThingsService(registry);
    JobsService jobs = new JobsService(registry);
    try (Twin twin = Twin.builder(twinSide).service(things).service(jobs).build()) {
      twin.start().get(10, TimeUnit.SECONDS);
      things.createThing(thing);
      long nanos = 0;
      int created = 0;
      int done = 0;
      int batch = Math.max(1, Math.min(depth, 100));
      while (done < cycles) {
        while (created - done < depth) {
          jobs.createJob(JobRequest.builder("job-" + created).document("{\"operation\":\"reboot\",\"n\":" + created
              + "}").target(registry.thingArn(thing)).build());
          created++;
        }
        int n = Math.min(batch, cycles - done);
        nanos += timedCycles(deviceSide, thing, n);
        done += n;
      }
      return cycles / (nanos / 1e9);
    }
  }

  private static double bareResponder(MqttClient twinSide, MqttClient deviceSide, String thing, int cycles)
      throws Exception {
    String prefix = "$aws/things/" + thing + "/jobs/";
    byte[] started = ("{\"execution\":{\"jobId\":\"job\",\"thingName\":\"" + thing + "\",\"jobDocument\":"
        + "{\"operation\":\"reboot\"},\"status\":\"IN_PROGRESS\",\"queuedAt\":1700000000,\"startedAt\":1700000000,"
        + "\"lastUpdatedAt\":1700000000,\"versionNumber\":2,\"executionNumber\":1},\"timestamp\":1700000000}")
        .getBytes(StandardCharsets.UTF_8);
    byte[] updated = "{\"timestamp\":1700000000}".getBytes(StandardCharsets.UTF_8);
    SubscriptionListener responder = new SubscriptionListener() {
      @Override
      public void onMessage(MqttMessage m) {
        twinSide.publish(MqttMessage.of(m.topic() + "/accepted", m.topic().endsWith("start-next") ? started : updated,
            QoS.AT_LEAST_ONCE));
      }

      @Override
      public void onSessionLost() {}
    };
    try (Subscription s = twinSide.subscribe(List.of(
        new SubscriptionFilter(prefix + "start-next", QoS.AT_LEAST_ONCE, true),
        new SubscriptionFilter(prefix + "+/update", QoS.AT_LEAST_ONCE, true)), responder).get(10, TimeUnit.SECONDS)) {
      return cycles / (timedCycles(deviceSide, thing, cycles) / 1e9);
    }
  }

  /** Runs the device side: cycles of start-next then update(SUCCEEDED), each waiting for its accepted reply. */
  private static long timedCycles(MqttClient device, String thing, int cycles) throws Exception {
    String prefix = "$aws/things/" + thing + "/jobs/";
    try (Subscription replies = device.subscribe(List.of(
        SubscriptionFilter.of(prefix + "start-next/accepted", QoS.AT_LEAST_ONCE),
        SubscriptionFilter.of(prefix + "+/update/accepted", QoS.AT_LEAST_ONCE))).get(10, TimeUnit.SECONDS)) {
      byte[] startNext = "{\"clientToken\":\"b\"}".getBytes(StandardCharsets.UTF_8);
      byte[] succeeded = "{\"status\":\"SUCCEEDED\",\"clientToken\":\"b\"}".getBytes(StandardCharsets.UTF_8);
      long t0 = System.nanoTime();
      for (int i = 0; i < cycles; i++) {
        device.publish(prefix + "start-next", startNext, QoS.AT_LEAST_ONCE, false);
        JsonNode reply = JSON.readTree(expect(replies, prefix + "start-next/accepted").payload());
        String jobId = reply.at("/execution/jobId").asText();
        if (jobId.isEmpty()) {
          throw new IllegalStateException("no job pending at cycle " + i);
        }
        device.publish(prefix + jobId + "/update", succeeded, QoS.AT_LEAST_ONCE, false);
        expect(replies, prefix + jobId + "/update/accepted");
      }
      return System.nanoTime() - t0;
    }
  }

  private static MqttMessage expect(Subscription replies, String topic) throws InterruptedException {
    MqttMessage m = replies.next(WAIT);
    if (!m.topic().equals(topic)) {
      throw new IllegalStateException("expected " + topic + " but got " + m.topic() + ": " + m.payloadAsString());
    }
    return m;
  }
}
