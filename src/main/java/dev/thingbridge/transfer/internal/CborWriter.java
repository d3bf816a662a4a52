package dev.thingbridge.transfer.internal;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;

/**
 * The few CBOR items a stream request needs, in their shortest form (RFC 8949 preferred serialization), so
 * that requests are byte-for-byte what rustot and the FreeRTOS agent send.
 */
public final class CborWriter {
  private final ByteArrayOutputStream out = new ByteArrayOutputStream(64);

  /** A definite-length map of {@code entries} pairs. */
  public CborWriter map(int entries) {
    return head(5, entries);
  }

  /** A text string. */
  public CborWriter text(String value) {
    byte[] b = value.getBytes(StandardCharsets.UTF_8);
    head(3, b.length);
    out.write(b, 0, b.length);
    return this;
  }

  /** An unsigned integer. */
  public CborWriter uint(long value) {
    if (value < 0) {
      throw new IllegalArgumentException("negative: " + value);
    }
    return head(0, value);
  }

  /** A byte string. */
  public CborWriter bytes(byte[] value) {
    head(2, value.length);
    out.write(value, 0, value.length);
    return this;
  }

  public byte[] toByteArray() {
    return out.toByteArray();
  }

  private CborWriter head(int major, long value) {
    int m = major << 5;
    if (value < 24) {
      out.write(m | (int) value);
    } else if (value < 0x100) {
      out.write(m | 24);
      out.write((int) value);
    } else if (value < 0x10000) {
      out.write(m | 25);
      be(value, 2);
    } else if (value < 0x1_0000_0000L) {
      out.write(m | 26);
      be(value, 4);
    } else {
      out.write(m | 27);
      be(value, 8);
    }
    return this;
  }

  private void be(long value, int bytes) {
    for (int i = bytes - 1; i >= 0; i--) {
      out.write((int) (value >>> (8 * i)) & 0xFF);
    }
  }
}
