package dev.thingbridge.bench;

import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.annotation.JsonSubTypes;
import com.fasterxml.jackson.annotation.JsonTypeInfo;
import com.fasterxml.jackson.annotation.JsonTypeName;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.thingbridge.shadows.schema.AppliedDelta;
import dev.thingbridge.shadows.schema.ShadowDelta;
import dev.thingbridge.shadows.schema.ShadowSchema;
import dev.thingbridge.shadows.schema.spec.DefaultValue;
import dev.thingbridge.shadows.schema.spec.ReportOnly;
import dev.thingbridge.shadows.schema.spec.TaggedUnion;
import dev.thingbridge.shadows.schema.spec.Tagging;
import dev.thingbridge.shadows.store.InMemoryKeyValueStore;
import dev.thingbridge.shadows.store.ShadowStateStore;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Delta parse + apply throughput of the shadow model against plain Jackson merging the same delta into the same
 * record type (state to tree, {@code readerForUpdating} merge, tree to record), in the same run; and the heap held
 * per shadow state for 1,000 instances.
 *
 * <p>Run: {@code ./mvnw -q -B test-compile exec:java -Dexec.classpathScope=test
 * -Dexec.mainClass=dev.thingbridge.bench.ShadowModelBench}
 */
public final class ShadowModelBench {
  private ShadowModelBench() {}

  @TaggedUnion(tagging = Tagging.INTERNAL, tag = "kind", defaultVariant = Dhcp.class)
  @JsonTypeInfo(use = JsonTypeInfo.Id.NAME, include = JsonTypeInfo.As.PROPERTY, property = "kind")
  @JsonSubTypes({@JsonSubTypes.Type(Dhcp.class), @JsonSubTypes.Type(Static.class)})
  public sealed interface Ip permits Dhcp, Static {}

  @JsonTypeName("dhcp")
  public record Dhcp(@JsonProperty("lease_secs") int leaseSecs) implements Ip {}

  @JsonTypeName("static")
  public record Static(String address, String gateway, int prefix) implements Ip {}

  public record Net(int mtu, String hostname, Ip ip, List<String> dns) {}

  public record Port(int speed, boolean enabled, String label, double gain) {}

  public record Telemetry(@DefaultValue("60") int intervalSec, boolean compress, List<String> topics,
      Map<String, Double> thresholds) {}

  public record Gateway(Net net, Map<String, Port> ports, Telemetry telemetry, String name, long counter,
      @ReportOnly String firmware) {}

  static final String[] DELTAS = {
      "{\"telemetry\":{\"intervalSec\":30}}",
      "{\"ports\":{\"p9\":{\"speed\":1000,\"enabled\":true,\"label\":\"uplink\",\"gain\":1.0}}}",
      "{\"net\":{\"ip\":{\"kind\":\"static\",\"address\":\"10.0.0.9\",\"gateway\":\"10.0.0.1\",\"prefix\":24}}}",
      "{\"net\":{\"dns\":[\"1.1.1.1\",\"9.9.9.9\"],\"mtu\":1400},\"name\":\"gw-7\"}",
      "{\"ports\":{\"p1\":{\"gain\":0.75}},\"telemetry\":{\"thresholds\":{\"temp\":71.5}}}",
      "{\"net\":{\"ip\":{\"kind\":\"dhcp\",\"lease_secs\":3600}},\"counter\":42}",
  };

  static Gateway sample() {
    Map<String, Port> ports = new LinkedHashMap<>();
    for (int i = 1; i <= 8; i++) {
      ports.put("p" + i, new Port(100, i % 2 == 0, "port " + i, 1.0));
    }
    return new Gateway(new Net(1500, "gw", new Dhcp(86400), List.of("8.8.8.8")), Map.copyOf(ports),
        new Telemetry(60, false, List.of("metrics", "events"), Map.of("temp", 70.0, "hum", 80.0)), "gw-1", 0,
        "1.0.0");
  }

