package dev.thingbridge.provisioning.internal;

import dev.thingbridge.internal.Futures;
import dev.thingbridge.mqtt.MessageProperties;
import dev.thingbridge.mqtt.MqttClient;
import dev.thingbridge.mqtt.MqttMessage;
import dev.thingbridge.mqtt.MqttTimeoutException;
import dev.thingbridge.mqtt.QoS;
import dev.thingbridge.mqtt.Subscription;
import dev.thingbridge.mqtt.SubscriptionFilter;
import dev.thingbridge.mqtt.SubscriptionListener;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One provisioning request and its reply, the way the Fleet Provisioning API wants it: subscribe to the
 * explicit accepted and rejected topics (never a wildcard; AWS answers a wildcard subscription of the claim
 * policy with an error), publish only once the broker acknowledged both, take the first reply that belongs to
 * this device, then unsubscribe. The API has no client token, so "belongs" is decided by the caller's test
 * (MQTT 5 correlation data, the certificate's key); on AWS IoT Core the replies reach only the requesting
 * connection anyway, but on a shared broker (the twin on Mosquitto) every subscriber sees them.
 */
public final class ReplyExchange {
  private static final Logger log = LoggerFactory.getLogger(ReplyExchange.class);

  private ReplyExchange() {}

  /**
   * Sends {@code payload} on {@code requestTopic} at QoS 1 and completes with the first reply on {@code
   * acceptedTopic} or {@code rejectedTopic} that {@code belongs} accepts; fails with {@link
   * MqttTimeoutException} after {@code timeout} (counted from the call) or the subscribe's or publish's error.
   */
  public static CompletableFuture<MqttMessage> exchange(MqttClient mqtt, ScheduledExecutorService timer,
      String requestTopic, byte[] payload, MessageProperties properties, String acceptedTopic, String rejectedTopic,
      Duration timeout, Predicate<MqttMessage> belongs) {
    CompletableFuture<MqttMessage> reply = new CompletableFuture<>();
    ScheduledFuture<?> timeoutTask;
    try {
      timeoutTask = timer.schedule(() -> reply.completeExceptionally(
          new MqttTimeoutException("reply on " + acceptedTopic + " or /rejected", timeout)),
          timeout.toMillis(), TimeUnit.MILLISECONDS);
    } catch (RejectedExecutionException e) {
      return CompletableFuture.failedFuture(new dev.thingbridge.mqtt.MqttClosedException("the provisioner is closed"));
    }
    CompletableFuture<Subscription> subscription = mqtt.subscribe(
        List.of(SubscriptionFilter.of(acceptedTopic, QoS.AT_LEAST_ONCE),
            SubscriptionFilter.of(rejectedTopic, QoS.AT_LEAST_ONCE)),
        new SubscriptionListener() {
          @Override
          public void onMessage(MqttMessage m) {
            if (!(m.topic().equals(acceptedTopic) || m.topic().equals(rejectedTopic)) || reply.isDone()) {
              return;
            }
            boolean ours;
            try {
              ours = belongs.test(m);
            } catch (RuntimeException e) {
              ours = true; // a reply that cannot even be examined is ours to report as broken
            }
            if (ours) {
              reply.complete(m);
            } else {
              log.debug("reply on {} is another device's; ignored", m.topic());
            }
          }
        });
    subscription.whenComplete((s, e) -> {
      if (e != null) {
        reply.completeExceptionally(Futures.unwrap(e));
      } else if (!reply.isDone()) {
        mqtt.publish(new MqttMessage(requestTopic, payload, QoS.AT_LEAST_ONCE, false, properties))
            .whenComplete((v, pe) -> {
              if (pe != null) {
                reply.completeExceptionally(Futures.unwrap(pe));
              }
            });
      }
    });
    reply.whenComplete((m, e) -> {
      timeoutTask.cancel(false);
      subscription.thenAccept(Subscription::unsubscribe);
    });
    return reply;
  }
}
