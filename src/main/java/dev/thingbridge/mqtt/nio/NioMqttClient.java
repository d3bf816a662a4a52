package dev.thingbridge.mqtt.nio;

import dev.thingbridge.mqtt.MqttClosedException;
import dev.thingbridge.mqtt.MqttEndpoint;
import dev.thingbridge.mqtt.MqttException;
import dev.thingbridge.mqtt.MqttMessage;
import dev.thingbridge.mqtt.MqttNotConnectedException;
import dev.thingbridge.mqtt.MqttTimeoutException;
import dev.thingbridge.mqtt.QoS;
import dev.thingbridge.mqtt.SubscriptionFilter;
import dev.thingbridge.mqtt.codec.Packet;
import dev.thingbridge.mqtt.codec.PacketEncoder;
import dev.thingbridge.mqtt.internal.AbstractMqttClient;
import dev.thingbridge.mqtt.internal.DeliveryTurns;
import dev.thingbridge.mqtt.internal.SubscriptionIds;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * An MQTT 5 client over plain TCP written in Java on NIO, with thingbridge's own packet codec: one thread per
 * client reads, writes and keeps the connection. It exists for the local twin, which answers every request
 * with an acknowledgement and two or three replies: here a reply published from the thread that delivered the
 * request leaves in the same write as the request's PUBACK, with no hand-over to a native event loop. For TLS
 * (AWS IoT Core, mutual TLS to any broker) use {@link dev.thingbridge.mqtt.crt.CrtMqttClient}.
 *
 * <p>Contract, beyond {@link dev.thingbridge.mqtt.MqttClient}'s, the same as the direct backend's:
 *
 * <ul>
 *   <li>It reconnects by itself with jittered exponential backoff until {@link #close()}; {@link #start}
 *       returns at once, {@link #connect} waits for the first attempt and fails fast.
 *   <li>While disconnected, QoS 1 publishes, subscribes and unsubscribes wait for the next connection (QoS 1
 *       publishes not yet acknowledged are sent again first, flagged DUP when the session was resumed); QoS 0
 *       publishes fail with {@link MqttNotConnectedException}. No acknowledgement within {@link
 *       NioMqttOptions#ackTimeout()} fails an operation with {@link MqttTimeoutException}.
 *   <li>The broker's Receive Maximum is respected: QoS 1 publishes beyond it wait, in order, for a PUBACK.
 *   <li>Overlapping subscriptions are told apart by subscription identifiers, so a message arrives once.
 * </ul>
 *
 * <p>Threads: {@code thingbridge-mqtt-<id>-io} owns the socket and every piece of session state; calls from other
 * threads are handed to it. Inbound messages are delivered on it in arrival order; listeners other than
 * thingbridge's own hand-off listeners get them on the client's delivery pool, as with every backend.
 */
public final class NioMqttClient extends AbstractMqttClient implements DeliveryTurns {
  private static final Logger log = LoggerFactory.getLogger(NioMqttClient.class);
  private static final int PULL_QUEUE_CAPACITY = 100_000;
  /** What a packet may carry beyond its payload: topic, properties, headers. */
  private static final int PACKET_OVERHEAD = 64 * 1024;

  private final NioMqttOptions options;
  private final Link link;
  private final Session session;
  private final SubscriptionIds subscriptionIds;
  private final CompletableFuture<Void> firstAttempt = new CompletableFuture<>();
  private volatile MqttException lastFailure;
  private volatile boolean failFast;
  private final List<Runnable> turnListeners = new CopyOnWriteArrayList<>();
  /** Link thread only. */
  private boolean everConnected;
  /** Link thread only: whether a message was delivered in the current turn. */
  private boolean deliveredThisTurn;

  private NioMqttClient(NioMqttOptions options) {
    super(options.clientId(), options.limits(), PULL_QUEUE_CAPACITY, options.ackTimeout());
    this.options = options;
    this.subscriptionIds = new SubscriptionIds(!options.endpoint().isAwsIot());
    String name = "thingbridge-mqtt-" + (options.clientId().length() <= 24
        ? options.clientId() : options.clientId().substring(0, 24)) + "-io";
    try {
      this.link = new Link(options, options.limits().maxPayloadBytes() + PACKET_OVERHEAD, new LinkEvents(), name);
    } catch (IOException e) {
      throw new UncheckedIOException("could not open a selector for the MQTT client " + options.clientId(), e);
    }
    this.session = new Session(link, options.ackTimeout());
  }

  /**
   * Creates a client and starts connecting in the background; it keeps reconnecting until closed. Wait with
   * {@link #awaitConnected(Duration)}, or just publish and subscribe: QoS 1 operations wait for the link.
   */
  public static NioMqttClient start(NioMqttOptions options) {
    NioMqttClient c = new NioMqttClient(options);
    c.link.start();
    return c;
  }

  /**
   * Creates a client and waits for its first connection attempt, for tools that should fail fast rather than
   * retry. Once connected it reconnects like {@link #start}.
   *
   * @throws dev.thingbridge.mqtt.MqttRefusedException if the broker answered the CONNECT with a failure code
   * @throws MqttNotConnectedException if the attempt failed before a CONNACK (refused, unreachable, no answer)
   * @throws MqttTimeoutException if the attempt took longer than {@code timeout}
   */
  public static NioMqttClient connect(NioMqttOptions options, Duration timeout) throws InterruptedException {
    NioMqttClient c = new NioMqttClient(options);
    c.failFast = true;
    c.link.start();
    try {
      c.firstAttempt.get(timeout.toMillis(), TimeUnit.MILLISECONDS);
      return c;
    } catch (ExecutionException e) {
      c.close();
      throw e.getCause() instanceof MqttException m ? m : new MqttNotConnectedException(e.getCause().toString());
    } catch (TimeoutException e) {
      c.close();
      throw new MqttTimeoutException("connect to " + options.endpoint(), timeout);
    } catch (InterruptedException | RuntimeException e) {
      c.close();
      throw e;
    }
  }

  @Override
  public void onTurnEnd(Runnable onTurnEnd) {
    turnListeners.add(java.util.Objects.requireNonNull(onTurnEnd, "onTurnEnd"));
  }

  /** How many socket writes the client made so far (for tests). */
  long socketWrites() {
    return link.writes();
  }

  /** The options this client was made with. */
  public NioMqttOptions options() {
    return options;
  }

  /** The endpoint this client connects to. */
  public MqttEndpoint endpoint() {
    return options.endpoint();
  }

  /** Why the latest connection attempt failed, or null if none failed since the last success. */
  public MqttException lastConnectionFailure() {
    return lastFailure;
  }

  // ---- transport ----

  @Override
  protected CompletableFuture<Void> doPublish(MqttMessage message) {
    if (message.qos() == QoS.AT_MOST_ONCE) {
      CompletableFuture<Void> handedOver = new CompletableFuture<>();
      link.submit(() -> session.publishAtMostOnce(message, handedOver));
      return handedOver;
    }
    Session.Operation op = Session.Operation.publish(message, deadline());
    link.submit(() -> session.start(op));
    return op.done();
  }

  @Override
  protected CompletableFuture<Void> doSubscribe(SubscriptionFilter filter) {
    Long id = subscriptionIds.forSubscribe(filter.filter(), filter.qos());
    Session.Operation op = Session.Operation.subscribe(filter, id == null ? 0 : id.intValue(), deadline());
    link.submit(() -> session.start(op));
    return op.done();
  }

  @Override
  protected CompletableFuture<Void> doUnsubscribe(String filter) {
    subscriptionIds.remove(filter);
    Session.Operation op = Session.Operation.unsubscribe(filter, deadline());
    link.submit(() -> session.start(op));
    return op.done();
  }

  @Override
  protected void doClose() {
    link.stop();
    firstAttempt.completeExceptionally(new MqttClosedException("client " + clientId() + " is closed"));
  }

  private long deadline() {
    return System.nanoTime() + options.ackTimeout().toNanos();
  }

  private void inbound(Packet.Publish publish) {
    if (publish.topic().isEmpty()) {
      link.drop("the broker used a topic alias, which this client never allowed");
      return;
    }
    try {
      if (subscriptionIds.shouldDeliver(publish.topic(), longs(publish.subscriptionIds()))) {
        deliveredThisTurn = true;
        deliver(new MqttMessage(publish.topic(), publish.payload(), QoS.of(publish.qos()), publish.retain(),
            publish.properties()));
      }
    } catch (RuntimeException e) {
      // A listener's failure must not take the connection down with it.
      log.warn("mqtt client {}: delivering a message on {} failed: {}", clientId(), publish.topic(), e.toString());
    }
    if (publish.qos() == 1) {
      link.send(PacketEncoder.encode(new Packet.PubAck(publish.packetId(), 0, null), Packet.V5));
    }
  }

  private static List<Long> longs(List<Integer> ids) {
    if (ids.isEmpty()) {
      return List.of();
    }
    List<Long> out = new ArrayList<>(ids.size());
    for (int id : ids) {
      out.add((long) id);
    }
    return out;
  }

  /** What the link reports, on its thread. */
  private final class LinkEvents implements Link.Events {
    @Override
    public Packet.Connect connectPacket() {
      boolean clean = switch (options.sessionBehavior()) {
        case CLEAN -> true;
        case REJOIN_ALWAYS -> false;
        case REJOIN_POST_SUCCESS -> !everConnected;
      };
      return Packet.Connect.of(Packet.V5, clientId(), clean, (int) options.keepAlive().toSeconds(),
              options.sessionExpiry().toSeconds())
          .withLimits(65_535, options.limits().maxPayloadBytes() + PACKET_OVERHEAD);
    }

    @Override
    public void opened(Packet.Connack connack) {
      everConnected = true;
      lastFailure = null;
      log.info("mqtt client {} connected to {} (session present: {})", clientId(), endpoint(),
          connack.sessionPresent());
      session.opened(connack);
      connected(connack.sessionPresent());
      firstAttempt.complete(null);
    }

    @Override
    public void received(Packet packet) {
      if (packet instanceof Packet.Publish p) {
        inbound(p);
      } else if (!session.acknowledged(packet)) {
        link.drop("the broker sent an unexpected packet of type " + packet.type());
      }
    }

    @Override
    public void closed(MqttException cause, boolean wasOpen) {
      // In-flight operations stay in the session: opened() sends them again, their deadlines still run.
      if (wasOpen) {
        disconnected(cause.getMessage());
        return;
      }
      lastFailure = cause;
      if (failFast && !firstAttempt.isDone()) {
        log.debug("mqtt client {}: {}", clientId(), cause.getMessage());
      } else {
        log.warn("mqtt client {}: {}", clientId(), cause.getMessage());
      }
      firstAttempt.completeExceptionally(cause);
    }

    @Override
    public void turnEnded() {
      if (!deliveredThisTurn) {
        return;
      }
      deliveredThisTurn = false;
      for (Runnable r : turnListeners) {
        try {
          r.run();
        } catch (RuntimeException e) {
          log.warn("mqtt client {}: a turn listener failed: {}", clientId(), e.toString());
        }
      }
    }

    @Override
    public void tick(long nowNanos) {
      session.expire(nowNanos);
    }

    @Override
    public void stopped() {
      session.failAll(new MqttClosedException("client " + clientId() + " is closed"));
    }
  }
}
