package dev.thingbridge.shadows.schema;

import static org.assertj.core.api.Assertions.assertThat;

import com.code_intelligence.jazzer.junit.FuzzTest;
import dev.thingbridge.shadows.schema.Models.Config;
import dev.thingbridge.shadows.schema.Models.Connector;
import dev.thingbridge.shadows.schema.Models.Display;
import dev.thingbridge.shadows.schema.Models.PortCfg;
import dev.thingbridge.shadows.schema.Models.Rich;
import dev.thingbridge.shadows.schema.Models.Single;
import dev.thingbridge.shadows.schema.Models.Sio;
import dev.thingbridge.shadows.schema.Models.Static;
import dev.thingbridge.shadows.schema.spec.ShadowDeltaException;
import dev.thingbridge.shadows.store.InMemoryKeyValueStore;
import dev.thingbridge.shadows.store.ShadowStateStore;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * Random documents into the delta parser of a rich state type: the only exception allowed is
 * {@link ShadowDeltaException}, a rejected delta changes nothing, and an accepted one survives the store round trip.
 *
 * <p>{@code mvn test} runs the seeds under {@code ShadowDeltaFuzzTestInputs} plus a fixed-seed mutation sweep;
 * {@code JAZZER_FUZZ=1 mvn test -Dtest=ShadowDeltaFuzzTest} fuzzes for real.
 */
class ShadowDeltaFuzzTest {
  static final ShadowSchema<Rich> SCHEMA = ShadowSchema.of(Rich.class);
  static final Rich SAMPLE = new Rich(new Config(1000, true, 3), new Static("10.0.0.2", "10.0.0.1"),
      new Sio(true), new Single(4), Map.of("p1", new PortCfg(100, true)),
      new Display(5, Map.of("HDMI-A-1", new Connector(true))), Map.of("m1", new Sio(false)),
      Map.of("g1", Map.of("a", 1)), List.of("a"), new int[] {1, 2}, 0.25, 7L, "rich",
      "1.0.0", 2);

  @FuzzTest(maxDuration = "60s")
  void delta_documents_never_escape_the_typed_error(byte[] input) {
    check(input);
  }

  static void check(byte[] input) {
    String before = SCHEMA.reported(SAMPLE).toString();
    InMemoryKeyValueStore kv = new InMemoryKeyValueStore();
    ShadowStateStore<Rich> store = ShadowStateStore.open(kv, "fuzz", SCHEMA);
    store.load();
    store.report(SAMPLE);
    AppliedDelta<Rich> applied = null;
    try {
      applied = store.apply(SCHEMA.parseDelta(input, SAMPLE));
    } catch (ShadowDeltaException rejected) {
      assertThat(SCHEMA.reported(store.state()).toString()).isEqualTo(before);
    }
    assertThat(SCHEMA.reported(SAMPLE).toString()).isEqualTo(before);
    if (applied != null) {
      applied.acknowledgement().toString();
      // what was applied is what a reboot loads
      ShadowStateStore<Rich> reloaded = ShadowStateStore.open(kv, "fuzz", SCHEMA);
      assertThat(reloaded.load().corruptedKeys()).isEmpty();
      Rich expected = applied.state();
      Rich loaded = reloaded.state();
      assertThat(SCHEMA.desired(loaded)).isEqualTo(SCHEMA.desired(expected));
      assertThat(loaded.boots()).isEqualTo(expected.boots());
      // the desired view of any state is itself an acceptable delta
      SCHEMA.parseDelta(SCHEMA.desired(expected), expected);
    }
  }

  @Test
  void fixed_seed_mutations_of_the_seed_corpus_never_escape_the_typed_error() throws IOException {
    List<byte[]> seeds = seeds();
    Random random = new Random(20240605L);
    String alphabet = "{}[]\":,0123456789.-eE \\untrlfas_/";
    for (int i = 0; i < 1000; i++) {
      byte[] seed = seeds.get(random.nextInt(seeds.size()));
      StringBuilder doc = new StringBuilder(new String(seed, StandardCharsets.UTF_8));
      int edits = 1 + random.nextInt(3);
      for (int e = 0; e < edits && doc.length() > 0; e++) {
        int at = random.nextInt(doc.length());
        switch (random.nextInt(3)) {
          case 0 -> doc.deleteCharAt(at);
          case 1 -> doc.insert(at, alphabet.charAt(random.nextInt(alphabet.length())));
          default -> doc.setCharAt(at, alphabet.charAt(random.nextInt(alphabet.length())));
        }
      }
      check(doc.toString().getBytes(StandardCharsets.UTF_8));
    }
  }

  private static List<byte[]> seeds() throws IOException {
    List<byte[]> out = new ArrayList<>();
    String dir = "ShadowDeltaFuzzTestInputs/delta_documents_never_escape_the_typed_error/";
    for (String name : List.of("nested", "external", "bare", "adjacent", "adjacent_config_only", "adjacent_unknown",
        "internal", "internal_stale", "map", "flatten", "leaves", "report_only", "numbers", "nested_maps")) {
      try (InputStream in = ShadowDeltaFuzzTest.class.getResourceAsStream(dir + name)) {
        assertThat(in).as(name).isNotNull();
        out.add(in.readAllBytes());
      }
    }
    return out;
  }
}
