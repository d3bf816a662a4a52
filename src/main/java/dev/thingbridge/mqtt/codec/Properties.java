package dev.thingbridge.mqtt.codec;

import dev.thingbridge.mqtt.MessageProperties;
import dev.thingbridge.mqtt.MessageProperties.UserProperty;
import java.util.ArrayList;
import java.util.List;

/**
 * The MQTT 5 properties of one packet, read and checked (MQTT 5 §2.2.2): each identifier must be known and
 * allowed in that packet, and may appear once unless it is a user property or a PUBLISH's subscription
 * identifier. Values out of range are protocol errors.
 */
final class Properties {
  static final int PAYLOAD_FORMAT = 0x01;
  static final int MESSAGE_EXPIRY = 0x02;
  static final int CONTENT_TYPE = 0x03;
  static final int RESPONSE_TOPIC = 0x08;
  static final int CORRELATION_DATA = 0x09;
  static final int SUBSCRIPTION_ID = 0x0B;
  static final int SESSION_EXPIRY = 0x11;
  static final int ASSIGNED_CLIENT_ID = 0x12;
  static final int SERVER_KEEP_ALIVE = 0x13;
  static final int AUTH_METHOD = 0x15;
  static final int AUTH_DATA = 0x16;
  static final int REQUEST_PROBLEM_INFO = 0x17;
  static final int WILL_DELAY = 0x18;
  static final int REQUEST_RESPONSE_INFO = 0x19;
  static final int RESPONSE_INFO = 0x1A;
  static final int SERVER_REFERENCE = 0x1C;
  static final int REASON_STRING = 0x1F;
  static final int RECEIVE_MAXIMUM = 0x21;
  static final int TOPIC_ALIAS_MAXIMUM = 0x22;
  static final int TOPIC_ALIAS = 0x23;
  static final int MAXIMUM_QOS = 0x24;
  static final int RETAIN_AVAILABLE = 0x25;
  static final int USER_PROPERTY = 0x26;
  static final int MAXIMUM_PACKET_SIZE = 0x27;
  static final int WILDCARD_SUB_AVAILABLE = 0x28;
  static final int SUB_ID_AVAILABLE = 0x29;
  static final int SHARED_SUB_AVAILABLE = 0x2A;

  /** Where a set of properties sits; each allows its own identifiers. */
  enum Scope {
    CONNECT(SESSION_EXPIRY, AUTH_METHOD, AUTH_DATA, REQUEST_PROBLEM_INFO, REQUEST_RESPONSE_INFO, RECEIVE_MAXIMUM,
        TOPIC_ALIAS_MAXIMUM, USER_PROPERTY, MAXIMUM_PACKET_SIZE),
    WILL(PAYLOAD_FORMAT, MESSAGE_EXPIRY, CONTENT_TYPE, RESPONSE_TOPIC, CORRELATION_DATA, WILL_DELAY, USER_PROPERTY),
    CONNACK(SESSION_EXPIRY, ASSIGNED_CLIENT_ID, SERVER_KEEP_ALIVE, AUTH_METHOD, AUTH_DATA, RESPONSE_INFO,
        SERVER_REFERENCE, REASON_STRING, RECEIVE_MAXIMUM, TOPIC_ALIAS_MAXIMUM, MAXIMUM_QOS, RETAIN_AVAILABLE,
        USER_PROPERTY, MAXIMUM_PACKET_SIZE, WILDCARD_SUB_AVAILABLE, SUB_ID_AVAILABLE, SHARED_SUB_AVAILABLE),
    PUBLISH(PAYLOAD_FORMAT, MESSAGE_EXPIRY, CONTENT_TYPE, RESPONSE_TOPIC, CORRELATION_DATA, SUBSCRIPTION_ID,
        TOPIC_ALIAS, USER_PROPERTY),
    ACK(REASON_STRING, USER_PROPERTY),
    SUBSCRIBE(SUBSCRIPTION_ID, USER_PROPERTY),
    UNSUBSCRIBE(USER_PROPERTY),
    DISCONNECT(SESSION_EXPIRY, SERVER_REFERENCE, REASON_STRING, USER_PROPERTY);

    private final long allowed;

    Scope(int... ids) {
      long mask = 0;
      for (int id : ids) {
        mask |= 1L << id;
      }
      this.allowed = mask;
    }

    boolean allows(int id) {
      return id < 64 && (allowed & (1L << id)) != 0;
    }
  }

  /** The identifiers {@link #messageProperties()} reads. */
  private static final long MESSAGE_PROPERTIES = 1L << PAYLOAD_FORMAT | 1L << MESSAGE_EXPIRY | 1L << CONTENT_TYPE
      | 1L << RESPONSE_TOPIC | 1L << CORRELATION_DATA | 1L << USER_PROPERTY;

  private long seen;
  /** Allocated at the first value: most packets carry no property or only a subscription identifier. */
  private long[] numbers;
  private Object[] values;
  final List<UserProperty> userProperties = new ArrayList<>();
  final List<Integer> subscriptionIds = new ArrayList<>();

  private Properties() {}

  /** Reads a property length and the properties after it. */
  static Properties read(ByteReader in, Scope scope) throws MalformedPacketException {
    int length = in.readVarInt();
    if (length > in.remaining()) {
      throw new MalformedPacketException(ReasonCodes.MALFORMED_PACKET,
          "property length " + length + " exceeds the packet");
    }
    ByteReader props = new ByteReader(in.readBytes(length));
    Properties p = new Properties();
    while (props.hasRemaining()) {
      p.readOne(props, scope);
    }
    return p;
  }

