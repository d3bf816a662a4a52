package dev.thingbridge.shadows;

import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.annotation.JsonTypeName;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.IntNode;
import java.util.List;
import java.util.Map;

/** State types used across the shadow tests, one per shape the model supports. */
final class Models {
  private Models() {}

  // --- SHD-T26/T28: a plain nested object ---
  record Config(@DefaultValue("1000") int timeout, boolean enabled, @DefaultValue("3") int retries) {}

  record Device(Config config, @DefaultValue("\"eth0\"") String iface) {}

  // --- simple value shadow used by the load tests (SHD-T1..T6) ---
  record Value(int value) {}

  // --- externally tagged enum (SHD-T19..T23, T27) ---
  @TaggedUnion(defaultVariant = Dhcp.class)
  sealed interface Ip permits Dhcp, Static {}

  @JsonTypeName("Dhcp")
  record Dhcp() implements Ip {}

  @JsonTypeName("Static")
  record Static(String address, String gateway) implements Ip {}

  record Net(Ip ip) {}

  // --- SHD-T24: renamed variant ---
  @TaggedUnion(defaultVariant = Auto.class)
  sealed interface Proxy permits Auto, NoProxy {}

  @JsonTypeName("auto")
  record Auto() implements Proxy {}

  @JsonTypeName("none")
  record NoProxy() implements Proxy {}

  record ProxyState(Proxy proxy) {}

  // --- SHD-T25: externally tagged, lowercase, Bar default ---
  sealed interface Foo permits Bar, Baz {}

  @JsonTypeName("bar")
  record Bar() implements Foo {}

  @JsonTypeName("baz")
  record Baz(int qux) implements Foo {}

  record FooState(Foo foo) {}

  // --- SHD-T29..T37: adjacently tagged (tag "mode", content "config") ---
  @TaggedUnion(tagging = Tagging.ADJACENT, tag = "mode", content = "config", defaultVariant = Inactive.class)
  sealed interface PortMode permits Inactive, Sio, IoLink {}

  @JsonTypeName("inactive")
  record Inactive() implements PortMode {}

  @JsonTypeName("sio")
  record Sio(boolean polarity) implements PortMode {}

  @JsonTypeName("iolink")
  record IoLink(@JsonProperty("cycle_time") int cycleTime) implements PortMode {}

  record Port(PortMode mode) {}

  /** SHD-T34: a parent with a simple field next to the adjacently tagged one. */
  record Parent(@JsonProperty("simple_field") int simpleField, PortMode adjacent) {}

  record Abc(int alpha, int beta, int gamma) {}

  // --- SHD-T38: opaque variants (tag "kind", content "value") ---
  @TaggedUnion(tagging = Tagging.ADJACENT, tag = "kind", content = "value", defaultVariant = Empty.class)
  sealed interface Payload permits Named, Empty, Number {}

  @Opaque
  @JsonTypeName("named")
  record Named(String value) implements Payload {}

  @JsonTypeName("empty")
  record Empty() implements Payload {}

  @Opaque
  @JsonTypeName("number")
  record Number(long value) implements Payload {}

  record PayloadState(Payload payload) {}

  @TaggedUnion(tagging = Tagging.ADJACENT, tag = "kind", content = "data", defaultVariant = None.class)
  sealed interface Mixed permits Label, Toggle, None {}

  @Opaque
  @JsonTypeName("label")
  record Label(String text) implements Mixed {}

  @JsonTypeName("toggle")
  record Toggle(boolean enabled) implements Mixed {}

  @JsonTypeName("none")
  record None() implements Mixed {}

  record MixedState(Mixed mixed) {}

  // --- internally tagged ---
  @TaggedUnion(tagging = Tagging.INTERNAL, tag = "kind", defaultVariant = Single.class)
  sealed interface Shape permits Single, Pair {}

  @JsonTypeName("single")
  record Single(int v) implements Shape {}

  @JsonTypeName("pair")
  record Pair(int x, int y) implements Shape {}

  record ShapeState(Shape shape) {}

  // --- maps (SHD-T18, T39..T41) ---
  record PortCfg(int speed, boolean enabled) {}

  record Ports(Map<String, Integer> ports) {}

  record Switch(Map<String, PortCfg> ports, String name) {}

  // --- SHD-T42: arrays are atomic ---
  record Thresholds(int[] values) {}

  // --- SHD-T43: flattened map ---
  record Connector(boolean enabled) {}

  record Display(int brightness, @Flatten Map<String, Connector> connectors) {}

  // --- report-only fields (SHD-T44, SHD-I8) ---
  @TaggedUnion(tagging = Tagging.ADJACENT, tag = "state", content = "data", defaultVariant = Idle.class)
  sealed interface Activity permits Idle, Active {}

  @JsonTypeName("idle")
  record Idle() implements Activity {}

  @JsonTypeName("active")
  record Active(String label, int counter) implements Activity {}

  record Reporting(int count, @ReportOnly String firmware, @ReportOnly(persist = true) Activity activity,
      @ReportOnly(persist = true) long boots) {}

  // --- migrations (SHD-T7..T14) ---
  record TimeoutV1(@JsonProperty("old_timeout") int oldTimeout) {}

  record TimeoutV2(@MigrateFrom("/old_timeout") int timeout) {}

  record TwoSources(@MigrateFrom("/a_old") @MigrateFrom("/b_old") int value) {}

  /** SHD-T9: the old value was stored as a small number under the same key; the converter widens it. */
  record Widened(@MigrateFrom(value = "/value", converter = Widen.class) long value) {}

  public static final class Widen implements FieldConverter {
    @Override
    public JsonNode convert(JsonNode old) {
      return old;
    }
  }

  record TimeoutMs(@JsonProperty("timeout_ms") int timeoutMs) {}

  record TimeoutSecs(@JsonProperty("timeout_secs") @MigrateFrom(value = "timeout_ms", converter = MsToSecs.class)
      int timeoutSecs) {}

  public static final class MsToSecs implements FieldConverter {
    @Override
    public JsonNode convert(JsonNode old) {
      return IntNode.valueOf(old.intValue() / 1000);
    }
  }

  record Failing(@MigrateFrom(value = "old", converter = Broken.class) int value) {}

  public static final class Broken implements FieldConverter {
    @Override
    public JsonNode convert(JsonNode old) {
      throw new IllegalStateException("cannot convert " + old);
    }
  }

  // --- a rich sample type: fuzz target and benchmark ---
  record Rich(Config config, Ip ip, PortMode mode, Shape shape, Map<String, PortCfg> ports,
      Display display, Map<String, PortMode> modes, Map<String, Map<String, Integer>> groups, List<String> tags, int[] thresholds, double ratio, long counter,
      String name, @ReportOnly String firmware, @ReportOnly(persist = true) int boots) {}
}
