package dev.thingbridge.mcu.smp;

import java.util.Arrays;
import java.util.HexFormat;

/**
 * One SMP message: header and CBOR body, as it sits in the MCU's buffer (without serial framing). Immutable;
 * the body array is copied in and out.
 */
public final class SmpMessage {
  private final SmpHeader header;
  private final byte[] body;

  /** A message whose header length is set to the body's length. */
  public SmpMessage(SmpHeader header, byte[] body) {
    this.header = header.withLength(body.length);
    this.body = body.clone();
  }

  public SmpHeader header() {
    return header;
  }

  /** A copy of the CBOR body. */
  public byte[] body() {
    return body.clone();
  }

  /** The body's length. */
  public int bodyLength() {
    return body.length;
  }

  /** Header and body as one array. */
  public byte[] toBytes() {
    byte[] out = new byte[SmpHeader.SIZE + body.length];
    header.writeTo(out, 0);
    System.arraycopy(body, 0, out, SmpHeader.SIZE, body.length);
    return out;
  }

  /**
   * Parses header and body; the header's length must match the bytes that follow it exactly.
   *
   * @throws SmpFormatException for a bad header or a length mismatch
   */
  public static SmpMessage parse(byte[] bytes, int offset, int length) throws SmpFormatException {
    SmpHeader h = SmpHeader.readFrom(bytes, offset, length);
    if (h.length() != length - SmpHeader.SIZE) {
      throw new SmpFormatException(
          "SMP header announces " + h.length() + " body bytes, the frame holds " + (length - SmpHeader.SIZE));
    }
    return new SmpMessage(h, Arrays.copyOfRange(bytes, offset + SmpHeader.SIZE, offset + length));
  }

  /** Parses a whole array (see {@link #parse(byte[], int, int)}). */
  public static SmpMessage parse(byte[] bytes) throws SmpFormatException {
    return parse(bytes, 0, bytes.length);
  }

  @Override
  public String toString() {
    String hex = HexFormat.of().formatHex(body, 0, Math.min(body.length, 32));
    return "SmpMessage{" + header + ", body=" + hex + (body.length > 32 ? "..." : "") + "}";
  }
}
