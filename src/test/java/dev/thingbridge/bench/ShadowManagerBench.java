package dev.thingbridge.bench;

import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.thingbridge.mqtt.MqttClient;
import dev.thingbridge.mqtt.MqttMessage;
import dev.thingbridge.mqtt.QoS;
import dev.thingbridge.mqtt.Subscription;
import dev.thingbridge.mqtt.SubscriptionFilter;
import dev.thingbridge.mqtt.SubscriptionListener;
import dev.thingbridge.mqtt.local.LocalBroker;
import dev.thingbridge.shadows.ShadowManager;
import dev.thingbridge.shadows.schema.spec.DefaultValue;
import dev.thingbridge.shadows.store.FileKeyValueStore;
import dev.thingbridge.shadows.store.InMemoryKeyValueStore;
import dev.thingbridge.shadows.store.KeyValueStore;
import dev.thingbridge.twin.server.TwinServer;
import dev.thingbridge.twin.shadows.ShadowsService;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.stream.IntStream;
import java.util.stream.Stream;

/**
 * The shadow manager at scale, through the twin on the in-process bus:
 *
 * <ul>
 *   <li>heap per managed shadow for 1,000 shadows (GC, then {@code MemoryMXBean} heap used before and after the
 *       manager took them on; several rounds), with the in-memory store (the states' field keys count too) and
 *       with the file store (only its key index stays in memory);
 *   <li>deltas applied per second across 1,000 shadows: the cloud (the twin's plain-Java API) changes desired
 *       on every shadow, several rounds; the clock stops when every acknowledgement has been accepted. Baseline in
 *       the same run: 1,000 independent raw subscriptions, one per shadow, each merging its delta into a JSON
 *       tree by hand and echoing it as reported (no typing, no persistence, no pacing, no version or echo checks).
 * </ul>
 *
 * <p>Run: {@code ./mvnw -q -B test-compile exec:java -Dexec.classpathScope=test
 * -Dexec.mainClass=dev.thingbridge.bench.ShadowManagerBench [-Dexec.args="<shadows> <rounds>"]}.
 */
public final class ShadowManagerBench {
  private static final String THING = "gw-bench";
  private static final String PREFIX = "mcu-";
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final Duration WAIT = Duration.ofMinutes(2);

  /** A small MCU configuration, as a gateway would keep per attached MCU. */
  public record Mcu(@DefaultValue("1000") int periodMs, boolean enabled, Map<String, Integer> limits, String label) {}

  private ShadowManagerBench() {}

  public static void main(String[] args) throws Exception {
    int shadows = args.length > 0 ? Integer.parseInt(args[0]) : 1000;
    int rounds = args.length > 1 ? Integer.parseInt(args[1]) : 5;
    Path dir = Files.createTempDirectory("shadow-manager-bench");
    try {
      long[] memory = heapRounds(shadows, 3, () -> new InMemoryKeyValueStore());
      long[] file = heapRounds(shadows, 3, () -> FileKeyValueStore.open(Files.createTempDirectory(dir, "kv")));
      throughput(shadows, 1, "warm-up");
      double baseline = baselineThroughput(shadows, 1);
      double manager = throughput(shadows, rounds, "measured");
      baseline = Math.max(baseline, baselineThroughput(shadows, rounds));

      System.out.printf(Locale.ROOT, "%n%-66s %12s%n", "heap per managed shadow (" + shadows + " shadows)",
          "bytes");
      System.out.printf(Locale.ROOT, "%-66s %12s%n", "in-memory store (state + field keys), rounds",
          Arrays.toString(memory));
      System.out.printf(Locale.ROOT, "%-66s %12s%n", "file store (state + key index), rounds",
          Arrays.toString(file));
      System.out.printf(Locale.ROOT, "%n%-66s %10s %8s%n", "deltas across " + shadows + " shadows through the twin",
          "deltas/s", "ratio");
      System.out.printf(Locale.ROOT, "%-66s %10.0f %8.2f%n", "raw subscriptions, hand-merged JSON (baseline)",
          baseline, 1.0);
      System.out.printf(Locale.ROOT, "%-66s %10.0f %8.2f%n", "ShadowManager (typed, persisted, acknowledged)",
          manager, manager / baseline);
    } finally {
      try (Stream<Path> files = Files.walk(dir)) {
        files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
      }
    }
  }

  private interface StoreFactory {
    KeyValueStore open() throws Exception;
  }

