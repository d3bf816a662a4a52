package dev.thingbridge.shadows.store;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.NavigableMap;
import java.util.Optional;
import java.util.TreeMap;

/** A {@link KeyValueStore} in memory: for tests, and for devices that resync everything from the cloud at boot. */
public final class InMemoryKeyValueStore implements KeyValueStore {
  private final NavigableMap<String, byte[]> entries = new TreeMap<>();

  @Override
  public synchronized Optional<byte[]> get(String key) {
    byte[] value = entries.get(key);
    return value == null ? Optional.empty() : Optional.of(value.clone());
  }

  @Override
  public synchronized List<String> keys(String prefix) {
    List<String> out = new ArrayList<>();
    for (String key : entries.tailMap(prefix, true).keySet()) {
      if (!key.startsWith(prefix)) {
        break;
      }
      out.add(key);
    }
    return out;
  }

  @Override
  public synchronized void write(WriteBatch batch) {
    for (Map.Entry<String, byte[]> e : BatchResolver.resolve(batch, this::keysUnlocked).entrySet()) {
      if (e.getValue() == null) {
        entries.remove(e.getKey());
      } else {
        entries.put(e.getKey(), e.getValue());
      }
    }
  }

  private List<String> keysUnlocked(String prefix) {
    return keys(prefix);
  }

  /** Number of keys held, for tests and diagnostics. */
  public synchronized int size() {
    return entries.size();
  }

  @Override
  public void close() {}
}
