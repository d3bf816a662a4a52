package dev.thingbridge.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.thingbridge.mqtt.MqttClient;
import dev.thingbridge.mqtt.MqttMessage;
import dev.thingbridge.mqtt.QoS;
import dev.thingbridge.mqtt.Subscription;
import dev.thingbridge.mqtt.SubscriptionListener;
import dev.thingbridge.mqtt.crt.CrtMqttClient;
import dev.thingbridge.mqtt.crt.CrtMqttOptions;
import dev.thingbridge.shadows.Shadow;
import dev.thingbridge.shadows.ShadowTopics;
import dev.thingbridge.shadows.schema.ShadowSchema;
import dev.thingbridge.shadows.store.FileKeyValueStore;
import dev.thingbridge.shadows.store.InMemoryKeyValueStore;
import dev.thingbridge.shadows.store.KeyValueStore;
import dev.thingbridge.testing.Mosquitto;
import dev.thingbridge.twin.TwinServer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.TimeUnit;

/**
 * Delta-to-acknowledgement through the twin on a real Mosquitto, the direct backend everywhere: an application
 * client sets {@code desired.seq = i} with an MQTT update, the twin publishes the delta, the device applies it and
 * reports it back, and the application sees the device's {@code update/accepted} carrying {@code reported.seq =
 * i}. One change in flight; latency is measured from the desired update to the acknowledgement's accepted reply.
 *
 * <p>Devices, in the same run on the same broker and twin: a bare client that only echoes {@code reported =
 * delta} (the baseline: no model, no persistence, no bookkeeping), the typed {@link Shadow} agent with an
 * in-memory store, and the agent with the file store (every delta written atomically with fsync).
 *
 * <p>Run: {@code ./mvnw -q -B test-compile exec:java -Dexec.classpathScope=test
 * -Dexec.mainClass=dev.thingbridge.bench.ShadowAgentBench [-Dexec.args=DELTAS]}
 */
public final class ShadowAgentBench {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final String THING = "bench-thing";
  private static final ShadowTopics TOPICS = ShadowTopics.classic(THING);

  /** The device's state type. */
  public record Settings(int seq, int level, String mode, Limits limits) {}

  /** A nested object, so deltas go through the model's object handling. */
  public record Limits(int min, int max) {}

  record Result(String name, int deltas, double perSecond, double p50Micros, double p99Micros) {}

  /** One kind of device under test. */
  interface Device extends AutoCloseable {
    @Override
    void close() throws Exception;
  }

  public static void main(String[] args) throws Exception {
    int n = args.length > 0 ? Integer.parseInt(args[0]) : 2_000;
    Path dir = Files.createTempDirectory("shadow-agent-bench");
    try (Mosquitto broker = Mosquitto.plain(dir.resolve("mosquitto"));
         MqttClient twinClient = connect(broker, "bench-twin");
         MqttClient app = connect(broker, "bench-app");
         MqttClient deviceClient = connect(broker, THING);
         TwinServer twin = TwinServer.start(twinClient, TwinServer.Options.defaults())) {
      List<Result> results = new ArrayList<>();
      String[] names = {"bare echo client", "agent, memory store", "agent, file store"};
      for (int round = 0; round < 2; round++) {
        boolean measure = round == 1;
        for (int k = 0; k < names.length; k++) {
          try (Device device = start(k, deviceClient, dir.resolve("state-" + round + "-" + k))) {
            Result r = run(app, measure ? n : n / 4, names[k]);
            if (measure) {
              results.add(r);
            }
          }
        }
      }
      print(results);
    }
  }

  private static MqttClient connect(Mosquitto broker, String id) throws InterruptedException {
    return CrtMqttClient.connect(CrtMqttOptions.builder(broker.endpoint(), id).build(), Duration.ofSeconds(10));
  }

  private static Device start(int kind, MqttClient mqtt, Path stateDir) throws Exception {
    if (kind == 0) {
      Subscription echo = mqtt.subscribe(TOPICS.eventFilters().subList(0, 1), new SubscriptionListener() {
        @Override
        public void onMessage(MqttMessage m) {
          try {
            JsonNode state = JSON.readTree(m.payload()).get("state");
            ObjectNode update = JSON.createObjectNode();
            update.putObject("state").set("reported", state);
            mqtt.publish(TOPICS.update(), JSON.writeValueAsBytes(update), QoS.AT_LEAST_ONCE, false);
          } catch (java.io.IOException e) {
            throw new IllegalStateException(e);
          }
        }
      }).get(10, TimeUnit.SECONDS);
      return echo::close;
    }
    KeyValueStore store = kind == 1 ? new InMemoryKeyValueStore() : FileKeyValueStore.open(stateDir);
    Shadow<Settings> shadow = Shadow.builder(mqtt, THING, ShadowSchema.of(Settings.class), store).build();
    shadow.sync().get(10, TimeUnit.SECONDS);
    return () -> {
      shadow.close();
      store.close();
    };
  }

  private static Result run(MqttClient app, int n, String name) throws Exception {
    long[] nanos = new long[n];
    int base = (int) (System.nanoTime() & 0x3fff) * 100_000;
    try (Subscription accepted = app.subscribe(ShadowTopics.accepted(TOPICS.update()), QoS.AT_LEAST_ONCE)
        .get(10, TimeUnit.SECONDS)) {
      long start = System.nanoTime();
      for (int i = 0; i < n; i++) {
        int seq = base + i;
        byte[] desired = ("{\"state\":{\"desired\":{\"seq\":" + seq + ",\"level\":" + (i % 10)
            + ",\"limits\":{\"max\":" + (100 + i % 7) + "}}}}").getBytes(StandardCharsets.UTF_8);
        long t0 = System.nanoTime();
        app.publish(TOPICS.update(), desired, QoS.AT_LEAST_ONCE, false).get(10, TimeUnit.SECONDS);
        while (true) {
          JsonNode reply = JSON.readTree(accepted.next(Duration.ofSeconds(10)).payload());
          if (reply.at("/state/reported/seq").asInt(-1) == seq) {
            break;
          }
        }
        nanos[i] = System.nanoTime() - t0;
      }
      double seconds = (System.nanoTime() - start) / 1e9;
      Arrays.sort(nanos);
      return new Result(name, n, n / seconds, nanos[n / 2] / 1e3, nanos[(int) (n * 0.99)] / 1e3);
    }
  }

  private static void print(List<Result> results) {
    Result baseline = results.get(0);
    System.out.printf(Locale.ROOT, "Delta to acknowledgement through the twin on Mosquitto (%d deltas each, one in "
        + "flight, desired update -> delta -> device -> reported update accepted)%n", baseline.deltas());
    System.out.printf(Locale.ROOT, "%-22s %10s %10s %10s %12s %12s%n", "device", "deltas/s", "p50 us", "p99 us",
        "rate ratio", "p50 ratio");
    for (Result r : results) {
      System.out.printf(Locale.ROOT, "%-22s %10.0f %10.1f %10.1f %11.2fx %11.2fx%n", r.name(), r.perSecond(),
          r.p50Micros(), r.p99Micros(), r.perSecond() / baseline.perSecond(), r.p50Micros() / baseline.p50Micros());
    }
  }
}
