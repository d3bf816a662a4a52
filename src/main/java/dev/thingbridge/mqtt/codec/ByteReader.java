package dev.thingbridge.mqtt.codec;

import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CharsetDecoder;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;

/**
 * Reads MQTT data types from one packet's body. Every read past the end, every ill-formed UTF-8 string and
 * every over-long variable byte integer is a {@link MalformedPacketException}, never an unchecked exception.
 */
final class ByteReader {
  private final byte[] data;
  private final int end;
  private int position;

  ByteReader(byte[] data) {
    this(data, 0, data.length);
  }

  ByteReader(byte[] data, int offset, int end) {
    this.data = data;
    this.position = offset;
    this.end = end;
  }

  int remaining() {
    return end - position;
  }

  boolean hasRemaining() {
    return position < end;
  }

  int position() {
    return position;
  }

  int readByte() throws MalformedPacketException {
    need(1);
    return data[position++] & 0xFF;
  }

  int readUint16() throws MalformedPacketException {
    need(2);
    int v = ((data[position] & 0xFF) << 8) | (data[position + 1] & 0xFF);
    position += 2;
    return v;
  }

  long readUint32() throws MalformedPacketException {
    need(4);
    long v = ((long) (data[position] & 0xFF) << 24) | ((data[position + 1] & 0xFF) << 16)
        | ((data[position + 2] & 0xFF) << 8) | (data[position + 3] & 0xFF);
    position += 4;
    return v;
  }

  /** A variable byte integer: at most four bytes, up to 268,435,455. */
  int readVarInt() throws MalformedPacketException {
    int value = 0;
    for (int i = 0; i < 4; i++) {
      int b = readByte();
      value |= (b & 0x7F) << (7 * i);
      if ((b & 0x80) == 0) {
        return value;
      }
    }
    throw new MalformedPacketException(ReasonCodes.MALFORMED_PACKET, "variable byte integer longer than 4 bytes");
  }

  /** Binary data: a two-byte length and the bytes. */
  byte[] readBinary() throws MalformedPacketException {
    int length = readUint16();
    return readBytes(length);
  }

  byte[] readBytes(int length) throws MalformedPacketException {
    need(length);
    byte[] out = new byte[length];
    System.arraycopy(data, position, out, 0, length);
    position += length;
    return out;
  }

  /** The rest of the body (a PUBLISH payload). */
  byte[] readRest() {
    byte[] out = new byte[end - position];
    System.arraycopy(data, position, out, 0, out.length);
    position = end;
    return out;
  }

  /** A UTF-8 string: well-formed, without U+0000 (MQTT 5 §1.5.4; MQTT 3.1.1 §1.5.3). */
  String readUtf8() throws MalformedPacketException {
    int length = readUint16();
    need(length);
    for (int i = position; i < position + length; i++) {
      if (data[i] == 0) {
        throw new MalformedPacketException(ReasonCodes.MALFORMED_PACKET, "UTF-8 string contains U+0000");
      }
    }
    String s = decodeUtf8(data, position, length);
    position += length;
    return s;
  }

  /** Whether the bytes are well-formed UTF-8 (for the payload format indicator). */
  static boolean isUtf8(byte[] bytes) {
    try {
      decodeUtf8(bytes, 0, bytes.length);
      return true;
    } catch (MalformedPacketException e) {
      return false;
    }
  }

  private static String decodeUtf8(byte[] bytes, int offset, int length) throws MalformedPacketException {
    CharsetDecoder decoder = StandardCharsets.UTF_8.newDecoder()
        .onMalformedInput(CodingErrorAction.REPORT)
        .onUnmappableCharacter(CodingErrorAction.REPORT);
    try {
      return decoder.decode(ByteBuffer.wrap(bytes, offset, length)).toString();
    } catch (CharacterCodingException e) {
      throw new MalformedPacketException(ReasonCodes.MALFORMED_PACKET, "ill-formed UTF-8 string");
    }
  }

  private void need(int n) throws MalformedPacketException {
    if (n < 0 || end - position < n) {
      throw new MalformedPacketException(ReasonCodes.MALFORMED_PACKET,
          "packet ends early: " + n + " more bytes expected, " + (end - position) + " left");
    }
  }
}
