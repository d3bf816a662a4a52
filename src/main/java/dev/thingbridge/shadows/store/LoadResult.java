package dev.thingbridge.shadows.store;

import dev.thingbridge.shadows.schema.spec.MigrateFrom;
import java.util.List;

/**
 * What {@link ShadowStateStore#load()} found. Counts are of leaf values (and union variant keys).
 *
 * @param firstBoot nothing usable was stored (no fingerprint, or an unreadable one): defaults were written
 * @param schemaChanged the stored fingerprint differs from the type's: migrations ran, the old keys are kept until
 *     {@link ShadowStateStore#commit()}
 * @param loaded values read from their own key
 * @param defaulted values that took their default (all of them at first boot)
 * @param migrated values read from a {@link MigrateFrom} source
 * @param corruptedKeys keys whose stored value could not be read; their fields were defaulted
 */
public record LoadResult(boolean firstBoot, boolean schemaChanged, int loaded, int defaulted, int migrated,
    List<String> corruptedKeys) {
  public LoadResult {
    corruptedKeys = List.copyOf(corruptedKeys);
  }
}
