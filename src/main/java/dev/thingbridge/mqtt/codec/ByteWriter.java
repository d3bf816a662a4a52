package dev.thingbridge.mqtt.codec;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/** Writes MQTT data types into a growable buffer. */
final class ByteWriter {
  private byte[] buf;
  private int size;

  ByteWriter(int initialCapacity) {
    this.buf = new byte[Math.max(16, initialCapacity)];
  }

  int size() {
    return size;
  }

  ByteWriter writeByte(int b) {
    ensure(1);
    buf[size++] = (byte) b;
    return this;
  }

  ByteWriter writeUint16(int v) {
    ensure(2);
    buf[size++] = (byte) (v >>> 8);
    buf[size++] = (byte) v;
    return this;
  }

  ByteWriter writeUint32(long v) {
    ensure(4);
    buf[size++] = (byte) (v >>> 24);
    buf[size++] = (byte) (v >>> 16);
    buf[size++] = (byte) (v >>> 8);
    buf[size++] = (byte) v;
    return this;
  }

  ByteWriter writeVarInt(int v) {
    do {
      int digit = v & 0x7F;
      v >>>= 7;
      writeByte(v > 0 ? digit | 0x80 : digit);
    } while (v > 0);
    return this;
  }

  ByteWriter writeBytes(byte[] bytes) {
    return writeBytes(bytes, 0, bytes.length);
  }

  ByteWriter writeBytes(byte[] bytes, int offset, int length) {
    ensure(length);
    System.arraycopy(bytes, offset, buf, size, length);
    size += length;
    return this;
  }

  ByteWriter writeBinary(byte[] bytes) {
    writeUint16(bytes.length);
    return writeBytes(bytes);
  }

  ByteWriter writeUtf8(String s) {
    return writeBinary(s.getBytes(StandardCharsets.UTF_8));
  }

  byte[] toByteArray() {
    return Arrays.copyOf(buf, size);
  }

  /** How many bytes a variable byte integer takes. */
  static int varIntSize(int v) {
    return v < 128 ? 1 : v < 16_384 ? 2 : v < 2_097_152 ? 3 : 4;
  }

  private void ensure(int n) {
    if (buf.length - size < n) {
      buf = Arrays.copyOf(buf, Math.max(buf.length * 2, size + n));
    }
  }
}
