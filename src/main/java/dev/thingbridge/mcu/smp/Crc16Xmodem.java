package dev.thingbridge.mcu.smp;

/**
 * CRC-16/XMODEM (poly 0x1021, init 0, no reflection, no final XOR), the checksum of SMP over a serial console:
 * Zephyr computes it with {@code crc16_itu_t(0, ...)}. Check value for ASCII {@code 123456789} is {@code 0x31C3}.
 * Not CRC-16/CCITT-FALSE, which starts at 0xFFFF.
 */
public final class Crc16Xmodem {
  private static final int[] TABLE = new int[256];

  static {
    for (int i = 0; i < 256; i++) {
      int crc = i << 8;
      for (int bit = 0; bit < 8; bit++) {
        crc = (crc & 0x8000) != 0 ? (crc << 1) ^ 0x1021 : crc << 1;
      }
      TABLE[i] = crc & 0xFFFF;
    }
  }

  private Crc16Xmodem() {}

  /** The CRC of {@code length} bytes of {@code data} from {@code offset}. */
  public static int compute(byte[] data, int offset, int length) {
    return update(0, data, offset, length);
  }

  /** Continues a CRC over more bytes. */
  public static int update(int crc, byte[] data, int offset, int length) {
    int c = crc & 0xFFFF;
    for (int i = offset; i < offset + length; i++) {
      c = ((c << 8) & 0xFFFF) ^ TABLE[((c >>> 8) ^ data[i]) & 0xFF];
    }
    return c;
  }
}
