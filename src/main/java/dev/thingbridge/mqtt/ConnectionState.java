package dev.thingbridge.mqtt;

/**
 * Where a client's connection stands.
 *
 * <pre>
 *   CONNECTING --connack--> CONNECTED --lost--> CONNECTING (reconnect with backoff)
 *        \                                   \
 *         +------------- close() ------------+--> CLOSED (final)
 * </pre>
 */
public enum ConnectionState {
  /** Not connected yet, or reconnecting after a loss. Operations queue or fail per backend. */
  CONNECTING,
  /** Connected to the broker (or the Greengrass nucleus). */
  CONNECTED,
  /** Closed by {@link MqttClient#close()}; every later operation fails with {@link MqttClosedException}. */
  CLOSED
}