  /** An empty set, for MQTT 3.1.1 packets. */
  static Properties none() {
    return new Properties();
  }

  private void readOne(ByteReader in, Scope scope) throws MalformedPacketException {
    int id = in.readVarInt();
    if (!scope.allows(id)) {
      throw new MalformedPacketException(ReasonCodes.MALFORMED_PACKET,
          String.format("property 0x%02X is not allowed in %s", id, scope.name()));
    }
    boolean repeatable = id == USER_PROPERTY || (id == SUBSCRIPTION_ID && scope == Scope.PUBLISH);
    if (!repeatable && (seen & (1L << id)) != 0) {
      throw new MalformedPacketException(ReasonCodes.PROTOCOL_ERROR, String.format("property 0x%02X repeated", id));
    }
    seen |= 1L << id;
    switch (id) {
      case PAYLOAD_FORMAT, REQUEST_PROBLEM_INFO, REQUEST_RESPONSE_INFO, RETAIN_AVAILABLE, WILDCARD_SUB_AVAILABLE,
          SUB_ID_AVAILABLE, SHARED_SUB_AVAILABLE -> putNumber(id, flag(in.readByte(), id));
      case MAXIMUM_QOS -> putNumber(id, flag(in.readByte(), id));
      case MESSAGE_EXPIRY, SESSION_EXPIRY, WILL_DELAY -> putNumber(id, in.readUint32());
      case MAXIMUM_PACKET_SIZE -> putNumber(id, positive(in.readUint32(), id));
      case SERVER_KEEP_ALIVE, TOPIC_ALIAS -> putNumber(id, in.readUint16());
      case RECEIVE_MAXIMUM -> putNumber(id, positive(in.readUint16(), id));
      case TOPIC_ALIAS_MAXIMUM -> putNumber(id, in.readUint16());
      case SUBSCRIPTION_ID -> {
        int sid = (int) positive(in.readVarInt(), id);
        subscriptionIds.add(sid);
      }
      case CONTENT_TYPE, RESPONSE_TOPIC, ASSIGNED_CLIENT_ID, AUTH_METHOD, RESPONSE_INFO, SERVER_REFERENCE,
          REASON_STRING -> putValue(id, in.readUtf8());
      case CORRELATION_DATA, AUTH_DATA -> putValue(id, in.readBinary());
      case USER_PROPERTY -> userProperties.add(new UserProperty(in.readUtf8(), in.readUtf8()));
      default -> throw new MalformedPacketException(ReasonCodes.MALFORMED_PACKET,
          String.format("unknown property 0x%02X", id));
    }
  }

  private static long flag(int value, int id) throws MalformedPacketException {
    if (value > 1) {
      throw new MalformedPacketException(ReasonCodes.PROTOCOL_ERROR,
          String.format("property 0x%02X must be 0 or 1, was %d", id, value));
    }
    return value;
  }

  private static long positive(long value, int id) throws MalformedPacketException {
    if (value == 0) {
      throw new MalformedPacketException(ReasonCodes.PROTOCOL_ERROR, String.format("property 0x%02X is 0", id));
    }
    return value;
  }

  boolean has(int id) {
    return (seen & (1L << id)) != 0;
  }

  long number(int id, long absent) {
    if (!has(id)) {
      return absent;
    }
    return id == SUBSCRIPTION_ID ? subscriptionIds.get(0) : numbers[id];
  }

  private void putNumber(int id, long value) {
    if (numbers == null) {
      numbers = new long[64];
    }
    numbers[id] = value;
  }

  private void putValue(int id, Object value) {
    if (values == null) {
      values = new Object[64];
    }
    values[id] = value;
  }

  String string(int id) {
    return values == null ? null : (String) values[id];
  }

  byte[] binary(int id) {
    return values == null ? null : (byte[]) values[id];
  }

  /** The message properties thingbridge carries (PUBLISH and will). */
  MessageProperties messageProperties() {
    if ((seen & MESSAGE_PROPERTIES) == 0) {
      return MessageProperties.NONE;
    }
    return MessageProperties.builder()
        .contentType(string(CONTENT_TYPE))
        .responseTopic(string(RESPONSE_TOPIC))
        .correlationData(binary(CORRELATION_DATA))
        .messageExpirySeconds(has(MESSAGE_EXPIRY) ? numbers[MESSAGE_EXPIRY] : null)
        .payloadIsUtf8(has(PAYLOAD_FORMAT) ? numbers[PAYLOAD_FORMAT] == 1 : null)
        .userProperties(userProperties)
        .build();
  }

  // ---- writing ----

  /** Writes message properties (PUBLISH and will) without the length prefix. */
  static void writeMessageProperties(ByteWriter out, MessageProperties p) {
    p.payloadIsUtf8().ifPresent(v -> out.writeByte(PAYLOAD_FORMAT).writeByte(v ? 1 : 0));
    p.messageExpirySeconds().ifPresent(v -> out.writeByte(MESSAGE_EXPIRY).writeUint32(v));
    p.contentType().ifPresent(v -> out.writeByte(CONTENT_TYPE).writeUtf8(v));
    p.responseTopic().ifPresent(v -> out.writeByte(RESPONSE_TOPIC).writeUtf8(v));
    p.correlationData().ifPresent(v -> out.writeByte(CORRELATION_DATA).writeBinary(v));
    writeUserProperties(out, p.userProperties());
  }

  static void writeUserProperties(ByteWriter out, List<UserProperty> userProperties) {
    for (UserProperty u : userProperties) {
      out.writeByte(USER_PROPERTY).writeUtf8(u.name()).writeUtf8(u.value());
    }
  }
}
