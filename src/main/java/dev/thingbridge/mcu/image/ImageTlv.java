package dev.thingbridge.mcu.image;

/**
 * One TLV of an MCUboot image's trailer: type (u16 little-endian; older images wrote a u8 and a pad byte, which
 * reads the same), length (u16) and value.
 *
 * @param type the TLV type, e.g. {@link McubootImage#TLV_SHA256}
 * @param value its bytes
 * @param isProtected whether it sits in the protected area (covered by the image hash)
 */
public record ImageTlv(int type, byte[] value, boolean isProtected) {
  public ImageTlv {
    if (type < 0 || type > 0xFFFF) {
      throw new IllegalArgumentException("TLV type must be a u16, got " + type);
    }
    if (value.length > 0xFFFF) {
      throw new IllegalArgumentException("TLV value longer than 65535 bytes");
    }
    value = value.clone();
  }

  @Override
  public byte[] value() {
    return value.clone();
  }

  @Override
  public String toString() {
    return "TLV 0x" + Integer.toHexString(type) + " (" + value.length + " bytes" + (isProtected ? ", protected" : "") + ")";
  }
}
