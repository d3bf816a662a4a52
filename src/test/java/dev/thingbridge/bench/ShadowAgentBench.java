package dev.thingbridge.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.thingbridge.mqtt.MqttClient;
import dev.thingbridge.mqtt.MqttMessage;
import dev.thingbridge.mqtt.MqttRequester;
import dev.thingbridge.mqtt.QoS;
import dev.thingbridge.mqtt.Subscription;
import dev.thingbridge.mqtt.SubscriptionFilter;
import dev.thingbridge.mqtt.SubscriptionListener;
import dev.thingbridge.mqtt.crt.CrtMqttClient;
import dev.thingbridge.mqtt.crt.CrtMqttOptions;
import dev.thingbridge.shadows.Shadow;
import dev.thingbridge.shadows.ShadowOptions;
import dev.thingbridge.shadows.ShadowTopic;
import dev.thingbridge.shadows.ShadowTopics;
import dev.thingbridge.shadows.schema.ShadowSchema;
import dev.thingbridge.shadows.store.CommitStats;
import dev.thingbridge.shadows.store.FileKeyValueStore;
import dev.thingbridge.shadows.store.InMemoryKeyValueStore;
import dev.thingbridge.shadows.store.KeyValueStore;
import dev.thingbridge.testing.Mosquitto;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Delta-to-acknowledgement through the twin on a real Mosquitto, the direct backend everywhere, the twin being the
 * packaged jar in its own process with its state on disk ({@link TwinProcess}): an application
 * client sets {@code desired.seq = i} with an MQTT update, the twin publishes the delta, the device applies it and
 * reports it back, and the application sees the device's {@code update/accepted} carrying {@code reported.seq =
 * i}. One change in flight per shadow; latency is measured from the desired update to the acknowledgement's
 * accepted reply.
 *
 * <p>Two scenes: one classic shadow, and 100 named shadows of one thing changed at once (100 changes in flight),
 * where deltas that wait for the file store at the same moment share one fsync. Devices, in the same run on the
 * same broker and twin: a bare client that only echoes {@code reported = delta} (the baseline: no model, no
 * persistence, no bookkeeping), the typed {@link Shadow} agent with an in-memory store, and the agent with the file
 * store (every delta durable against power loss before it is acknowledged). The 100-shadow scene runs 40,000
 * deltas by default so that the file store's journal passes its checkpoint limit (1 MiB) several times while
 * measured (10,000 did not once): the checkpoints' cost is part of the figure.
 *
 * <p>Run (after {@code ./mvnw -B -q package -DskipTests}, so that {@code target/thingbridge.jar} exists):
 * {@code ./mvnw -q -B test-compile exec:exec -Dexec.executable=java -Dexec.classpathScope=test
 * -Dexec.args="-cp %classpath dev.thingbridge.bench.ShadowAgentBench [DELTAS_ONE DELTAS_MANY]"}; add
 * {@code -Dbench.shadows=100} before {@code -cp} for the 100-shadow scene alone.
 */
public final class ShadowAgentBench {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final String THING = "bench-thing";
  private static final String[] DEVICES = {"bare echo client", "agent, memory store", "agent, file store"};
  private static final Duration WAIT = Duration.ofSeconds(30);
  /**
   * Going live: 100 agents subscribe 7 filters each (3 events, 4 reply topics), and the direct backend recomputes
   * which filters overlap none on every SUBSCRIBE and UNSUBSCRIBE, O(filters^2) each: minutes under load.
   */
  private static final Duration START_WAIT = Duration.ofMinutes(10);
  /** Requests may wait that long too: going live is one operation, bounded by the request timeout. */
  private static final ShadowOptions OPTIONS = ShadowOptions.defaults().toBuilder().requestTimeout(START_WAIT)
      .build();

  /** The device's state type. */
  public record Settings(int seq, int level, String mode, Limits limits) {}

  /** A nested object, so deltas go through the model's object handling. */
  public record Limits(int min, int max) {}

  record Result(String name, int shadows, int deltas, double perSecond, double p50Micros, double p99Micros,
      CommitStats commits) {
    Result withCommits(CommitStats value) {
      return new Result(name, shadows, deltas, perSecond, p50Micros, p99Micros, value);
    }
  }

  /** One kind of device under test, following some shadows. */
  interface Device extends AutoCloseable {
    /** The file store's batches and fsyncs so far; null for a device without one. */
    default CommitStats commits() {
      return null;
    }

    @Override
    void close() throws Exception;
  }

  private ShadowAgentBench() {}

