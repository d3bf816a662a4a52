package dev.thingbridge.mqtt.codec;

import dev.thingbridge.mqtt.MessageProperties;
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
import java.util.ArrayList;
import java.util.List;

/**
 * Turns one framed packet (the fixed header's first byte and the body after the remaining length) into a
 * {@link Packet}, checking every rule the MQTT 3.1.1 and MQTT 5 specifications make a receiver check.
 * Anything else is a {@link MalformedPacketException} with the reason code to disconnect with; the decoder
 * never throws an unchecked exception for any input.
 */
public final class PacketDecoder {
  private static final int MAX_SUBSCRIPTION_ID = 268_435_455;

  private PacketDecoder() {}

  /**
   * Decodes a packet.
   *
   * @param header the fixed header's first byte (type and flags)
   * @param body the bytes after the remaining length
   * @param version the connection's protocol version ({@link Packet#V311} or {@link Packet#V5}); ignored for
   *     CONNECT, which carries its own
   */
  public static Packet decode(int header, byte[] body, int version) throws MalformedPacketException {
    int type = (header >>> 4) & 0x0F;
    int flags = header & 0x0F;
    boolean v5 = version == Packet.V5;
    int expectedFlags = type == 6 || type == 8 || type == 10 ? 2 : 0;
    if (type != 3 && flags != expectedFlags) {
      throw new MalformedPacketException(ReasonCodes.MALFORMED_PACKET,
          "packet type " + type + " with reserved fixed-header flags " + Integer.toBinaryString(flags));
    }
    ByteReader in = new ByteReader(body);
    Packet p = switch (type) {
      case 1 -> connect(in);
      case 2 -> connack(in, v5);
      case 3 -> publish(flags, in, v5);
      case 4 -> pubAck(in, v5);
      case 5, 6, 7 -> throw new MalformedPacketException(ReasonCodes.PROTOCOL_ERROR,
          "QoS 2 packet (type " + type + ") on a server whose maximum QoS is 1");
      case 8 -> subscribe(in, v5);
      case 9 -> subAck(in, v5);
      case 10 -> unsubscribe(in, v5);
      case 11 -> unsubAck(in, v5);
      case 12 -> new Packet.PingReq();
      case 13 -> new Packet.PingResp();
      case 14 -> disconnect(in, v5);
      case 15 -> throw new MalformedPacketException(v5 ? ReasonCodes.PROTOCOL_ERROR : ReasonCodes.MALFORMED_PACKET,
          "AUTH without an authentication method (enhanced authentication is not supported)");
      default -> throw new MalformedPacketException(ReasonCodes.MALFORMED_PACKET, "reserved packet type 0");
    };
    if (in.hasRemaining()) {
      throw new MalformedPacketException(ReasonCodes.MALFORMED_PACKET,
          in.remaining() + " bytes left over after the packet");
    }
    return p;
  }

  private static Connect connect(ByteReader in) throws MalformedPacketException {
    String protocol = in.readUtf8();
    int version = in.readByte();
    if (!("MQTT".equals(protocol) && (version == Packet.V311 || version == Packet.V5))) {
      throw new MalformedPacketException(ReasonCodes.UNSUPPORTED_PROTOCOL_VERSION,
          "protocol " + protocol + " level " + version + " (MQTT 3.1.1 and 5 are served)", version);
    }
    try {
      return connectBody(in, version);
    } catch (MalformedPacketException e) {
      throw new MalformedPacketException(e.reasonCode(), e.getMessage(), version);
    }
  }

