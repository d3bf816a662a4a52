package dev.thingbridge.mqtt.codec;

import java.util.Set;

/** The MQTT 5 reason codes the server sends or reads, and the MQTT 3.1.1 CONNACK return codes. */
public final class ReasonCodes {
  public static final int SUCCESS = 0x00;
  public static final int GRANTED_QOS_1 = 0x01;
  public static final int DISCONNECT_WITH_WILL = 0x04;
  public static final int NO_SUBSCRIPTION_EXISTED = 0x11;
  public static final int UNSPECIFIED_ERROR = 0x80;
  public static final int MALFORMED_PACKET = 0x81;
  public static final int PROTOCOL_ERROR = 0x82;
  public static final int IMPLEMENTATION_SPECIFIC_ERROR = 0x83;
  public static final int UNSUPPORTED_PROTOCOL_VERSION = 0x84;
  public static final int CLIENT_ID_NOT_VALID = 0x85;
  public static final int BAD_AUTHENTICATION_METHOD = 0x8C;
  public static final int SERVER_UNAVAILABLE = 0x88;
  public static final int SERVER_SHUTTING_DOWN = 0x8B;
  public static final int KEEP_ALIVE_TIMEOUT = 0x8D;
  public static final int SESSION_TAKEN_OVER = 0x8E;
  public static final int TOPIC_FILTER_INVALID = 0x8F;
  public static final int TOPIC_NAME_INVALID = 0x90;
  public static final int RECEIVE_MAXIMUM_EXCEEDED = 0x93;
  public static final int TOPIC_ALIAS_INVALID = 0x94;
  public static final int PACKET_TOO_LARGE = 0x95;
  public static final int QUOTA_EXCEEDED = 0x97;
  public static final int PAYLOAD_FORMAT_INVALID = 0x99;
  public static final int QOS_NOT_SUPPORTED = 0x9B;
  public static final int SHARED_SUBSCRIPTIONS_NOT_SUPPORTED = 0x9E;
  public static final int MAXIMUM_CONNECT_TIME = 0xA0;

  /** MQTT 3.1.1 CONNACK return codes. */
  public static final int V4_UNACCEPTABLE_PROTOCOL_VERSION = 0x01;
  public static final int V4_IDENTIFIER_REJECTED = 0x02;
  public static final int V4_SERVER_UNAVAILABLE = 0x03;
  /** MQTT 3.1.1 SUBACK failure. */
  public static final int V4_SUBSCRIBE_FAILURE = 0x80;

  /** The reason codes MQTT 5 allows in a DISCONNECT (table 3.14.2.1); CONNACK-only codes are not among them. */
  private static final Set<Integer> DISCONNECT_CODES = Set.of(0x00, 0x04, 0x80, 0x81, 0x82,
      0x83, 0x87, 0x89, 0x8B, 0x8C, 0x8D, 0x8E, 0x8F, 0x90, 0x93, 0x94, 0x95, 0x96, 0x97, 0x98, 0x99, 0x9A, 0x9B,
      0x9C, 0x9D, 0x9E, 0x9F, 0xA0, 0xA1, 0xA2);

  private ReasonCodes() {}

  /**
   * The code to put in a DISCONNECT for {@code code}: itself where MQTT 5 allows it there, else 0x80
   * unspecified error. A CONNACK-only code such as 0x88 in a DISCONNECT is a protocol error on the client
   * side (aws-crt throws "Illegal DisconnectReasonCode" and loses the disconnect event).
   */
  public static int forDisconnect(int code) {
    return DISCONNECT_CODES.contains(code) ? code : UNSPECIFIED_ERROR;
  }

  /** A readable name for logs, e.g. {@code 0x8E session taken over}. */
  public static String describe(int code) {
    String name = switch (code) {
      case SUCCESS -> "success";
      case GRANTED_QOS_1 -> "granted QoS 1";
      case DISCONNECT_WITH_WILL -> "disconnect with will message";
      case NO_SUBSCRIPTION_EXISTED -> "no subscription existed";
      case UNSPECIFIED_ERROR -> "unspecified error";
      case MALFORMED_PACKET -> "malformed packet";
      case PROTOCOL_ERROR -> "protocol error";
      case IMPLEMENTATION_SPECIFIC_ERROR -> "implementation specific error";
      case UNSUPPORTED_PROTOCOL_VERSION -> "unsupported protocol version";
      case CLIENT_ID_NOT_VALID -> "client identifier not valid";
      case BAD_AUTHENTICATION_METHOD -> "bad authentication method";
      case SERVER_UNAVAILABLE -> "server unavailable";
      case SERVER_SHUTTING_DOWN -> "server shutting down";
      case KEEP_ALIVE_TIMEOUT -> "keep alive timeout";
      case SESSION_TAKEN_OVER -> "session taken over";
      case TOPIC_FILTER_INVALID -> "topic filter invalid";
      case TOPIC_NAME_INVALID -> "topic name invalid";
      case RECEIVE_MAXIMUM_EXCEEDED -> "receive maximum exceeded";
      case TOPIC_ALIAS_INVALID -> "topic alias invalid";
      case PACKET_TOO_LARGE -> "packet too large";
      case QUOTA_EXCEEDED -> "quota exceeded";
      case PAYLOAD_FORMAT_INVALID -> "payload format invalid";
      case QOS_NOT_SUPPORTED -> "QoS not supported";
      case SHARED_SUBSCRIPTIONS_NOT_SUPPORTED -> "shared subscriptions not supported";
      case MAXIMUM_CONNECT_TIME -> "maximum connect time";
      default -> "reason";
    };
    return String.format("0x%02X %s", code, name);
  }
}
