package dev.thingbridge.shadows.schema;

import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.annotation.JsonTypeName;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.IntNode;
import dev.thingbridge.shadows.schema.spec.DefaultValue;
import dev.thingbridge.shadows.schema.spec.FieldConverter;
import dev.thingbridge.shadows.schema.spec.Flatten;
import dev.thingbridge.shadows.schema.spec.MigrateFrom;
import dev.thingbridge.shadows.schema.spec.Opaque;
import dev.thingbridge.shadows.schema.spec.ReportOnly;
import dev.thingbridge.shadows.schema.spec.TaggedUnion;
import dev.thingbridge.shadows.schema.spec.Tagging;
import java.util.List;
import java.util.Map;

/** State types used across the shadow tests, one per shape the model supports. */
public final class Models {
  private static final ObjectMapper JSON = new ObjectMapper();

  private Models() {}

  /** Parses JSON written with single quotes for readability. */
  public static JsonNode json(String text) {
    try {
      return JSON.readTree(text.replace('\'', '"'));
    } catch (Exception e) {
      throw new IllegalArgumentException(text, e);
    }
  }

  // --- SHD-T26/T28: a plain nested object ---
  public record Config(@DefaultValue("1000") int timeout, boolean enabled, @DefaultValue("3") int retries) {}

  public record Device(Config config, @DefaultValue("\"eth0\"") String iface) {}

  // --- simple value shadow used by the load tests (SHD-T1..T6) ---
  public record Value(int value) {}

  // --- externally tagged enum (SHD-T19..T23, T27) ---
  @TaggedUnion(defaultVariant = Dhcp.class)
  public sealed interface Ip permits Dhcp, Static {}

  @JsonTypeName("Dhcp")
  public record Dhcp() implements Ip {}

  @JsonTypeName("Static")
  public record Static(String address, String gateway) implements Ip {}

  public record Net(Ip ip) {}

  // --- SHD-T24: renamed variant ---
  @TaggedUnion(defaultVariant = Auto.class)
  public sealed interface Proxy permits Auto, NoProxy {}

  @JsonTypeName("auto")
  public record Auto() implements Proxy {}

  @JsonTypeName("none")
  public record NoProxy() implements Proxy {}

  public record ProxyState(Proxy proxy) {}

  // --- SHD-T25: externally tagged, lowercase, Bar default ---
  public sealed interface Foo permits Bar, Baz {}

  @JsonTypeName("bar")
  public record Bar() implements Foo {}

  @JsonTypeName("baz")
  public record Baz(int qux) implements Foo {}

  public record FooState(Foo foo) {}

  // --- SHD-T29..T37: adjacently tagged (tag "mode", content "config") ---
  @TaggedUnion(tagging = Tagging.ADJACENT, tag = "mode", content = "config", defaultVariant = Inactive.class)
  public sealed interface PortMode permits Inactive, Sio, IoLink {}

  @JsonTypeName("inactive")
  public record Inactive() implements PortMode {}

  @JsonTypeName("sio")
  public record Sio(boolean polarity) implements PortMode {}

  @JsonTypeName("iolink")
  public record IoLink(@JsonProperty("cycle_time") int cycleTime) implements PortMode {}

  public record Port(PortMode mode) {}

  /** SHD-T34: a parent with a simple field next to the adjacently tagged one. */
  public record Parent(@JsonProperty("simple_field") int simpleField, PortMode adjacent) {}

  public record Abc(int alpha, int beta, int gamma) {}

  // --- SHD-T38: opaque variants (tag "kind", content "value") ---
  @TaggedUnion(tagging = Tagging.ADJACENT, tag = "kind", content = "value", defaultVariant = Empty.class)
  public sealed interface Payload permits Named, Empty, Number {}

  @Opaque
  @JsonTypeName("named")
  public record Named(String value) implements Payload {}

  @JsonTypeName("empty")
  public record Empty() implements Payload {}