  private static Connect connectBody(ByteReader in, int version) throws MalformedPacketException {
    boolean v5 = version == Packet.V5;
    int flags = in.readByte();
    if ((flags & 0x01) != 0) {
      throw new MalformedPacketException(ReasonCodes.MALFORMED_PACKET, "CONNECT reserved flag set");
    }
    boolean cleanStart = (flags & 0x02) != 0;
    boolean willFlag = (flags & 0x04) != 0;
    int willQos = (flags >>> 3) & 0x03;
    boolean willRetain = (flags & 0x20) != 0;
    boolean hasPassword = (flags & 0x40) != 0;
    boolean hasUsername = (flags & 0x80) != 0;
    if (willQos == 3 || (!willFlag && (willQos != 0 || willRetain))) {
      throw new MalformedPacketException(ReasonCodes.MALFORMED_PACKET, "CONNECT will QoS/retain flags invalid");
    }
    if (!v5 && hasPassword && !hasUsername) {
      throw new MalformedPacketException(ReasonCodes.MALFORMED_PACKET, "MQTT 3.1.1 password without user name");
    }
    int keepAlive = in.readUint16();
    Properties p = v5 ? Properties.read(in, Properties.Scope.CONNECT) : Properties.none();
    if (p.has(Properties.AUTH_DATA) && !p.has(Properties.AUTH_METHOD)) {
      throw new MalformedPacketException(ReasonCodes.PROTOCOL_ERROR, "authentication data without a method");
    }
    String clientId = in.readUtf8();
    Will will = null;
    if (willFlag) {
      Properties wp = v5 ? Properties.read(in, Properties.Scope.WILL) : Properties.none();
      String topic = topicName(in.readUtf8());
      byte[] payload = in.readBinary();
      will = new Will(topic, payload, willQos, willRetain, wp.messageProperties(), wp.number(Properties.WILL_DELAY, 0));
    }
    String username = hasUsername ? in.readUtf8() : null;
    byte[] password = hasPassword ? in.readBinary() : null;
    return new Connect(version, clientId, cleanStart, keepAlive,
        p.number(Properties.SESSION_EXPIRY, 0), (int) p.number(Properties.RECEIVE_MAXIMUM, 65_535),
        p.number(Properties.MAXIMUM_PACKET_SIZE, 0), (int) p.number(Properties.TOPIC_ALIAS_MAXIMUM, 0),
        p.number(Properties.REQUEST_PROBLEM_INFO, 1) == 1, p.number(Properties.REQUEST_RESPONSE_INFO, 0) == 1,
        p.string(Properties.AUTH_METHOD), p.userProperties, will, username, password);
  }

  private static Connack connack(ByteReader in, boolean v5) throws MalformedPacketException {
    int ackFlags = in.readByte();
    if ((ackFlags & 0xFE) != 0) {
      throw new MalformedPacketException(ReasonCodes.MALFORMED_PACKET, "CONNACK reserved flags set");
    }
    int code = in.readByte();
    Properties p = v5 ? Properties.read(in, Properties.Scope.CONNACK) : Properties.none();
    return new Connack((ackFlags & 1) != 0, code,
        p.has(Properties.SESSION_EXPIRY) ? p.number(Properties.SESSION_EXPIRY, 0) : null,
        p.has(Properties.RECEIVE_MAXIMUM) ? (int) p.number(Properties.RECEIVE_MAXIMUM, 0) : null,
        p.has(Properties.MAXIMUM_QOS) ? (int) p.number(Properties.MAXIMUM_QOS, 0) : null,
        p.has(Properties.MAXIMUM_PACKET_SIZE) ? p.number(Properties.MAXIMUM_PACKET_SIZE, 0) : null,
        p.string(Properties.ASSIGNED_CLIENT_ID),
        p.has(Properties.SERVER_KEEP_ALIVE) ? (int) p.number(Properties.SERVER_KEEP_ALIVE, 0) : null,
        p.has(Properties.SHARED_SUB_AVAILABLE) ? p.number(Properties.SHARED_SUB_AVAILABLE, 0) == 1 : null,
        p.string(Properties.REASON_STRING));
  }

  private static Publish publish(int flags, ByteReader in, boolean v5) throws MalformedPacketException {
    boolean dup = (flags & 0x08) != 0;
    int qos = (flags >>> 1) & 0x03;
    boolean retain = (flags & 0x01) != 0;
    if (qos == 3) {
      throw new MalformedPacketException(ReasonCodes.MALFORMED_PACKET, "PUBLISH with QoS 3");
    }
    if (dup && qos == 0) {
      throw new MalformedPacketException(ReasonCodes.PROTOCOL_ERROR, "PUBLISH QoS 0 with DUP set");
    }
    String topic = in.readUtf8();
    int packetId = qos > 0 ? packetId(in) : 0;
    Properties p = v5 ? Properties.read(in, Properties.Scope.PUBLISH) : Properties.none();
    int alias = (int) p.number(Properties.TOPIC_ALIAS, 0);
    if (p.has(Properties.TOPIC_ALIAS) && alias == 0) {
      throw new MalformedPacketException(ReasonCodes.TOPIC_ALIAS_INVALID, "topic alias 0");
    }
    if (!topic.isEmpty() || alias == 0) {
      topicName(topic);
    }
    byte[] payload = in.readRest();
    return new Publish(topic, payload, qos, retain, dup, packetId, p.messageProperties(), alias, p.subscriptionIds);
  }

  private static PubAck pubAck(ByteReader in, boolean v5) throws MalformedPacketException {
    int id = packetId(in);
    if (!v5 || !in.hasRemaining()) {
      return new PubAck(id, ReasonCodes.SUCCESS, null);
    }
    int code = in.readByte();
    Properties p = in.hasRemaining() ? Properties.read(in, Properties.Scope.ACK) : Properties.none();
    return new PubAck(id, code, p.string(Properties.REASON_STRING));
  }

