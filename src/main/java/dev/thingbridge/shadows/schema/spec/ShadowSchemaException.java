package dev.thingbridge.shadows.schema.spec;

/**
 * A state type that cannot be used as a shadow model (a map with non-string keys, two flattened maps, a default
 * that does not fit its field, a recursive type...). Thrown by {@code ShadowSchema.of(Class)}; a programming
 * error, not a runtime condition.
 */
public final class ShadowSchemaException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  public ShadowSchemaException(String message) {
    super(message);
  }

  public ShadowSchemaException(String message, Throwable cause) {
    super(message, cause);
  }
}
