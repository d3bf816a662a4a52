package dev.thingbridge.shadows.store;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;

/** Turns a batch into its net effect per key (null value = removed), resolving prefix removals in order. */
final class BatchResolver {
  private BatchResolver() {}

  static Map<String, byte[]> resolve(WriteBatch batch, Function<String, List<String>> existing) {
    Map<String, byte[]> net = new LinkedHashMap<>();
    for (WriteBatch.Op op : batch.ops()) {
      if (op instanceof WriteBatch.Put put) {
        net.remove(put.key());
        net.put(put.key(), put.value());
      } else if (op instanceof WriteBatch.Remove remove) {
        net.remove(remove.key());
        net.put(remove.key(), null);
      } else {
        String prefix = ((WriteBatch.RemovePrefix) op).prefix();
        for (String key : existing.apply(prefix)) {
          net.putIfAbsent(key, null);
        }
        for (Map.Entry<String, byte[]> e : net.entrySet()) {
          if (e.getKey().startsWith(prefix)) {
            e.setValue(null);
          }
        }
      }
    }
    return net;
  }
}
