package dev.thingbridge.mqtt.local.server;

import dev.thingbridge.mqtt.MqttMessage;
import dev.thingbridge.mqtt.MqttNotConnectedException;
import dev.thingbridge.mqtt.QoS;
import dev.thingbridge.mqtt.SubscriptionFilter;
import dev.thingbridge.mqtt.codec.FrameDecoder;
import dev.thingbridge.mqtt.codec.MalformedPacketException;
import dev.thingbridge.mqtt.codec.Packet;
import dev.thingbridge.mqtt.codec.Packet.Connack;
import dev.thingbridge.mqtt.codec.Packet.Connect;
import dev.thingbridge.mqtt.codec.Packet.Disconnect;
import dev.thingbridge.mqtt.codec.Packet.PubAck;
import dev.thingbridge.mqtt.codec.Packet.Publish;
import dev.thingbridge.mqtt.codec.Packet.SubAck;
import dev.thingbridge.mqtt.codec.Packet.Subscribe;
import dev.thingbridge.mqtt.codec.Packet.TopicSubscription;
import dev.thingbridge.mqtt.codec.Packet.UnsubAck;
import dev.thingbridge.mqtt.codec.Packet.Unsubscribe;
import dev.thingbridge.mqtt.codec.Packet.Will;
import dev.thingbridge.mqtt.codec.PacketDecoder;
import dev.thingbridge.mqtt.codec.PacketEncoder;
import dev.thingbridge.mqtt.codec.ReasonCodes;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The MQTT side of one connection: CONNECT, then publishes, subscriptions, pings and DISCONNECT, for MQTT
 * 3.1.1 and MQTT 5. Runs on the connection's I/O thread.
 *
 * <p>Where AWS IoT Core and MQTT leave a choice, this server: grants QoS 1 to a SUBSCRIBE asking for QoS 2
 * (AWS IoT would send no SUBACK at all, which only makes the client time out); answers a QoS 2 PUBLISH with
 * DISCONNECT 0x9B (MQTT 5; the CONNACK announced maximum QoS 1) or a plain close (MQTT 3.1.1); refuses
 * topic aliases (topic alias maximum 0) and shared subscriptions; assigns a client id when the client sends
 * none.
 */
final class MqttProtocol {
  private static final Logger log = LoggerFactory.getLogger(MqttProtocol.class);
  private static final SecureRandom RANDOM = new SecureRandom();
  private static final int PULL_BATCH = 32;

  private final Connection connection;
  private final ServerContext context;
  private int version;
  private boolean connected;
  private String clientId;
  private ServerSession session;
  private int clientReceiveMaximum = 65_535;
  private long clientMaximumPacketSize;
  private boolean problemInformation = true;
  private long requestedExpiry;

  MqttProtocol(Connection connection, ServerContext context) {
    this.connection = connection;
    this.context = context;
  }

  int version() {
    return version;
  }

  boolean isConnected() {
    return connected;
  }

  // ---- inbound ----

  void onFrame(FrameDecoder.Frame frame) throws MalformedPacketException {
    Packet p = PacketDecoder.decode(frame.header(), frame.body(), version);
    if (!connected) {
      if (p instanceof Connect c) {
        connect(c);
      } else {
        connection.close(ReasonCodes.PROTOCOL_ERROR, "first packet is not CONNECT", false);
      }
      return;
    }
    if (p instanceof Publish publish) {
      publish(publish);
    } else if (p instanceof PubAck ack) {
      session.acknowledge(ack.packetId());
    } else if (p instanceof Subscribe s) {
      subscribe(s);
    } else if (p instanceof Unsubscribe u) {
      unsubscribe(u);
    } else if (p instanceof Packet.PingReq) {
      connection.send(new Packet.PingResp());
    } else if (p instanceof Disconnect d) {
      disconnect(d);
    } else {
      fail(ReasonCodes.PROTOCOL_ERROR, "a client may not send " + p.getClass().getSimpleName().toUpperCase());
    }
  }