  public static void main(String[] args) throws Exception {
    ShadowSchema<Gateway> schema = ShadowSchema.of(Gateway.class);
    // A variant switch leaves the previous variant's keys in a merged tree; plain Jackson must ignore them.
    ObjectMapper mapper = new ObjectMapper()
        .disable(com.fasterxml.jackson.databind.DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES);
    // A tree merge appends arrays by default; AWS replaces them.
    mapper.configOverride(com.fasterxml.jackson.databind.node.ArrayNode.class).setMergeable(false);
    byte[][] deltas = new byte[DELTAS.length][];
    for (int i = 0; i < DELTAS.length; i++) {
      deltas[i] = DELTAS[i].getBytes(StandardCharsets.UTF_8);
    }
    Gateway start = sample();

    Op thingbridge = n -> {
      Gateway s = start;
      long sink = 0;
      for (int i = 0; i < n; i++) {
        ShadowDelta d = schema.parseDelta(deltas[i % deltas.length], s);
        AppliedDelta<Gateway> a = schema.apply(s, d);
        s = a.state();
        sink += a.reported().size();
      }
      return sink + s.counter();
    };
    Op jackson = n -> {
      Gateway s = start;
      long sink = 0;
      for (int i = 0; i < n; i++) {
        ObjectNode tree = mapper.valueToTree(s);
        mapper.readerForUpdating(tree).readValue(deltas[i % deltas.length]);
        s = mapper.treeToValue(tree, Gateway.class);
        sink += tree.size();
      }
      return sink + s.counter();
    };

    // Jackson cannot update a record in place, so the cheapest plain-Jackson path keeps the state as a tree too.
    Op jacksonTree = n -> {
      ObjectNode tree = mapper.valueToTree(start);
      Gateway s = start;
      long sink = 0;
      for (int i = 0; i < n; i++) {
        mapper.readerForUpdating(tree).readValue(deltas[i % deltas.length]);
        s = mapper.treeToValue(tree, Gateway.class);
        sink += tree.size();
      }
      return sink + s.counter();
    };

    // Same result from both paths, so they do the same work.
    Gateway viaModel = start;
    Gateway viaJackson = start;
    for (byte[] d : deltas) {
      viaModel = schema.apply(viaModel, schema.parseDelta(d, viaModel)).state();
      ObjectNode tree = mapper.valueToTree(viaJackson);
      mapper.readerForUpdating(tree).readValue(d);
      viaJackson = mapper.treeToValue(tree, Gateway.class);
    }
    if (!viaModel.equals(viaJackson)) {
      throw new IllegalStateException("paths disagree:\n" + viaModel + "\n" + viaJackson);
    }

    warm(thingbridge, jackson, jacksonTree);
    double ours = 0;
    double base = 0;
    double baseTree = 0;
    for (int round = 0; round < 5; round++) {
      ours = Math.max(ours, rate(thingbridge));
      base = Math.max(base, rate(jackson));
      baseTree = Math.max(baseTree, rate(jacksonTree));
    }
    System.out.println("| measure | thingbridge | baseline | ratio |");
    System.out.println("|---|---|---|---|");
    System.out.printf(Locale.ROOT, "| deltas/s, parse + apply + ack vs record->tree, readerForUpdating merge, "
        + "tree->record (best of 5) | %,.0f | %,.0f | %.2fx |%n", ours, base, ours / base);
    System.out.printf(Locale.ROOT, "| deltas/s, parse + apply + ack vs tree kept, readerForUpdating merge, "
        + "tree->record (best of 5) | %,.0f | %,.0f | %.2fx |%n", ours, baseTree, ours / baseTree);
    heap(schema, start);
  }

  interface Op {
    long run(int n) throws Exception;
  }

  static long blackhole;

  static void warm(Op... ops) throws Exception {
    for (Op op : ops) {
      long until = System.nanoTime() + 3_000_000_000L;
      while (System.nanoTime() < until) {
        blackhole += op.run(1000);
      }
    }
  }

  static double rate(Op op) throws Exception {
    int n = 20_000;
    long t0 = System.nanoTime();
    blackhole += op.run(n);
    return n / ((System.nanoTime() - t0) / 1e9);
  }

  static void heap(ShadowSchema<Gateway> schema, Gateway start) throws Exception {
    int count = 1000;
    long before = Heap.used();
    List<Gateway> states = new ArrayList<>(count);
    for (int i = 0; i < count; i++) {
      Gateway s = schema.applyDelta(start, ShadowSchemaJson.parse("{\"counter\":" + i + ",\"name\":\"gw-" + i
          + "\",\"ports\":{\"p1\":{\"label\":\"x" + i + "\"}}}")).state();
      states.add(s);
    }
    long statesOnly = (Heap.used() - before) / count;
    before = Heap.used();
    List<ShadowStateStore<Gateway>> shadows = new ArrayList<>(count);
    for (int i = 0; i < count; i++) {
      ShadowStateStore<Gateway> shadow = ShadowStateStore.open(new InMemoryKeyValueStore(), "gw-" + i, schema);
      shadow.load();
      shadow.report(states.get(i));
      shadows.add(shadow);
    }
    long withStore = (Heap.used() - before) / count;
    System.out.printf(Locale.ROOT, "| heap per state held (1,000 distinct states) | %,d B | | |%n", statesOnly);
    System.out.printf(Locale.ROOT,
        "| heap per shadow with its in-memory field store (1,000 shadows, excl. state) | %,d B | | |%n", withStore);
    blackhole += states.size() + shadows.size();
  }

  /** Tiny helper so the heap part reads deltas like the cloud sends them. */
  static final class ShadowSchemaJson {
    private static final ObjectMapper JSON = new ObjectMapper();

    static com.fasterxml.jackson.databind.JsonNode parse(String s) throws Exception {
      return JSON.readTree(s);
    }
  }
}