  private static Subscribe subscribe(ByteReader in, boolean v5) throws MalformedPacketException {
    int id = packetId(in);
    Properties p = v5 ? Properties.read(in, Properties.Scope.SUBSCRIBE) : Properties.none();
    int subscriptionId = (int) p.number(Properties.SUBSCRIPTION_ID, 0);
    if (subscriptionId > MAX_SUBSCRIPTION_ID) {
      throw new MalformedPacketException(ReasonCodes.PROTOCOL_ERROR, "subscription identifier out of range");
    }
    List<TopicSubscription> subs = new ArrayList<>();
    while (in.hasRemaining()) {
      String filter = in.readUtf8();
      int options = in.readByte();
      int qos = options & 0x03;
      if (qos == 3 || (options & (v5 ? 0xC0 : 0xFC)) != 0) {
        throw new MalformedPacketException(ReasonCodes.MALFORMED_PACKET,
            "subscription options 0x" + Integer.toHexString(options) + " invalid");
      }
      int retainHandling = (options >>> 4) & 0x03;
      if (retainHandling == 3) {
        throw new MalformedPacketException(ReasonCodes.PROTOCOL_ERROR, "retain handling 3");
      }
      subs.add(new TopicSubscription(filter, qos, (options & 0x04) != 0, (options & 0x08) != 0, retainHandling));
    }
    if (subs.isEmpty()) {
      throw new MalformedPacketException(ReasonCodes.PROTOCOL_ERROR, "SUBSCRIBE without a topic filter");
    }
    return new Subscribe(id, subscriptionId, subs, p.userProperties);
  }

  private static SubAck subAck(ByteReader in, boolean v5) throws MalformedPacketException {
    int id = packetId(in);
    Properties p = v5 ? Properties.read(in, Properties.Scope.ACK) : Properties.none();
    List<Integer> codes = new ArrayList<>();
    while (in.hasRemaining()) {
      codes.add(in.readByte());
    }
    if (codes.isEmpty()) {
      throw new MalformedPacketException(ReasonCodes.PROTOCOL_ERROR, "SUBACK without reason codes");
    }
    return new SubAck(id, codes, p.string(Properties.REASON_STRING));
  }

  private static Unsubscribe unsubscribe(ByteReader in, boolean v5) throws MalformedPacketException {
    int id = packetId(in);
    if (v5) {
      Properties.read(in, Properties.Scope.UNSUBSCRIBE);
    }
    List<String> filters = new ArrayList<>();
    while (in.hasRemaining()) {
      filters.add(in.readUtf8());
    }
    if (filters.isEmpty()) {
      throw new MalformedPacketException(ReasonCodes.PROTOCOL_ERROR, "UNSUBSCRIBE without a topic filter");
    }
    return new Unsubscribe(id, filters);
  }

  private static UnsubAck unsubAck(ByteReader in, boolean v5) throws MalformedPacketException {
    int id = packetId(in);
    List<Integer> codes = new ArrayList<>();
    if (v5) {
      Properties.read(in, Properties.Scope.ACK);
      while (in.hasRemaining()) {
        codes.add(in.readByte());
      }
    }
    return new UnsubAck(id, codes);
  }

  private static Disconnect disconnect(ByteReader in, boolean v5) throws MalformedPacketException {
    if (!v5 || !in.hasRemaining()) {
      return new Disconnect(ReasonCodes.SUCCESS, null, null);
    }
    int code = in.readByte();
    Properties p = in.hasRemaining() ? Properties.read(in, Properties.Scope.DISCONNECT) : Properties.none();
    return new Disconnect(code, p.has(Properties.SESSION_EXPIRY) ? p.number(Properties.SESSION_EXPIRY, 0) : null,
        p.string(Properties.REASON_STRING));
  }

  private static int packetId(ByteReader in) throws MalformedPacketException {
    int id = in.readUint16();
    if (id == 0) {
      throw new MalformedPacketException(ReasonCodes.PROTOCOL_ERROR, "packet identifier 0");
    }
    return id;
  }

  /** A topic name must not be empty or hold a wildcard (MQTT 5 §4.7.3). */
  private static String topicName(String topic) throws MalformedPacketException {
    if (topic.isEmpty() || topic.indexOf('+') >= 0 || topic.indexOf('#') >= 0) {
      throw new MalformedPacketException(ReasonCodes.TOPIC_NAME_INVALID, "topic name '" + topic + "' is invalid");
    }
    return topic;
  }

  /** Whether a payload marked as UTF-8 by its payload format indicator really is. */
  public static boolean payloadMatchesFormat(byte[] payload, MessageProperties properties) {
    return !properties.payloadIsUtf8().orElse(false) || ByteReader.isUtf8(payload);
  }
}
