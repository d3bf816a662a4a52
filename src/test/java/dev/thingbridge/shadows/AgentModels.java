package dev.thingbridge.shadows;

import com.fasterxml.jackson.annotation.JsonTypeName;
import dev.thingbridge.shadows.schema.ShadowSchema;
import dev.thingbridge.shadows.schema.spec.FieldConverter;
import dev.thingbridge.shadows.schema.spec.MigrateFrom;
import dev.thingbridge.shadows.schema.spec.ReportOnly;
import dev.thingbridge.shadows.schema.spec.TaggedUnion;
import dev.thingbridge.shadows.schema.spec.Tagging;
import java.util.HashMap;
import java.util.Map;

/** The state type of the agent tests: rustot's SHD-I integration model, plus a map. */
final class AgentModels {
  private AgentModels() {}

  record Inner(int value, boolean flag) {}

  @TaggedUnion(tagging = Tagging.INTERNAL, tag = "kind", defaultVariant = Single.class)
  sealed interface Tagged permits Single, Pair {}

  @JsonTypeName("single")
  record Single(int x) implements Tagged {}

  @JsonTypeName("pair")
  record Pair(int x, int y) implements Tagged {}

  @TaggedUnion(tagging = Tagging.ADJACENT, tag = "mode", content = "config", defaultVariant = ModeA.class)
  sealed interface Adjacent permits ModeA, ModeB {}

  @JsonTypeName("mode_a")
  record ModeA(boolean alpha, int beta) implements Adjacent {}

  @JsonTypeName("mode_b")
  record ModeB(int gamma, int delta) implements Adjacent {}

  record Device(int count, boolean active, Inner inner, Tagged tagged, Adjacent adjacent, Map<String, Integer> ports,
      @ReportOnly String firmware) {
    Device withCount(int c) {
      return new Device(c, active, inner, tagged, adjacent, ports, firmware);
    }

    Device withActive(boolean a) {
      return new Device(count, a, inner, tagged, adjacent, ports, firmware);
    }

    Device withFirmware(String f) {
      return new Device(count, active, inner, tagged, adjacent, ports, f);
    }

    Device withPort(String key, Integer value) {
      Map<String, Integer> p = new HashMap<>(ports);
      if (value == null) {
        p.remove(key);
      } else {
        p.put(key, value);
      }
      return new Device(count, active, inner, tagged, adjacent, p, firmware);
    }
  }

  static final ShadowSchema<Device> SCHEMA = ShadowSchema.of(Device.class);

  /** Version 1 of a schema change: the field is called {@code timeout_ms}. */
  record SettingsV1(@com.fasterxml.jackson.annotation.JsonProperty("timeout_ms") int timeoutMs, int level) {}

  /** Version 2: renamed to {@code timeout_secs}, migrated with a converter. */
  record SettingsV2(@com.fasterxml.jackson.annotation.JsonProperty("timeout_secs")
      @MigrateFrom(value = "timeout_ms", converter = MsToSecs.class) int timeoutSecs, int level) {}

  /** Milliseconds to seconds. */
  public static final class MsToSecs implements FieldConverter {
    @Override
    public com.fasterxml.jackson.databind.JsonNode convert(com.fasterxml.jackson.databind.JsonNode old) {
      return com.fasterxml.jackson.databind.node.IntNode.valueOf(old.asInt() / 1000);
    }
  }
}
