package dev.thingbridge.shadows.store;

import static org.assertj.core.api.Assertions.assertThat;

import dev.thingbridge.shadows.schema.ShadowSchema;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Kills (SIGKILL) a child JVM in the middle of shadow writes and checks the store is whole and loadable. */
class KillDuringWriteTest {
  /** Every delta sets a, b and c to the same counter and churns two map entries in the same batch. */
  record Triple(long a, long b, long c, Map<String, Long> entries) {}

  @Test
  void a_kill_at_a_random_moment_leaves_a_loadable_store_holding_whole_deltas(@TempDir Path dir) throws Exception {
    long lastAcknowledged = 0;
    for (int round = 0; round < 3; round++) {
      int runFor = 3 + ThreadLocalRandom.current().nextInt(25);
      Process child = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
          "-cp", System.getProperty("java.class.path"), "-Xshare:off",
          KillDuringWriteTarget.class.getName(), dir.toString())
          .redirectError(ProcessBuilder.Redirect.DISCARD)
          .start();
      try (BufferedReader lines = new BufferedReader(
          new InputStreamReader(child.getInputStream(), StandardCharsets.UTF_8))) {
        String line;
        int seen = 0;
        while (seen < runFor && (line = lines.readLine()) != null) {
          lastAcknowledged = Long.parseLong(line.trim());
          seen++;
        }
        assertThat(seen).as("child wrote deltas before the kill").isEqualTo(runFor);
        child.destroyForcibly();
        assertThat(child.waitFor(10, TimeUnit.SECONDS)).isTrue();
      } finally {
        child.destroyForcibly();
      }
      try (FileKeyValueStore store = FileKeyValueStore.open(dir)) {
        var shadow = ShadowStateStore.open(store, "dev", ShadowSchema.of(Triple.class));
        LoadResult r = shadow.load();
        assertThat(r.firstBoot()).isFalse();
        // the child JVM wrote the fingerprint: the same type fingerprints the same in another JVM
        assertThat(r.schemaChanged()).isFalse();
        assertThat(r.corruptedKeys()).isEmpty();
        Triple t = shadow.state();
        assertThat(t.b()).isEqualTo(t.a());
        assertThat(t.c()).isEqualTo(t.a());
        assertThat(t.a()).as("every delta the child reported stored is there").isGreaterThanOrEqualTo(lastAcknowledged);
        long n = t.a();
        assertThat(t.entries()).containsEntry("k" + (n % 5), n).doesNotContainKey("k" + ((n + 2) % 5));
      }
    }
  }
}
