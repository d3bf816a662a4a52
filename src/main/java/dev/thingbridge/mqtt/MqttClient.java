package dev.thingbridge.mqtt;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;

/**
 * The one MQTT client every thingbridge service talks through. Three backends implement it: Greengrass IPC
 * ({@code dev.thingbridge.greengrass}), direct MQTT 5 over aws-crt ({@code mqtt.crt}) and an in-process bus
 * ({@code mqtt.local}).
 *
 * <p>Contract shared by all backends:
 *
 * <ul>
 *   <li>Methods never block. Bad arguments (an invalid topic or filter) throw {@link
 *       IllegalArgumentException} at once; every later failure completes the returned future with an
 *       {@link MqttException}: {@link MqttPayloadTooLargeException}, {@link MqttNotConnectedException},
 *       {@link MqttRefusedException}, {@link MqttTimeoutException}, {@link MqttClosedException}.
 *   <li>Messages of one subscription are delivered in arrival order; listeners run on the client's own
 *       named delivery threads, never on a network or IPC thread. What arrives together is handed over
 *       together: one thread switch per burst, not per message.
 *   <li>Returned futures complete on the client's own threads too, one at a time, in the order the broker
 *       answered. A callback on one of them must not block waiting for another of the same client's futures
 *       (compose them with {@code thenCompose} instead); a listener may block on one.
 *   <li>A reconnect that keeps the session is silent. A reconnect without it renews every subscription and
 *       then signals {@link SubscriptionListener#onSessionLost()} on each.
 *   <li>While the client is not connected (before its first connection and while it reconnects), a QoS 1
 *       publish is held and sent once the connection is back, held publishes in the order they were made and
 *       before any later one; it fails with {@link MqttNotConnectedException} if the connection does not come
 *       back within the backend's operation timeout, and with {@link MqttClosedException} if the client
 *       closes first. A QoS 1 publish that fails because the connection dropped before the client noticed is
 *       held the same way, so it may reach the broker twice (at least once, as QoS 1 allows). A QoS 0
 *       publish while not connected fails with {@link MqttNotConnectedException}.
 * </ul>
 */
public interface MqttClient extends AutoCloseable {
  /** The MQTT client id; services use it as the default thing name. */
  String clientId();

  /** The current connection state. */
  ConnectionState state();

  /** The limits checked before sending. */
  MqttLimits limits();

  /**
   * Completes when the client is connected: at once if it already is, else at the next CONNACK.
   * Fails with {@link MqttTimeoutException} after {@code timeout}, or {@link MqttClosedException}.
   */
  CompletableFuture<Void> awaitConnected(Duration timeout);

  /**
   * Publishes a message. The future completes on the broker's PUBACK for QoS 1 and once the message is
   * handed to the transport for QoS 0. A QoS 1 publish made while the client is not connected waits for
   * the connection (see the contract above). (Through Greengrass IPC, completion means the nucleus accepted
   * the message into its spooler.)
   */
  CompletableFuture<Void> publish(MqttMessage message);

  /** Publishes a message without MQTT 5 properties. */
  default CompletableFuture<Void> publish(String topic, byte[] payload, QoS qos, boolean retain) {
    return publish(new MqttMessage(topic, payload, qos, retain, MessageProperties.NONE));
  }

  /**
   * Subscribes to filters with a listener. The future completes once the broker acknowledged every filter
   * (so a request published afterwards cannot overtake the subscription), and fails with {@link
   * MqttRefusedException} if the broker refused one; then none of them stays subscribed.
   */
  CompletableFuture<Subscription> subscribe(List<SubscriptionFilter> filters, SubscriptionListener listener);

  /** Subscribes to filters in pull mode: read messages with {@link Subscription#next(Duration)}. */
  CompletableFuture<Subscription> subscribe(List<SubscriptionFilter> filters);

  /** Subscribes to one filter in pull mode. */
  default CompletableFuture<Subscription> subscribe(String filter, QoS qos) {
    return subscribe(List.of(SubscriptionFilter.of(filter, qos)));
  }

  /** Adds a connection observer; {@link #removeConnectionListener} takes it off again. */
  void addConnectionListener(ConnectionListener listener);

  /**
   * Removes a connection observer added earlier (the same instance; one removal per addition). An unknown
   * listener is ignored. A callback already handed to the delivery pool may still run once.
   */
  void removeConnectionListener(ConnectionListener listener);

  /**
   * Disconnects and releases every resource: network, native and threads. Open subscriptions end with
   * {@link MqttClosedException}; pending operations fail with it. Idempotent.
   */
  @Override
  void close();
}
