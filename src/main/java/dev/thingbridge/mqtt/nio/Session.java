package dev.thingbridge.mqtt.nio;

import dev.thingbridge.mqtt.MqttClosedException;
import dev.thingbridge.mqtt.MqttException;
import dev.thingbridge.mqtt.MqttMessage;
import dev.thingbridge.mqtt.MqttNotConnectedException;
import dev.thingbridge.mqtt.MqttRefusedException;
import dev.thingbridge.mqtt.MqttTimeoutException;
import dev.thingbridge.mqtt.SubscriptionFilter;
import dev.thingbridge.mqtt.codec.Packet;
import dev.thingbridge.mqtt.codec.PacketEncoder;
import dev.thingbridge.mqtt.codec.ReasonCodes;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;

/**
 * The client side of an MQTT session: packet identifiers, operations awaiting their acknowledgement, operations
 * waiting for a connection or for the broker's Receive Maximum, and their deadlines. Lives on the link's
 * thread; nothing here is thread-safe.
 */
final class Session {
  private enum Kind { PUBLISH, SUBSCRIBE, UNSUBSCRIBE }

  /** A publish, subscribe or unsubscribe until its acknowledgement, failure or deadline. */
  static final class Operation {
    private final Kind kind;
    private final MqttMessage message;
    private final SubscriptionFilter filter;
    private final String unsubscribeFilter;
    private final int subscriptionId;
    private final long deadline;
    private final CompletableFuture<Void> done = new CompletableFuture<>();
    private int packetId;

    private Operation(Kind kind, MqttMessage message, SubscriptionFilter filter, String unsubscribeFilter,
        int subscriptionId, long deadline) {
      this.kind = kind;
      this.message = message;
      this.filter = filter;
      this.unsubscribeFilter = unsubscribeFilter;
      this.subscriptionId = subscriptionId;
      this.deadline = deadline;
    }

    static Operation publish(MqttMessage message, long deadline) {
      return new Operation(Kind.PUBLISH, message, null, null, 0, deadline);
    }

    /** {@code subscriptionId} 0 for none. */
    static Operation subscribe(SubscriptionFilter filter, int subscriptionId, long deadline) {
      return new Operation(Kind.SUBSCRIBE, null, filter, null, subscriptionId, deadline);
    }

    static Operation unsubscribe(String filter, long deadline) {
      return new Operation(Kind.UNSUBSCRIBE, null, null, filter, 0, deadline);
    }

    CompletableFuture<Void> done() {
      return done;
    }

    String what() {
      return switch (kind) {
        case PUBLISH -> "publish to " + message.topic();
        case SUBSCRIBE -> "subscribe to " + filter.filter();
        case UNSUBSCRIBE -> "unsubscribe from " + unsubscribeFilter;
      };
    }

    Packet packet(boolean dup) {
      return switch (kind) {
        case PUBLISH -> new Packet.Publish(message.topic(), message.payload(), 1, message.retain(), dup, packetId,
            message.properties(), 0, List.of());
        case SUBSCRIBE -> new Packet.Subscribe(packetId, subscriptionId, List.of(new Packet.TopicSubscription(
            filter.filter(), filter.qos().level(), filter.noLocal(), false, 0)), List.of());
        case UNSUBSCRIBE -> new Packet.Unsubscribe(packetId, List.of(unsubscribeFilter));
      };
    }
  }

  private final Link link;
  private final Duration ackTimeout;
  /** Sent and not yet acknowledged, in the order sent. */
  private final Map<Integer, Operation> inFlight = new LinkedHashMap<>();
  /** Not sent yet: no connection, or the broker's Receive Maximum reached. */
  private final ArrayDeque<Operation> waiting = new ArrayDeque<>();
  private int receiveMaximum = 65_535;
  private long maximumPacketSize = Long.MAX_VALUE;
  private int publishesInFlight;
  private int lastPacketId;
  private boolean closedForGood;

  Session(Link link, Duration ackTimeout) {
    this.link = link;
    this.ackTimeout = ackTimeout;
  }

  /** A QoS 0 publish: written now if connected, else refused (QoS 0 is never queued while offline). */
  void publishAtMostOnce(MqttMessage message, CompletableFuture<Void> handedOver) {
    if (closedForGood) {
      handedOver.completeExceptionally(new MqttClosedException("publish to " + message.topic() + " failed: the client is closed"));
    } else if (!link.isOpen()) {
      handedOver.completeExceptionally(new MqttNotConnectedException("publish to " + message.topic()
          + " failed: not connected (QoS 0 publishes are not queued while offline)"));
    } else {
      byte[] bytes = PacketEncoder.encode(new Packet.Publish(message.topic(), message.payload(), 0, message.retain(),
          false, 0, message.properties(), 0, List.of()), Packet.V5);
      if (tooLarge(bytes, handedOver, "publish to " + message.topic())) {
        return;
      }
      link.send(bytes);
      handedOver.complete(null);
    }
  }

  /** Sends {@code op} now if it may go, else queues it behind the others. */
  void start(Operation op) {
    if (closedForGood) {
      op.done.completeExceptionally(new MqttClosedException(op.what() + " failed: the client is closed"));
    } else if (!link.isOpen() || !waiting.isEmpty() || (op.kind == Kind.PUBLISH && publishesInFlight >= receiveMaximum)) {
      waiting.add(op);
    } else {
      send(op, false, true);
    }
  }

