package dev.thingbridge.twin.store;

import java.util.Locale;

/**
 * How far a commit is made durable before the twin answers ({@code --sync}). Both survive a kill -9 of the
 * twin at any moment: a commit is in the twin's journal, in the operating system's hands, before any reply
 * that depends on it goes out.
 */
public enum SyncMode {
  /**
   * No fsync per commit (the default; the database runs WAL with {@code synchronous=NORMAL}). A power loss
   * may lose the last moments' commits, never leave a torn state.
   */
  NORMAL,
  /** The journal is fsynced before every reply; a power loss loses nothing acknowledged. */
  FULL;

  /** The value of SQLite's {@code synchronous} pragma. */
  String pragma() {
    return name();
  }

  /**
   * Parses {@code full} or {@code normal}, in any case.
   *
   * @throws IllegalArgumentException for anything else
   */
  public static SyncMode parse(String text) {
    String t = text == null ? "" : text.trim().toUpperCase(Locale.ROOT);
    for (SyncMode m : values()) {
      if (m.name().equals(t)) {
        return m;
      }
    }
    throw new IllegalArgumentException("--sync must be full or normal, got '" + text + "'");
  }
}
