package dev.thingbridge.mqtt.crt;

/**
 * Whether a {@link CrtMqttClient} asks the broker to resume its MQTT session (the CONNECT clean-start flag).
 * A session holds the broker's subscriptions and the QoS 1 messages queued while the client was away; it
 * lasts {@link CrtMqttOptions#sessionExpiry()} after a disconnect.
 */
public enum SessionBehavior {
  /** Every connection starts clean: after each reconnect the client subscribes again and may miss messages. */
  CLEAN,
  /**
   * The first connection of the process starts clean, every reconnect asks to resume (the default). This is
   * what AWS IoT Core expects from a device: no stale subscriptions from an earlier process, no lost
   * messages across network drops. Mosquitto 2.0 only saves a session to its persistence file once a
   * connection resumed it, so the session of the very first connection does not survive a broker restart.
   */
  REJOIN_POST_SUCCESS,
  /**
   * Every connection asks to resume, including the first one of the process. The broker may then deliver
   * messages for subscriptions an earlier process made; they reach no local subscription and are dropped.
   * Useful with brokers that persist only resumed sessions (Mosquitto 2.0).
   */
  REJOIN_ALWAYS
}
