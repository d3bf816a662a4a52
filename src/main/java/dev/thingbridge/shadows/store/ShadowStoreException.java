package dev.thingbridge.shadows.store;

/**
 * The shadow's local store failed: an I/O error, a key the store cannot hold, or a migration converter that
 * threw. The in-memory state is left as it was before the failed call.
 */
public final class ShadowStoreException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  public ShadowStoreException(String message) {
    super(message);
  }

  public ShadowStoreException(String message, Throwable cause) {
    super(message, cause);
  }
}