  @Opaque
  @JsonTypeName("number")
  public record Number(long value) implements Payload {}

  public record PayloadState(Payload payload) {}

  @TaggedUnion(tagging = Tagging.ADJACENT, tag = "kind", content = "data", defaultVariant = None.class)
  public sealed interface Mixed permits Label, Toggle, None {}

  @Opaque
  @JsonTypeName("label")
  public record Label(String text) implements Mixed {}

  @JsonTypeName("toggle")
  public record Toggle(boolean enabled) implements Mixed {}

  @JsonTypeName("none")
  public record None() implements Mixed {}

  public record MixedState(Mixed mixed) {}

  // --- internally tagged ---
  @TaggedUnion(tagging = Tagging.INTERNAL, tag = "kind", defaultVariant = Single.class)
  public sealed interface Shape permits Single, Pair {}

  @JsonTypeName("single")
  public record Single(int v) implements Shape {}

  @JsonTypeName("pair")
  public record Pair(int x, int y) implements Shape {}

  public record ShapeState(Shape shape) {}

  // --- maps (SHD-T18, T39..T41) ---
  public record PortCfg(int speed, boolean enabled) {}

  public record Ports(Map<String, Integer> ports) {}

  public record Switch(Map<String, PortCfg> ports, String name) {}

  // --- SHD-T42: arrays are atomic ---
  public record Thresholds(int[] values) {}

  // --- SHD-T43: flattened map ---
  public record Connector(boolean enabled) {}

  public record Display(int brightness, @Flatten Map<String, Connector> connectors) {}

  // --- report-only fields (SHD-T44, SHD-I8) ---
  @TaggedUnion(tagging = Tagging.ADJACENT, tag = "state", content = "data", defaultVariant = Idle.class)
  public sealed interface Activity permits Idle, Active {}

  @JsonTypeName("idle")
  public record Idle() implements Activity {}

  @JsonTypeName("active")
  public record Active(String label, int counter) implements Activity {}

  public record Reporting(int count, @ReportOnly String firmware, @ReportOnly(persist = true) Activity activity,
      @ReportOnly(persist = true) long boots) {}

  // --- migrations (SHD-T7..T14) ---
  public record TimeoutV1(@JsonProperty("old_timeout") int oldTimeout) {}

  public record TimeoutV2(@MigrateFrom("/old_timeout") int timeout) {}

  public record TwoSources(@MigrateFrom("/a_old") @MigrateFrom("/b_old") int value) {}

  /** SHD-T9: the old value was stored as a small number under the same key; the converter widens it. */
  public record Widened(@MigrateFrom(value = "/value", converter = Widen.class) long value) {}

  public static final class Widen implements FieldConverter {
    @Override
    public JsonNode convert(JsonNode old) {
      return old;
    }
  }

  public record TimeoutMs(@JsonProperty("timeout_ms") int timeoutMs) {}

  public record TimeoutSecs(@JsonProperty("timeout_secs") @MigrateFrom(value = "timeout_ms", converter = MsToSecs.class)
      int timeoutSecs) {}

  public static final class MsToSecs implements FieldConverter {
    @Override
    public JsonNode convert(JsonNode old) {
      return IntNode.valueOf(old.intValue() / 1000);
    }
  }

  public record Failing(@MigrateFrom(value = "old", converter = Broken.class) int value) {}

  public static final class Broken implements FieldConverter {
    @Override
    public JsonNode convert(JsonNode old) {
      throw new IllegalStateException("cannot convert " + old);
    }
  }

  // --- a rich sample type: fuzz target and benchmark ---
  public record Rich(Config config, Ip ip, PortMode mode, Shape shape, Map<String, PortCfg> ports,
      Display display, Map<String, PortMode> modes, Map<String, Map<String, Integer>> groups, List<String> tags, int[] thresholds, double ratio, long counter,
      String name, @ReportOnly String firmware, @ReportOnly(persist = true) int boots) {}
}
