package dev.thingbridge.twin.streams;

import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/** Streams kept in memory (lost when the twin stops). */
public final class InMemoryStreamCatalog implements StreamCatalog {
  private final ConcurrentHashMap<String, StreamDefinition> streams = new ConcurrentHashMap<>();

  @Override
  public Optional<StreamDefinition> find(String streamId) {
    return Optional.ofNullable(streams.get(streamId));
  }

  @Override
  public List<StreamDefinition> list() {
    return streams.values().stream().sorted(Comparator.comparing(StreamDefinition::streamId)).toList();
  }

  @Override
  public void put(StreamDefinition stream) {
    streams.put(stream.streamId(), stream);
  }

  @Override
  public boolean delete(String streamId) {
    return streams.remove(streamId) != null;
  }

  @Override
  public void clear() {
    streams.clear();
  }
}