  public static void main(String[] args) throws Exception {
    int one = args.length > 0 ? Integer.parseInt(args[0]) : 2_000;
    int many = args.length > 1 ? Integer.parseInt(args[1]) : 40_000;
    Path dir = Files.createTempDirectory("shadow-agent-bench");
    try (Mosquitto broker = Mosquitto.plain(dir.resolve("mosquitto"));
         MqttClient app = connect(broker, "bench-app");
         MqttClient deviceClient = connect(broker, THING);
         TwinProcess twin = TwinProcess.start(broker, dir.resolve("twin"), "normal")) {
      List<Result> results = new ArrayList<>();
      for (int shadows : scenes()) {
        int n = shadows == 1 ? one : many;
        for (int k = 0; k < DEVICES.length; k++) {
          List<ShadowTopics> topics = topics(shadows);
          // One device for the warm-up and the measured run: 100 agents take minutes to go live (START_WAIT).
          try (Device device = start(k, deviceClient, topics, dir.resolve("state-" + shadows + "-" + k))) {
            run(app, topics, n / 4, DEVICES[k]);
            CommitStats before = device.commits();
            System.out.printf(Locale.ROOT, "# %d shadows, %s: measuring from %s, load %s%n", shadows, DEVICES[k],
                java.time.Instant.now(), load());
            Result r = run(app, topics, n, DEVICES[k]);
            results.add(before == null ? r : r.withCommits(device.commits().minus(before)));
            System.out.printf(Locale.ROOT, "# done at %s, load %s: %s%n", java.time.Instant.now(), load(),
                results.get(results.size() - 1));
          }
        }
      }
      print(results);
    }
    System.exit(0); // the CRT's static event loop keeps native threads alive
  }

  /** The scenes to run: {@code -Dbench.shadows=1,100} (the default) or either one alone. */
  private static int[] scenes() {
    return Arrays.stream(System.getProperty("bench.shadows", "1,100").split(",")).map(String::trim)
        .mapToInt(Integer::parseInt).toArray();
  }

  /** The load averages (1, 5, 15 min) as {@code uptime} shows them, so each figure has its load beside it. */
  private static String load() {
    try {
      String[] parts = Files.readString(Path.of("/proc/loadavg")).trim().split(" ");
      return parts[0] + " " + parts[1] + " " + parts[2];
    } catch (java.io.IOException | RuntimeException e) {
      return "unknown";
    }
  }

  private static List<ShadowTopics> topics(int shadows) {
    if (shadows == 1) {
      return List.of(ShadowTopics.classic(THING));
    }
    List<ShadowTopics> out = new ArrayList<>();
    for (int i = 0; i < shadows; i++) {
      out.add(ShadowTopics.named(THING, "s" + i));
    }
    return out;
  }

  private static MqttClient connect(Mosquitto broker, String id) throws InterruptedException {
    return CrtMqttClient.connect(CrtMqttOptions.builder(broker.endpoint(), id).build(), Duration.ofSeconds(10));
  }

  private static Device start(int kind, MqttClient mqtt, List<ShadowTopics> topics, Path stateDir)
      throws Exception {
    if (kind == 0) {
      return echo(mqtt, topics);
    }
    FileKeyValueStore file = kind == 1 ? null : FileKeyValueStore.open(stateDir);
    KeyValueStore store = file == null ? new InMemoryKeyValueStore() : file;
    MqttRequester requester = new MqttRequester(mqtt);
    List<Shadow<Settings>> shadows = new ArrayList<>();
    List<CompletableFuture<Settings>> synced = new ArrayList<>();
    for (ShadowTopics t : topics) {
      Shadow<Settings> shadow = Shadow.builder(mqtt, THING, ShadowSchema.of(Settings.class), store)
          .name(t.shadowName().orElse(null)).requester(requester).options(OPTIONS).build();
      shadows.add(shadow);
      synced.add(shadow.sync());
    }
    CompletableFuture.allOf(synced.toArray(CompletableFuture[]::new)).get(START_WAIT.toSeconds(),
        TimeUnit.SECONDS);
    return new Device() {
      @Override
      public CommitStats commits() {
        return file == null ? null : file.commitStats();
      }

      @Override
      public void close() {
        shadows.forEach(Shadow::close);
        requester.close();
        store.close();
      }
    };
  }

  /** The baseline device: echoes each delta back as reported, nothing else. */
  private static Device echo(MqttClient mqtt, List<ShadowTopics> topics) throws Exception {
    List<SubscriptionFilter> filters = topics.stream()
        .map(t -> SubscriptionFilter.of(t.delta(), QoS.AT_LEAST_ONCE)).toList();
    Subscription sub = mqtt.subscribe(filters, new SubscriptionListener() {
      @Override
      public void onMessage(MqttMessage m) {
        try {
          ShadowTopic topic = ShadowTopics.parse(m.topic()).orElseThrow();
          ShadowTopics shadow = topic.isNamed() ? ShadowTopics.named(THING, topic.shadowName())
              : ShadowTopics.classic(THING);
          ObjectNode update = JSON.createObjectNode();
          update.putObject("state").set("reported", JSON.readTree(m.payload()).get("state"));
          mqtt.publish(shadow.update(), JSON.writeValueAsBytes(update), QoS.AT_LEAST_ONCE, false);
        } catch (java.io.IOException e) {
          throw new IllegalStateException(e);
        }
      }
    }).get(10, TimeUnit.SECONDS);
    return sub::close;
  }