  /** A new connection: operations in flight go again first, in order, then the waiting ones. */
  void opened(Packet.Connack connack) {
    receiveMaximum = connack.receiveMaximum() != null ? connack.receiveMaximum() : 65_535;
    maximumPacketSize = connack.maximumPacketSize() != null ? connack.maximumPacketSize() : Long.MAX_VALUE;
    List<Operation> again = new ArrayList<>(inFlight.values());
    inFlight.clear();
    publishesInFlight = 0;
    for (int i = again.size() - 1; i >= 0; i--) {
      waiting.addFirst(again.get(i));
    }
    boolean dup = connack.sessionPresent();
    sendWaiting(dup);
  }

  /** Completes the operation a PUBACK, SUBACK or UNSUBACK answers; false if {@code packet} is none of those. */
  boolean acknowledged(Packet packet) {
    if (packet instanceof Packet.PubAck a) {
      Operation op = remove(a.packetId(), Kind.PUBLISH);
      if (op != null) {
        complete(op, a.reasonCode(), a.reasonString());
        sendWaiting(false);
      }
      return true;
    } else if (packet instanceof Packet.SubAck s) {
      Operation op = remove(s.packetId(), Kind.SUBSCRIBE);
      if (op != null) {
        complete(op, s.reasonCodes().isEmpty() ? 0 : s.reasonCodes().get(0), s.reasonString());
      }
      return true;
    } else if (packet instanceof Packet.UnsubAck u) {
      Operation op = remove(u.packetId(), Kind.UNSUBSCRIBE);
      if (op != null) {
        complete(op, u.reasonCodes().isEmpty() ? 0 : u.reasonCodes().get(0), null);
      }
      return true;
    }
    return false;
  }

  /** Fails operations whose deadline passed, sent or not. */
  void expire(long now) {
    boolean freed = false;
    for (Iterator<Operation> it = inFlight.values().iterator(); it.hasNext(); ) {
      Operation op = it.next();
      if (now - op.deadline >= 0) {
        it.remove();
        if (op.kind == Kind.PUBLISH) {
          publishesInFlight--;
          freed = true;
        }
        timeOut(op);
      }
    }
    for (Iterator<Operation> it = waiting.iterator(); it.hasNext(); ) {
      Operation op = it.next();
      if (now - op.deadline >= 0) {
        it.remove();
        timeOut(op);
      }
    }
    if (freed) {
      sendWaiting(false);
    }
  }

  /** Fails everything pending and refuses what comes later. */
  void failAll(MqttClosedException cause) {
    closedForGood = true;
    List<Operation> all = new ArrayList<>(inFlight.values());
    all.addAll(waiting);
    inFlight.clear();
    waiting.clear();
    publishesInFlight = 0;
    for (Operation op : all) {
      op.done.completeExceptionally(new MqttClosedException(op.what() + " failed: " + cause.getMessage()));
    }
  }

  private void sendWaiting(boolean dupForResent) {
    while (link.isOpen() && !waiting.isEmpty()) {
      Operation next = waiting.peekFirst();
      if (next.kind == Kind.PUBLISH && publishesInFlight >= receiveMaximum) {
        return;
      }
      waiting.pollFirst();
      boolean resent = next.packetId != 0;
      send(next, dupForResent && resent, !resent);
    }
  }

  private void send(Operation op, boolean dup, boolean newId) {
    if (newId || inFlight.containsKey(op.packetId)) {
      op.packetId = nextPacketId();
    }
    byte[] bytes = PacketEncoder.encode(op.packet(dup), Packet.V5);
    if (tooLarge(bytes, op.done, op.what())) {
      return;
    }
    inFlight.put(op.packetId, op);
    if (op.kind == Kind.PUBLISH) {
      publishesInFlight++;
    }
    link.send(bytes);
  }

  private boolean tooLarge(byte[] bytes, CompletableFuture<Void> done, String what) {
    if (bytes.length <= maximumPacketSize) {
      return false;
    }
    done.completeExceptionally(new MqttRefusedException(what, ReasonCodes.PACKET_TOO_LARGE,
        "a packet of " + bytes.length + " bytes is over the broker's maximum packet size of " + maximumPacketSize));
    return true;
  }

  private Operation remove(int packetId, Kind kind) {
    Operation op = inFlight.get(packetId);
    if (op == null || op.kind != kind) {
      return null; // timed out meanwhile, or a stray acknowledgement: nothing waits for it
    }
    inFlight.remove(packetId);
    if (kind == Kind.PUBLISH) {
      publishesInFlight--;
    }
    return op;
  }

  private static void complete(Operation op, int reasonCode, String reasonString) {
    if (reasonCode >= 0x80) {
      op.done.completeExceptionally(new MqttRefusedException(op.what(), reasonCode,
          reasonString != null && !reasonString.isEmpty() ? reasonString : ReasonCodes.describe(reasonCode)));
    } else {
      op.done.complete(null);
    }
  }

  private void timeOut(Operation op) {
    MqttException e = new MqttTimeoutException(op.what() + " (waiting for the broker's acknowledgement)", ackTimeout);
    op.done.completeExceptionally(e);
  }

  private int nextPacketId() {
    do {
      lastPacketId = lastPacketId % 65_535 + 1;
    } while (inFlight.containsKey(lastPacketId));
    return lastPacketId;
  }
}
