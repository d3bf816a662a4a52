package dev.thingbridge.mqtt.local.server;

import dev.thingbridge.mqtt.MqttMessage;
import dev.thingbridge.mqtt.codec.Packet.Publish;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * A message waiting in a session, with what it needs on the wire: the retain flag it goes out with, the
 * identifiers of the subscriptions it matched, when it was queued (for its message expiry) and, once sent
 * with QoS 1, its packet identifier. Guarded by the owning {@link ServerSession}.
 */
final class Outgoing {
  final MqttMessage message;
  final boolean retain;
  final List<Integer> subscriptionIds;
  final long enqueuedNanos;
  int packetId;

  Outgoing(MqttMessage message, boolean retain, List<Integer> subscriptionIds, long enqueuedNanos) {
    this.message = message;
    this.retain = retain;
    this.subscriptionIds = subscriptionIds;
    this.enqueuedNanos = enqueuedNanos;
  }

  /** What it counts against the session's and the server's byte limits. */
  long bytes() {
    return message.payload().length + message.topic().length();
  }

  /** Whether its message expiry ran out while it waited. */
  boolean expiredAt(long now) {
    Long remaining = remainingExpiry(now);
    return remaining != null && remaining <= 0;
  }

  /** The PUBLISH for it, its message expiry counted down by the time it waited (MQTT 5 §3.3.2.3.3). */
  Publish toPublish(boolean dup, long now) {
    MqttMessage m = message;
    Long remaining = remainingExpiry(now);
    if (remaining != null && !remaining.equals(m.properties().messageExpirySeconds().orElse(null))) {
      m = m.withProperties(m.properties().toBuilder().messageExpirySeconds(Math.max(1, remaining)).build());
    }
    return new Publish(m.topic(), m.payload(), m.qos().level(), retain, dup, packetId, m.properties(), 0,
        subscriptionIds);
  }

  private Long remainingExpiry(long now) {
    Long expiry = message.properties().messageExpirySeconds().orElse(null);
    return expiry == null ? null : expiry - TimeUnit.NANOSECONDS.toSeconds(now - enqueuedNanos);
  }
}