  /** A packet broke the rules: CONNACK or DISCONNECT with the reason where the protocol allows, then close. */
  void onMalformed(MalformedPacketException e) {
    log.warn("mqtt server: closing {} ({}): {}", who(), ReasonCodes.describe(e.reasonCode()), e.getMessage());
    if (connected) {
      fail(e.reasonCode(), e.getMessage());
      return;
    }
    if (e.reasonCode() == ReasonCodes.UNSUPPORTED_PROTOCOL_VERSION) {
      // MQTT 3.1.1's CONNACK for older clients, MQTT 5's for anything newer.
      version = e.protocolVersion() > Packet.V5 ? Packet.V5 : Packet.V311;
      connection.send(Connack.refused(version == Packet.V5 ? ReasonCodes.UNSUPPORTED_PROTOCOL_VERSION
          : ReasonCodes.V4_UNACCEPTABLE_PROTOCOL_VERSION, null));
    } else if (e.protocolVersion() == Packet.V5) {
      version = Packet.V5;
      connection.send(Connack.refused(e.reasonCode(), e.getMessage()));
    }
    connection.close(e.reasonCode(), e.getMessage(), true);
  }

  private void connect(Connect c) {
    version = c.protocolVersion();
    boolean v5 = version == Packet.V5;
    MqttServerOptions options = context.options();
    if (!context.bus().isRunning()) {
      refuse(v5 ? ReasonCodes.SERVER_UNAVAILABLE : ReasonCodes.V4_SERVER_UNAVAILABLE, "the bus is stopped");
      return;
    }
    if (c.authenticationMethod() != null) {
      refuse(ReasonCodes.BAD_AUTHENTICATION_METHOD, "enhanced authentication is not supported");
      return;
    }
    String id = c.clientId();
    boolean assigned = id.isEmpty();
    if (assigned) {
      if (!v5 && !c.cleanStart()) {
        refuse(ReasonCodes.V4_IDENTIFIER_REJECTED, "an empty client id needs a clean session");
        return;
      }
      id = "thingbridge-" + HexFormat.of().formatHex(RANDOM.generateSeed(8));
    }
    Will will = c.will();
    if (will != null && will.qos() == 2) {
      if (v5) {
        refuse(ReasonCodes.QOS_NOT_SUPPORTED, "will QoS 2: the maximum QoS is 1, as on AWS IoT");
        return;
      }
      will = new Will(will.topic(), will.payload(), 1, will.retain(), will.properties(), will.delaySeconds());
    }
    if (will != null && !PacketDecoder.payloadMatchesFormat(will.payload(), will.properties())) {
      refuse(ReasonCodes.PAYLOAD_FORMAT_INVALID, "the will payload is not the UTF-8 its format indicator says");
      return;
    }
    int keepAlive = c.keepAliveSeconds();
    Integer serverKeepAlive = null;
    if (keepAlive == 0 || keepAlive > options.maxKeepAliveSeconds()) {
      keepAlive = options.maxKeepAliveSeconds();
      serverKeepAlive = v5 ? keepAlive : null;
    }
    long maxExpiry = options.maxSessionExpiry().getSeconds();
    requestedExpiry = v5 ? c.sessionExpirySeconds() : (c.cleanStart() ? 0 : maxExpiry);
    long expiry = Math.min(requestedExpiry, maxExpiry);
    clientReceiveMaximum = c.receiveMaximum();
    clientMaximumPacketSize = c.maximumPacketSize();
    problemInformation = c.requestProblemInformation();
    connection.will(will);
    SessionRegistry.Binding binding = context.sessions().connect(connection, id, c.cleanStart(), expiry);
    if (binding.session() == null) {
      connection.takeWill();
      refuse(v5 ? ReasonCodes.QUOTA_EXCEEDED : ReasonCodes.V4_SERVER_UNAVAILABLE,
          "the server holds its maximum of " + options.maxSessions() + " sessions");
      return;
    }
    session = binding.session();
    clientId = id;
    connected = true;
    connection.keepAlive(keepAlive);
    connection.send(new Connack(binding.sessionPresent(), ReasonCodes.SUCCESS,
        v5 && expiry != requestedExpiry ? expiry : null,
        v5 ? options.receiveMaximum() : null,
        v5 ? 1 : null,
        v5 ? (long) options.maximumPacketSize() : null,
        v5 && assigned ? id : null,
        serverKeepAlive,
        v5 ? false : null,
        null));
    log.info("mqtt server: {} connected from {} over {}: MQTT {}, {}, keep-alive {} s, session expiry {} s{}",
        id, connection.remote(), connection.transportDescription(), v5 ? "5" : "3.1.1",
        binding.sessionPresent() ? "session resumed" : "new session", keepAlive, expiry,
        will != null ? ", will on " + will.topic() : "");
  }

