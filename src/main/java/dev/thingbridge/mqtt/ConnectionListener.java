package dev.thingbridge.mqtt;

/** Observes a client's connection. Called on the client's delivery pool, never on a network thread. */
public interface ConnectionListener {
  /** Does nothing. */
  ConnectionListener NONE = new ConnectionListener() {};

  /**
   * The connection is up.
   *
   * @param sessionPresent whether the broker kept the session of an earlier connection
   */
  default void onConnected(boolean sessionPresent) {}

  /**
   * The connection was lost; the client reconnects by itself.
   *
   * @param reason a human-readable cause, safe to log
   */
  default void onDisconnected(String reason) {}
}
