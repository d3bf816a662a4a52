package dev.thingbridge.mqtt.codec;

/**
 * A packet that breaks the MQTT rules. The reason code is what the server sends in its DISCONNECT (MQTT 5)
 * or CONNACK before it closes the connection: {@link ReasonCodes#MALFORMED_PACKET}, {@link
 * ReasonCodes#PROTOCOL_ERROR}, {@link ReasonCodes#PACKET_TOO_LARGE} and the like.
 */
public final class MalformedPacketException extends Exception {
  private static final long serialVersionUID = 1L;

  private final int reasonCode;
  private final int protocolVersion;

  public MalformedPacketException(int reasonCode, String message) {
    this(reasonCode, message, 0);
  }

  /** A fault in a CONNECT whose protocol version is known, so that the answer can use that version. */
  public MalformedPacketException(int reasonCode, String message, int protocolVersion) {
    super(message, null, false, false); // thrown per hostile packet: no stack trace to fill
    this.reasonCode = reasonCode;
    this.protocolVersion = protocolVersion;
  }

  /** The protocol version of the CONNECT at fault, or 0 when unknown or not a CONNECT. */
  public int protocolVersion() {
    return protocolVersion;
  }

  /** The MQTT 5 reason code that describes the fault. */
  public int reasonCode() {
    return reasonCode;
  }
}
