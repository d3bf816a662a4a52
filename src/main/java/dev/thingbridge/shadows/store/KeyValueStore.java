package dev.thingbridge.shadows.store;

import java.util.List;
import java.util.Optional;

/**
 * A small byte-valued key-value store holding the local state of one or more shadows.
 *
 * <p>Keys are UTF-8 strings with {@code /} between path segments; a shadow's keys all start with its scope and
 * {@code /} (see {@link ShadowStateStore}). {@link #write(WriteBatch)} is atomic: after a crash at any point the
 * store holds either all of a batch or none of it. Implementations are thread-safe.
 */
public interface KeyValueStore extends AutoCloseable {
  /** The value stored under a key (a copy), if any. */
  Optional<byte[]> get(String key);

  /** Every key starting with {@code prefix}, sorted. */
  List<String> keys(String prefix);

  /** Applies a batch of puts and removals atomically, in order. */
  void write(WriteBatch batch);

  /** Stores one value. */
  default void put(String key, byte[] value) {
    write(new WriteBatch().put(key, value));
  }

  /** Removes one key; a missing key is fine. */
  default void remove(String key) {
    write(new WriteBatch().remove(key));
  }

  /** Releases resources; the store is unusable afterwards. */
  @Override
  void close();
}
