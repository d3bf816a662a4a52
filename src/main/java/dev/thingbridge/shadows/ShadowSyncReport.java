package dev.thingbridge.shadows;

import java.util.List;
import java.util.Map;

/**
 * The outcome of fetching a set of managed shadows from the cloud (at {@link ShadowManager#start()}, or a
 * resync).
 *
 * @param synced ids fetched, their pending delta applied and acknowledged
 * @param removed ids removed locally: the cloud no longer has them
 * @param failed ids whose fetch failed (timeout, rejection), with the cause; they stay managed with their local
 *     state and their next delta or resync brings them up to date
 */
public record ShadowSyncReport(List<String> synced, List<String> removed, Map<String, Throwable> failed) {
  public ShadowSyncReport {
    synced = List.copyOf(synced);
    removed = List.copyOf(removed);
    failed = Map.copyOf(failed);
  }
}
