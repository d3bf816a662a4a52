package dev.thingbridge.twin.streams;

import java.util.List;
import java.util.Optional;

/**
 * Where the twin's streams are defined: the narrow seam between the stream service (which only looks them
 * up) and their storage (in memory, or the twin's database). Implementations are thread-safe.
 */
public interface StreamCatalog {
  Optional<StreamDefinition> find(String streamId);

  /** Every stream, by id. */
  List<StreamDefinition> list();

  /** Creates or replaces a stream. */
  void put(StreamDefinition stream);

  /** Deletes a stream; false if there was none. */
  boolean delete(String streamId);

  /** Forgets every stream (before the twin loads them again from its store). */
  void clear();
}
