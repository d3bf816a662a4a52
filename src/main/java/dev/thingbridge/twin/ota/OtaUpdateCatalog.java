package dev.thingbridge.twin.ota;

import java.util.List;
import java.util.Optional;

/**
 * Where the twin's OTA updates are kept: the narrow seam between the service and their storage. Thread-safe.
 */
public interface OtaUpdateCatalog {
  Optional<OtaUpdate> find(String otaUpdateId);

  /** Every update, oldest first. */
  List<OtaUpdate> list();

  void put(OtaUpdate update);

  boolean delete(String otaUpdateId);

  /** Forgets every update (before the twin loads them again from its store). */
  void clear();
}