  private void refuse(int code, String why) {
    log.info("mqtt server: refused a CONNECT from {} ({}): {}", connection.remote(), ReasonCodes.describe(code), why);
    connection.send(Connack.refused(code, version == Packet.V5 && problemInformation ? why : null));
    connection.close(code, why, false);
  }

  private void publish(Publish p) {
    if (p.qos() == 2) {
      fail(ReasonCodes.QOS_NOT_SUPPORTED, "QoS 2 is not supported: the maximum QoS is 1, as on AWS IoT");
      return;
    }
    if (p.topicAlias() != 0) {
      fail(ReasonCodes.TOPIC_ALIAS_INVALID, "topic aliases are not supported (topic alias maximum 0)");
      return;
    }
    if (!p.subscriptionIds().isEmpty()) {
      fail(ReasonCodes.PROTOCOL_ERROR, "a client PUBLISH must not carry subscription identifiers");
      return;
    }
    if (!PacketDecoder.payloadMatchesFormat(p.payload(), p.properties())) {
      String why = "the payload is not the UTF-8 its format indicator says";
      if (p.qos() == 1) {
        connection.send(new PubAck(p.packetId(), ReasonCodes.PAYLOAD_FORMAT_INVALID, problem(why)));
      } else {
        fail(ReasonCodes.PAYLOAD_FORMAT_INVALID, why);
      }
      return;
    }
    MqttMessage m = new MqttMessage(p.topic(), p.payload(), QoS.of(p.qos()), p.retain(), p.properties());
    try {
      session.attachment().publish(m);
    } catch (MqttNotConnectedException e) {
      fail(ReasonCodes.SERVER_SHUTTING_DOWN, e.getMessage()); // 0x88 is CONNACK-only
      return;
    }
    if (p.qos() == 1) {
      connection.send(new PubAck(p.packetId(), ReasonCodes.SUCCESS, null));
    }
  }

  private void subscribe(Subscribe s) {
    List<Integer> codes = new ArrayList<>(s.subscriptions().size());
    for (TopicSubscription t : s.subscriptions()) {
      codes.add(subscribeOne(t, s.subscriptionId()));
    }
    connection.send(new SubAck(s.packetId(), codes, null));
  }

  private int subscribeOne(TopicSubscription t, int subscriptionId) {
    boolean v5 = version == Packet.V5;
    if (t.filter().startsWith("$share/")) {
      return v5 ? ReasonCodes.SHARED_SUBSCRIPTIONS_NOT_SUPPORTED : ReasonCodes.V4_SUBSCRIBE_FAILURE;
    }
    QoS granted = t.qos() >= 1 ? QoS.AT_LEAST_ONCE : QoS.AT_MOST_ONCE;
    SubscriptionFilter filter;
    try {
      filter = new SubscriptionFilter(t.filter(), granted, t.noLocal());
    } catch (IllegalArgumentException e) {
      return v5 ? ReasonCodes.TOPIC_FILTER_INVALID : ReasonCodes.V4_SUBSCRIBE_FAILURE;
    }
    Boolean existed = session.putSubscription(t.filter(),
        new ServerSession.Options(granted, t.noLocal(), t.retainAsPublished(), subscriptionId));
    if (existed == null) {
      return v5 ? ReasonCodes.QUOTA_EXCEEDED : ReasonCodes.V4_SUBSCRIBE_FAILURE;
    }
    boolean sendRetained = t.retainHandling() == 0 || (t.retainHandling() == 1 && !existed);
    try {
      session.attachment().subscribe(filter, sendRetained);
    } catch (MqttNotConnectedException e) {
      session.removeSubscription(t.filter());
      return v5 ? ReasonCodes.UNSPECIFIED_ERROR : ReasonCodes.V4_SUBSCRIBE_FAILURE;
    }
    return granted.level();
  }