  /** Heap per shadow, one figure per round. */
  private static long[] heapRounds(int shadows, int rounds, StoreFactory stores) throws Exception {
    long[] out = new long[rounds];
    for (int r = 0; r < rounds; r++) {
      LocalBroker broker = new LocalBroker();
      try (MqttClient twinClient = broker.connect("twin");
          MqttClient device = broker.connect(THING);
          TwinServer twin = TwinServer.start(twinClient, TwinServer.Options.defaults());
          KeyValueStore store = stores.open()) {
        ShadowsService cloud = twin.twin().service(ShadowsService.class);
        for (int i = 0; i < shadows; i++) {
          // Desired equals reported, so the manager's acknowledgements do not grow the twin's documents.
          String doc = "{\"periodMs\":" + (2000 + i) + ",\"enabled\":true,\"limits\":{\"t\":" + i + ",\"u\":"
              + (i + 1) + "},\"label\":\"m" + i + "\"}";
          cloud.update(THING, PREFIX + i, bytes("{\"state\":{\"desired\":" + doc + ",\"reported\":" + doc + "}}"));
        }
        try (ShadowManager<Mcu> manager = manager(device, store).build()) {
          manager.start().get(WAIT.toSeconds(), TimeUnit.SECONDS);
          long before = Heap.used();
          List<CompletableFuture<Mcu>> adds = new ArrayList<>();
          for (int i = 0; i < shadows; i++) {
            adds.add(manager.add(String.valueOf(i)));
          }
          CompletableFuture.allOf(adds.toArray(CompletableFuture[]::new)).get(WAIT.toSeconds(), TimeUnit.SECONDS);
          awaitIdle(manager, cloud, shadows);
          long after = Heap.used();
          if (manager.ids().size() != shadows || manager.state("7").orElseThrow().periodMs() != 2007) {
            throw new IllegalStateException("the manager did not take on every shadow");
          }
          out[r] = (after - before) / shadows;
        }
      }
    }
    return out;
  }

  private static ShadowManager.Builder<Mcu> manager(MqttClient device, KeyValueStore store) {
    return ShadowManager.builder(device, Mcu.class, PREFIX).thingName(THING).store(store)
        .requestRate(1_000_000, 256).resyncJitter(Duration.ZERO);
  }

  /** Deltas per second with the manager: {@code rounds} desired changes on every shadow. */
  private static double throughput(int shadows, int rounds, String label) throws Exception {
    LocalBroker broker = new LocalBroker();
    try (MqttClient twinClient = broker.connect("twin");
        MqttClient device = broker.connect(THING);
        MqttClient spy = broker.connect("spy");
        TwinServer twin = TwinServer.start(twinClient, TwinServer.Options.defaults());
        InMemoryKeyValueStore store = new InMemoryKeyValueStore()) {
      ShadowsService cloud = twin.twin().service(ShadowsService.class);
      createAll(cloud, shadows);
      try (ShadowManager<Mcu> manager = manager(device, store)
          .discovery(thing -> cloud.listNamedShadows(thing)).build()) {
        manager.start().get(WAIT.toSeconds(), TimeUnit.SECONDS);
        awaitIdle(manager, cloud, shadows);
        double rate = drive(cloud, spy, shadows, rounds);
        Mcu last = manager.state(String.valueOf(shadows - 1)).orElseThrow();
        if (last.periodMs() != 10_000 * rounds + shadows - 1) {
          throw new IllegalStateException(label + ": last shadow holds " + last);
        }
        return rate;
      }
    }
  }

