package dev.thingbridge.mqtt.codec;

import java.nio.ByteBuffer;

/**
 * Cuts a byte stream into MQTT packets: the fixed header's first byte, the remaining length, and a body of
 * that length. A packet over the maximum size is refused as soon as its remaining length is read, before
 * any of its body is buffered, so one connection never holds more than one maximum-size packet.
 *
 * <p>Not thread-safe: one per connection, used by the connection's I/O thread.
 */
public final class FrameDecoder {
  /** One packet's bytes: the first header byte and the body after the remaining length. */
  public record Frame(int header, byte[] body) {}

  private final int maxPacketSize;
  private int header = -1;
  private int remainingLength;
  private int lengthBytes;
  private boolean lengthDone;
  private byte[] body;
  private int filled;

  /** @param maxPacketSize the largest whole packet (fixed header included) accepted */
  public FrameDecoder(int maxPacketSize) {
    if (maxPacketSize < 2) {
      throw new IllegalArgumentException("maxPacketSize must be at least 2: " + maxPacketSize);
    }
    this.maxPacketSize = maxPacketSize;
  }

  /**
   * Consumes bytes from {@code in} until a packet is complete.
   *
   * @return the packet, or null when {@code in} ran out first (the bytes read so far are kept)
   * @throws MalformedPacketException for a remaining length over four bytes ({@link
   *     ReasonCodes#MALFORMED_PACKET}) or a packet over the maximum size ({@link ReasonCodes#PACKET_TOO_LARGE})
   */
  public Frame next(ByteBuffer in) throws MalformedPacketException {
    if (header < 0) {
      if (!in.hasRemaining()) {
        return null;
      }
      header = in.get() & 0xFF;
    }
    while (!lengthDone) {
      if (!in.hasRemaining()) {
        return null;
      }
      int b = in.get() & 0xFF;
      remainingLength |= (b & 0x7F) << (7 * lengthBytes);
      lengthBytes++;
      if ((b & 0x80) == 0) {
        lengthDone = true;
      } else if (lengthBytes == 4) {
        throw new MalformedPacketException(ReasonCodes.MALFORMED_PACKET, "remaining length longer than 4 bytes");
      }
    }
    if (body == null) {
      long total = 1L + lengthBytes + remainingLength;
      if (total > maxPacketSize) {
        throw new MalformedPacketException(ReasonCodes.PACKET_TOO_LARGE,
            "packet of " + total + " bytes is over the maximum packet size of " + maxPacketSize);
      }
      body = new byte[remainingLength];
    }
    int n = Math.min(in.remaining(), body.length - filled);
    in.get(body, filled, n);
    filled += n;
    if (filled < body.length) {
      return null;
    }
    Frame f = new Frame(header, body);
    header = -1;
    remainingLength = 0;
    lengthBytes = 0;
    lengthDone = false;
    body = null;
    filled = 0;
    return f;
  }

  /** Whether part of a packet has been read and the rest is still awaited. */
  public boolean inPacket() {
    return header >= 0;
  }
}