  /**
   * Changes every shadow's desired, one change in flight per shadow, until {@code n} changes were acknowledged in
   * all; each acknowledgement (the device's accepted report carrying the change's seq) starts the shadow's next.
   */
  private static Result run(MqttClient app, List<ShadowTopics> topics, int n, String name) throws Exception {
    int shadows = topics.size();
    long[] nanos = new long[n];
    long[] sentAt = new long[shadows];
    int[] expected = new int[shadows];
    AtomicInteger started = new AtomicInteger();
    AtomicInteger finished = new AtomicInteger();
    CompletableFuture<Void> done = new CompletableFuture<>();
    int base = (int) (System.nanoTime() & 0x3fff) * 100_000;
    List<SubscriptionFilter> accepted = topics.stream()
        .map(t -> SubscriptionFilter.of(ShadowTopics.accepted(t.update()), QoS.AT_LEAST_ONCE)).toList();
    Object lock = new Object();
    try (Subscription replies = app.subscribe(accepted, new SubscriptionListener() {
      @Override
      public void onMessage(MqttMessage m) {
        int i = index(m.topic(), shadows);
        int seq = readSeq(m);
        synchronized (lock) {
          if (seq != expected[i] || done.isDone()) {
            return;
          }
          int k = finished.getAndIncrement();
          if (k < n) {
            nanos[k] = System.nanoTime() - sentAt[i];
          }
          if (k + 1 >= n) {
            done.complete(null);
            return;
          }
          if (started.get() < n) {
            send(app, topics.get(i), i, base + started.getAndIncrement(), sentAt, expected);
          }
        }
      }
    }).get(10, TimeUnit.SECONDS)) {
      long start = System.nanoTime();
      synchronized (lock) {
        for (int i = 0; i < shadows && started.get() < n; i++) {
          send(app, topics.get(i), i, base + started.getAndIncrement(), sentAt, expected);
        }
      }
      done.get(Math.max(WAIT.toSeconds() * 4, n / 10), TimeUnit.SECONDS); // at least 10 deltas/s, however loaded
      double seconds = (System.nanoTime() - start) / 1e9;
      Arrays.sort(nanos);
      return new Result(name, shadows, n, n / seconds, nanos[n / 2] / 1e3, nanos[(int) (n * 0.99)] / 1e3, null);
    }
  }

  private static void send(MqttClient app, ShadowTopics shadow, int i, int seq, long[] sentAt, int[] expected) {
    byte[] desired = ("{\"state\":{\"desired\":{\"seq\":" + seq + ",\"level\":" + (seq % 10)
        + ",\"limits\":{\"max\":" + (100 + seq % 7) + "}}}}").getBytes(StandardCharsets.UTF_8);
    expected[i] = seq;
    sentAt[i] = System.nanoTime();
    app.publish(shadow.update(), desired, QoS.AT_LEAST_ONCE, false);
  }

  private static int index(String topic, int shadows) {
    ShadowTopic t = ShadowTopics.parse(topic).orElseThrow();
    return shadows == 1 ? 0 : Integer.parseInt(t.shadowName().substring(1));
  }

  private static int readSeq(MqttMessage m) {
    try {
      JsonNode reply = JSON.readTree(m.payload());
      return reply.at("/state/reported/seq").asInt(-1);
    } catch (java.io.IOException e) {
      return -1;
    }
  }

  private static void print(List<Result> results) {
    System.out.printf(Locale.ROOT, "Delta to acknowledgement through the twin on Mosquitto (one change in flight per "
        + "shadow: desired update -> delta -> device -> reported update accepted)%n");
    System.out.printf(Locale.ROOT, "%-9s %-22s %8s %10s %10s %10s %12s %12s %20s %12s%n", "shadows", "device",
        "deltas", "deltas/s", "p50 us", "p99 us", "rate ratio", "p50 ratio", "batches/fsync", "checkpoints");
    Result baseline = null;
    for (Result r : results) {
      if (baseline == null || baseline.shadows() != r.shadows()) {
        baseline = r;
      }
      String perSync = r.commits() == null ? "" : String.format(Locale.ROOT, "%d/%d = %.2f", r.commits().batches(),
          r.commits().syncs(), r.commits().batches() / (double) Math.max(1, r.commits().syncs()));
      String checkpoints = r.commits() == null ? "" : Long.toString(r.commits().checkpoints());
      System.out.printf(Locale.ROOT, "%-9d %-22s %8d %10.0f %10.1f %10.1f %11.2fx %11.2fx %20s %12s%n", r.shadows(),
          r.name(), r.deltas(), r.perSecond(), r.p50Micros(), r.p99Micros(), r.perSecond() / baseline.perSecond(),
          r.p50Micros() / baseline.p50Micros(), perSync, checkpoints);
    }
  }
}
