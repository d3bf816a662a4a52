package dev.thingbridge.twin.ota;

import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/** OTA updates kept in memory. */
public final class InMemoryOtaUpdateCatalog implements OtaUpdateCatalog {
  private final ConcurrentHashMap<String, OtaUpdate> updates = new ConcurrentHashMap<>();

  @Override
  public Optional<OtaUpdate> find(String otaUpdateId) {
    return Optional.ofNullable(updates.get(otaUpdateId));
  }

  @Override
  public List<OtaUpdate> list() {
    return updates.values().stream()
        .sorted(Comparator.comparing(OtaUpdate::createdAt).thenComparing(OtaUpdate::otaUpdateId)).toList();
  }

  @Override
  public void put(OtaUpdate update) {
    updates.put(update.otaUpdateId(), update);
  }

  @Override
  public boolean delete(String otaUpdateId) {
    return updates.remove(otaUpdateId) != null;
  }

  @Override
  public void clear() {
    updates.clear();
  }
}
