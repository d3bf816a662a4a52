package dev.thingbridge.mcu.smp;

/**
 * The 8-byte SMP header, big-endian: version and op, flags, length of the CBOR body, group, sequence number,
 * command.
 *
 * @param version 0 for SMP v1 ("legacy"), 1 for SMP v2; 2 and 3 are beyond what servers speak
 * @param op the operation
 * @param flags none are defined; sent as 0
 * @param length the body's length in bytes (0..65535)
 * @param group the management group (0 OS, 1 image, ...)
 * @param sequence 0..255; a response echoes its request's
 * @param command the command id within the group
 */
public record SmpHeader(int version, SmpOp op, int flags, int length, int group, int sequence, int command) {
  /** Bytes in a header. */
  public static final int SIZE = 8;
  /** The version field for SMP v1. */
  public static final int V1 = 0;
  /** The version field for SMP v2. */
  public static final int V2 = 1;

  public SmpHeader {
    check("version", version, 3);
    if (op == null) {
      throw new IllegalArgumentException("op is required");
    }
    check("flags", flags, 0xFF);
    check("length", length, 0xFFFF);
    check("group", group, 0xFFFF);
    check("sequence", sequence, 0xFF);
    check("command", command, 0xFF);
  }

  /** A request header; the length is filled in by {@link SmpMessage}. */
  public static SmpHeader request(int version, SmpOp op, int group, int command, int sequence) {
    return new SmpHeader(version, op, 0, 0, group, sequence, command);
  }

  /** The same header with another body length. */
  public SmpHeader withLength(int newLength) {
    return new SmpHeader(version, op, flags, newLength, group, sequence, command);
  }

  /** Writes the header into {@code out} at {@code offset}. */
  public void writeTo(byte[] out, int offset) {
    out[offset] = (byte) ((version << 3) | op.code());
    out[offset + 1] = (byte) flags;
    out[offset + 2] = (byte) (length >>> 8);
    out[offset + 3] = (byte) length;
    out[offset + 4] = (byte) (group >>> 8);
    out[offset + 5] = (byte) group;
    out[offset + 6] = (byte) sequence;
    out[offset + 7] = (byte) command;
  }

  /**
   * Reads a header.
   *
   * @throws SmpFormatException if fewer than 8 bytes remain, the reserved bits 7..5 are set or the op is
   *     undefined
   */
  public static SmpHeader readFrom(byte[] in, int offset, int available) throws SmpFormatException {
    if (available < SIZE) {
      throw new SmpFormatException("an SMP header needs 8 bytes, got " + available);
    }
    int b0 = in[offset] & 0xFF;
    if ((b0 & 0xE0) != 0) {
      throw new SmpFormatException("reserved bits set in SMP header byte 0: 0x" + Integer.toHexString(b0));
    }
    SmpOp op = SmpOp.of(b0 & 0x07);
    if (op == null) {
      throw new SmpFormatException("undefined SMP op " + (b0 & 0x07));
    }
    return new SmpHeader((b0 >>> 3) & 0x03, op, in[offset + 1] & 0xFF,
        ((in[offset + 2] & 0xFF) << 8) | (in[offset + 3] & 0xFF),
        ((in[offset + 4] & 0xFF) << 8) | (in[offset + 5] & 0xFF),
        in[offset + 6] & 0xFF, in[offset + 7] & 0xFF);
  }

  private static void check(String name, int value, int max) {
    if (value < 0 || value > max) {
      throw new IllegalArgumentException(name + " must be 0.." + max + ", got " + value);
    }
  }
}
