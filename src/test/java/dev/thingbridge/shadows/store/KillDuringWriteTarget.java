package dev.thingbridge.shadows.store;

import dev.thingbridge.shadows.schema.ShadowSchema;
import java.io.PrintStream;
import java.nio.file.Path;

/**
 * Child process for {@link KillDuringWriteTest}: applies deltas to a file-backed shadow as fast as it can and prints
 * the counter of each delta once it is stored, until it is killed.
 */
public final class KillDuringWriteTarget {
  private KillDuringWriteTarget() {}

  public static void main(String[] args) {
    PrintStream out = System.out;
    try (FileKeyValueStore store = FileKeyValueStore.open(Path.of(args[0]))) {
      var schema = ShadowSchema.of(KillDuringWriteTest.Triple.class);
      var shadow = ShadowStateStore.open(store, "dev", schema);
      shadow.load();
      long n = shadow.state().a();
      while (true) {
        n++;
        String key = "k" + (n % 5);
        String removed = "k" + ((n + 2) % 5);
        String delta = "{\"a\":" + n + ",\"b\":" + n + ",\"c\":" + n + ",\"entries\":{\"" + key + "\":" + n
            + ",\"" + removed + "\":\"unset\"}}";
        shadow.apply(schema.parseDelta(delta.getBytes(), shadow.state()));
        out.println(n);
        out.flush();
      }
    }
  }
}
