package dev.thingbridge.testing;

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
import java.util.concurrent.CompletableFuture;

/** A real client seen through a window: every call goes to {@code delegate}; tests override what they watch. */
public abstract class ForwardingMqttClient implements MqttClient {
  protected final MqttClient delegate;

  protected ForwardingMqttClient(MqttClient delegate) {
    this.delegate = delegate;
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
    delegate.addConnectionListener(listener);
  }

  @Override
  public void removeConnectionListener(ConnectionListener listener) {
    delegate.removeConnectionListener(listener);
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
  public void close() {
    delegate.close();
  }
}
