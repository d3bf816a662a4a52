package dev.thingbridge.shadows.schema.spec;

import com.fasterxml.jackson.databind.JsonNode;

/**
 * Converts a value stored under an old field path into the JSON of the field it migrates to (for example
 * milliseconds into seconds). Implementations need a public no-argument constructor; one instance is made per
 * schema and may be called from several threads.
 */
@FunctionalInterface
public interface FieldConverter {
  /**
   * Returns the new field's value for an old stored value. Throwing fails the load with a
   * {@code ShadowStoreException} (package {@code shadows.store}) naming the field, rather than silently dropping the
   * old value.
   */
  JsonNode convert(JsonNode oldValue) throws Exception;

  /** Keeps the old value as is. */
  final class Identity implements FieldConverter {
    @Override
    public JsonNode convert(JsonNode oldValue) {
      return oldValue;
    }
  }
}
