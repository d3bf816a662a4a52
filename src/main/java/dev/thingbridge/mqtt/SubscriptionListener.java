package dev.thingbridge.mqtt;

/**
 * Receives a subscription's messages. Calls for one subscription never overlap and come in arrival order,
 * on a thread of the client's delivery pool (never on a network or IPC thread), so a listener may block
 * briefly or call the client, though long work belongs on the listener's own executor.
 */
public interface SubscriptionListener {
  /** A message matching one of the subscription's filters. */
  void onMessage(MqttMessage message);

  /**
   * The broker dropped the MQTT session (it answered a reconnect with session-present false), so messages
   * may have been missed. By the time this is called the client has subscribed the filters again; the
   * service should now resynchronise its state (re-get the shadow, re-describe jobs).
   */
  default void onSessionLost() {}
}
