package dev.thingbridge.testing;

import dev.thingbridge.mqtt.MqttClient;
import dev.thingbridge.mqtt.MqttMessage;
import dev.thingbridge.mqtt.Subscription;
import dev.thingbridge.mqtt.SubscriptionFilter;
import dev.thingbridge.mqtt.SubscriptionListener;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;

/**
 * A real client whose SUBACKs come late, as over a slow link to AWS IoT: each subscribe reaches the broker at
 * once, but the caller hears of its acknowledgement only {@code delay} later. It keeps, in order, each
 * acknowledgement the caller heard ({@code "acked <filter>"}) and each publish it asked for ({@code
 * "publish <topic>"}), so a test sees whether a request went out before the broker had acknowledged the
 * subscriptions that catch its reply.
 */
public final class LateSubscribeAcks extends ForwardingMqttClient {
  private final Duration delay;
  private final List<String> events = new CopyOnWriteArrayList<>();

  public LateSubscribeAcks(MqttClient delegate, Duration delay) {
    super(delegate);
    this.delay = delay;
  }

  /** What happened, in order. */
  public List<String> events() {
    return List.copyOf(events);
  }

  /**
   * The publishes that went out before both {@code <topic>/accepted} and {@code <topic>/rejected} were
   * acknowledged (empty when every request waited for its reply subscriptions).
   */
  public List<String> publishesBeforeTheirReplySubscriptions() {
    List<String> early = new ArrayList<>();
    List<String> seen = events();
    for (int i = 0; i < seen.size(); i++) {
      if (seen.get(i).startsWith("publish ")) {
        String topic = seen.get(i).substring("publish ".length());
        List<String> before = seen.subList(0, i);
        if (!before.contains("acked " + topic + "/accepted") || !before.contains("acked " + topic + "/rejected")) {
          early.add(topic);
        }
      }
    }
    return early;
  }

  /** How many publishes were asked for. */
  public long publishes() {
    return events.stream().filter(e -> e.startsWith("publish ")).count();
  }

  @Override
  public CompletableFuture<Void> publish(MqttMessage message) {
    events.add("publish " + message.topic());
    return delegate.publish(message);
  }

  @Override
  public CompletableFuture<Subscription> subscribe(List<SubscriptionFilter> filters, SubscriptionListener listener) {
    return late(filters, delegate.subscribe(filters, listener));
  }

  @Override
  public CompletableFuture<Subscription> subscribe(List<SubscriptionFilter> filters) {
    return late(filters, delegate.subscribe(filters));
  }

  private CompletableFuture<Subscription> late(List<SubscriptionFilter> filters, CompletableFuture<Subscription> acked) {
    CompletableFuture<Subscription> heard = new CompletableFuture<>();
    acked.whenComplete((s, e) -> CompletableFuture.delayedExecutor(delay.toMillis(), TimeUnit.MILLISECONDS).execute(() -> {
      if (e != null) {
        heard.completeExceptionally(e);
        return;
      }
      filters.forEach(f -> events.add("acked " + f.filter()));
      heard.complete(s);
    }));
    return heard;
  }
}