  private void unsubscribe(Unsubscribe u) {
    List<Integer> codes = new ArrayList<>(u.filters().size());
    for (String f : u.filters()) {
      boolean existed = session.removeSubscription(f);
      try {
        session.attachment().unsubscribe(f);
      } catch (MqttNotConnectedException e) {
        // the session is leaving the bus anyway
      }
      codes.add(existed ? ReasonCodes.SUCCESS : ReasonCodes.NO_SUBSCRIPTION_EXISTED);
    }
    connection.send(new UnsubAck(u.packetId(), codes));
  }

  private void disconnect(Disconnect d) {
    if (d.sessionExpirySeconds() != null) {
      if (requestedExpiry == 0 && d.sessionExpirySeconds() != 0) {
        fail(ReasonCodes.PROTOCOL_ERROR, "DISCONNECT sets a session expiry after CONNECT asked for none");
        return;
      }
      session.expirySeconds(Math.min(d.sessionExpirySeconds(), context.options().maxSessionExpiry().getSeconds()));
    }
    if (d.reasonCode() != ReasonCodes.DISCONNECT_WITH_WILL) {
      connection.takeWill();
    }
    connection.close(d.reasonCode(), "the client disconnected"
        + (d.reasonString() != null ? ": " + d.reasonString() : ""), false);
  }

  /** Closes for a protocol violation: DISCONNECT with the reason for MQTT 5, a plain close for 3.1.1. */
  private void fail(int code, String why) {
    connection.close(code, why, true);
  }

  // ---- outbound ----

  /** Moves waiting messages from the session to the socket queue while it is short. */
  void pullMessages() {
    if (!connected) {
      return;
    }
    while (connection.outboundBytes() < Connection.PULL_BELOW) {
      List<Publish> batch = session.poll(clientReceiveMaximum, PULL_BATCH);
      if (batch.isEmpty()) {
        return;
      }
      for (Publish p : batch) {
        byte[] bytes = PacketEncoder.encode(p, version);
        if (clientMaximumPacketSize > 0 && bytes.length > clientMaximumPacketSize) {
          // MQTT 5 §3.1.2.11.4: a packet over the client's limit is dropped as if it had been sent.
          session.discard(p.packetId());
          log.debug("mqtt server: dropped a {}-byte message to {} over its maximum packet size {}",
              bytes.length, clientId, clientMaximumPacketSize);
          continue;
        }
        connection.enqueue(bytes);
      }
    }
  }

  boolean hasMessagesToPull() {
    return connected && session.hasWork(clientReceiveMaximum);
  }

  /** Queues a DISCONNECT for an MQTT 5 client that completed CONNECT. */
  void sendDisconnect(int code, String why) {
    if (connected && version == Packet.V5) {
      String reason = why != null && why.length() + 16 < limitOr(clientMaximumPacketSize) ? why : null;
      connection.send(new Disconnect(ReasonCodes.forDisconnect(code), null, reason));
    }
  }

  /** The connection closed: the session stays for its expiry, and the will is dealt with. */
  void onClosed(int code, String why) {
    if (session != null) {
      context.sessions().connectionClosed(connection, session);
      log.info("mqtt server: {} disconnected ({}): {}", clientId,
          code == ReasonCodes.SUCCESS ? "normal" : ReasonCodes.describe(code), why);
      connected = false;
    } else {
      log.debug("mqtt server: connection from {} closed before CONNECT: {}", connection.remote(), why);
    }
  }

  private String problem(String why) {
    return version == Packet.V5 && problemInformation ? why : null;
  }

  private String who() {
    return clientId != null ? clientId : connection.remote();
  }

  private static long limitOr(long maximumPacketSize) {
    return maximumPacketSize > 0 ? maximumPacketSize : Long.MAX_VALUE;
  }
}