  /** The baseline: one raw subscription per shadow, each merging its deltas into a JSON tree by hand. */
  private static double baselineThroughput(int shadows, int rounds) throws Exception {
    LocalBroker broker = new LocalBroker();
    try (MqttClient twinClient = broker.connect("twin");
        MqttClient device = broker.connect(THING);
        MqttClient spy = broker.connect("spy");
        TwinServer twin = TwinServer.start(twinClient, TwinServer.Options.defaults())) {
      ShadowsService cloud = twin.twin().service(ShadowsService.class);
      createAll(cloud, shadows);
      List<Subscription> subscriptions = new ArrayList<>();
      List<ObjectNode> states = new ArrayList<>();
      for (int i = 0; i < shadows; i++) {
        String base = "$aws/things/" + THING + "/shadow/name/" + PREFIX + i;
        ObjectNode state = JSON.createObjectNode();
        states.add(state);
        subscriptions.add(device.subscribe(List.of(SubscriptionFilter.of(base + "/update/delta", QoS.AT_LEAST_ONCE)),
            new SubscriptionListener() {
              @Override
              public void onMessage(MqttMessage message) {
                try {
                  JsonNode delta = JSON.readTree(message.payload());
                  if ("raw".equals(delta.path("clientToken").asText())) {
                    return;
                  }
                  merge(state, (ObjectNode) delta.get("state"));
                  ObjectNode ack = JSON.createObjectNode();
                  ack.putObject("state").set("reported", delta.get("state"));
                  ack.put("clientToken", "raw");
                  device.publish(base + "/update", JSON.writeValueAsBytes(ack), QoS.AT_LEAST_ONCE, false);
                } catch (Exception e) {
                  throw new IllegalStateException(e);
                }
              }
            }).get(10, TimeUnit.SECONDS));
      }
      double rate = drive(cloud, spy, shadows, rounds);
      if (states.get(shadows - 1).path("periodMs").asInt() != 10_000 * rounds + shadows - 1) {
        throw new IllegalStateException("baseline: last shadow holds " + states.get(shadows - 1));
      }
      subscriptions.forEach(Subscription::close);
      return rate;
    }
  }

  /** Changes desired on every shadow {@code rounds} times; returns deltas per second until every ack is in. */
  private static double drive(ShadowsService cloud, MqttClient spy, int shadows, int rounds) throws Exception {
    // Done when every shadow's acknowledgement of the last round (limits.t == rounds) has been accepted.
    Set<String> done = ConcurrentHashMap.newKeySet();
    CountDownLatch allDone = new CountDownLatch(shadows);
    String lastRound = "\"limits\":{\"t\":" + rounds + "}";
    try (Subscription s = spy.subscribe(List.of(SubscriptionFilter.of(
        "$aws/things/" + THING + "/shadow/name/+/update/accepted", QoS.AT_LEAST_ONCE)), message -> {
          String text = message.payloadAsString();
          if (!text.contains("\"clientToken\":\"cloud\"") && text.contains(lastRound)) {
            if (done.add(message.topic())) {
              allDone.countDown();
            }
          }
        }).get(10, TimeUnit.SECONDS)) {
      int expected = shadows * rounds;
      long t0 = System.nanoTime();
      for (int r = 1; r <= rounds; r++) {
        for (int i = 0; i < shadows; i++) {
          cloud.update(THING, PREFIX + i, bytes("{\"state\":{\"desired\":{\"periodMs\":" + (10_000 * r + i)
              + ",\"limits\":{\"t\":" + r + "}}},\"clientToken\":\"cloud\"}"));
        }
      }
      if (!allDone.await(WAIT.toSeconds(), TimeUnit.SECONDS)) {
        throw new IllegalStateException("only " + done.size() + " of " + shadows + " shadows acknowledged");
      }
      return expected / ((System.nanoTime() - t0) / 1e9);
    }
  }

  private static void createAll(ShadowsService cloud, int shadows) {
    for (int i = 0; i < shadows; i++) {
      String doc = "{\"periodMs\":1000,\"enabled\":false,\"limits\":{},\"label\":\"m" + i + "\"}";
      cloud.update(THING, PREFIX + i, bytes("{\"state\":{\"desired\":" + doc + ",\"reported\":" + doc + "}}"));
    }
  }

  private static void merge(ObjectNode into, ObjectNode delta) {
    delta.properties().forEach(e -> {
      JsonNode value = e.getValue();
      if (value.isObject() && into.get(e.getKey()) instanceof ObjectNode existing) {
        merge(existing, (ObjectNode) value);
      } else if (value.isNull()) {
        into.remove(e.getKey());
      } else {
        into.set(e.getKey(), value.deepCopy());
      }
    });
  }

  /** Waits until every shadow's first acknowledgement (the whole state, at first boot) has been accepted. */
  private static void awaitIdle(ShadowManager<?> manager, ShadowsService cloud, int shadows) {
    await().atMost(WAIT).until(() -> manager.queuedRequests() == 0 && IntStream.range(0, shadows)
        .allMatch(i -> cloud.get(THING, PREFIX + i).path("version").asLong() >= 2));
  }

  private static byte[] bytes(String s) {
    return s.getBytes(StandardCharsets.UTF_8);
  }
}
