package dev.thingbridge.shadows;

import dev.thingbridge.mqtt.ConnectionListener;
import dev.thingbridge.mqtt.ConnectionState;
import dev.thingbridge.mqtt.MqttClient;
import dev.thingbridge.mqtt.MqttLimits;
import dev.thingbridge.mqtt.MqttMessage;
import dev.thingbridge.mqtt.Subscription;
import dev.thingbridge.mqtt.SubscriptionFilter;
import dev.thingbridge.mqtt.SubscriptionListener;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;

/** A real client seen through a window that shows which connection listeners are registered on it. */
final class ListenerCountingClient implements MqttClient {
  private final MqttClient delegate;
  private final Set<ConnectionListener> registered = ConcurrentHashMap.newKeySet();

  ListenerCountingClient(MqttClient delegate) {
    this.delegate = delegate;
  }

  int connectionListeners() {
    return registered.size();
  }

  @Override
  public String clientId() {
    return delegate.clientId();
  }

  @Override
  public ConnectionState state() {
    return delegate.state();
  }

  @Override
  public MqttLimits limits() {
    return delegate.limits();
  }

  @Override
  public CompletableFuture<Void> awaitConnected(Duration timeout) {
    return delegate.awaitConnected(timeout);
  }

  @Override
  public CompletableFuture<Void> publish(MqttMessage message) {
    return delegate.publish(message);
  }

  @Override
  public CompletableFuture<Subscription> subscribe(List<SubscriptionFilter> filters, SubscriptionListener listener) {
    return delegate.subscribe(filters, listener);
  }

  @Override
  public CompletableFuture<Subscription> subscribe(List<SubscriptionFilter> filters) {
    return delegate.subscribe(filters);
  }

  @Override
  public void addConnectionListener(ConnectionListener listener) {
    registered.add(listener);
    delegate.addConnectionListener(listener);
  }

  @Override
  public void removeConnectionListener(ConnectionListener listener) {
    registered.remove(listener);
    delegate.removeConnectionListener(listener);
  }

  @Override
  public void close() {
    delegate.close();
  }
}
