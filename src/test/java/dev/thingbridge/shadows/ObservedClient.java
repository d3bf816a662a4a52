package dev.thingbridge.shadows;

import dev.thingbridge.mqtt.ConnectionListener;
import dev.thingbridge.mqtt.MqttClient;
import dev.thingbridge.testing.ForwardingMqttClient;
import dev.thingbridge.mqtt.MqttMessage;
import dev.thingbridge.mqtt.Subscription;
import dev.thingbridge.mqtt.SubscriptionFilter;
import dev.thingbridge.mqtt.SubscriptionListener;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;

/**
 * A real client seen through a window: it shows which connection listeners are registered on it, and it can lose
 * its link the way a device does when the broker keeps no session for it, one direction at a time: held publishes
 * wait in order (as a client's offline queue holds them) and go out on {@link #goOnline()}; while deliveries are
 * dropped, messages for listener subscriptions made through it are lost.
 */
final class ObservedClient extends ForwardingMqttClient {
  private final Set<ConnectionListener> registered = ConcurrentHashMap.newKeySet();
  private final List<Runnable> held = new ArrayList<>();
  private boolean holding;
  private boolean dropping;

  ObservedClient(MqttClient delegate) {
    super(delegate);
  }

  int connectionListeners() {
    return registered.size();
  }

  /** Publishes wait from now on, until {@link #goOnline()}. */
  synchronized void holdPublishes() {
    holding = true;
  }

  /** Messages are lost from now on, until {@link #goOnline()}. */
  synchronized void dropDeliveries() {
    dropping = true;
  }

  /** Sends what was held, in order, and delivers messages again. */
  synchronized void goOnline() {
    holding = false;
    dropping = false;
    held.forEach(Runnable::run); // under the lock, so that no new publish overtakes a held one
    held.clear();
  }

  synchronized int heldPublishes() {
    return held.size();
  }

  private synchronized boolean isDropping() {
    return dropping;
  }

  @Override
  public CompletableFuture<Void> publish(MqttMessage message) {
    synchronized (this) {
      if (holding) {
        CompletableFuture<Void> later = new CompletableFuture<>();
        held.add(() -> delegate.publish(message).whenComplete((v, e) -> {
          if (e != null) {
            later.completeExceptionally(e);
          } else {
            later.complete(v);
          }
        }));
        return later;
      }
    }
    return delegate.publish(message);
  }

  @Override
  public CompletableFuture<Subscription> subscribe(List<SubscriptionFilter> filters, SubscriptionListener listener) {
    return delegate.subscribe(filters, new SubscriptionListener() {
      @Override
      public void onMessage(MqttMessage message) {
        if (!isDropping()) {
          listener.onMessage(message);
        }
      }

      @Override
      public void onSessionLost() {
        listener.onSessionLost();
      }
    });
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
}
