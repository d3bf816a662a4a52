package dev.thingbridge.twin.store;

import java.sql.SQLException;

/** The twin's database could not be opened, migrated, read or written; the message says which and why. */
public final class TwinStoreException extends RuntimeException {
  public TwinStoreException(String message) {
    super(message);
  }

  public TwinStoreException(String message, Throwable cause) {
    super(message, cause);
  }

  static TwinStoreException of(String what, SQLException e) {
    return new TwinStoreException(what + ": " + e.getMessage(), e);
  }
}
