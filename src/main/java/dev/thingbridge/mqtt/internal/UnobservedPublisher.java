package dev.thingbridge.mqtt.internal;

import dev.thingbridge.mqtt.MqttMessage;
import java.util.function.Consumer;

/**
 * A client that can send a publish whose success nobody waits for. {@link dev.thingbridge.mqtt.MqttClient#publish}
 * hands every completion from the network thread to the client's own threads, so that no user code runs on a
 * network thread; a sender of thingbridge's own that only needs to hear of failures (the twin's replies: two or
 * three per request) saves that thread switch per acknowledgement.
 */
public interface UnobservedPublisher {

  /**
   * Publishes {@code message} under the same rules as {@code publish} (QoS 1 held while disconnected, limits
   * checked). A success is not reported; a failure is passed to {@code onFailure} on one of the client's own
   * threads, never on a network thread.
   */
  void publishUnobserved(MqttMessage message, Consumer<Throwable> onFailure);
}
