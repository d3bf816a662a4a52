package dev.thingbridge.mcu.smp;

/** The operation in an SMP header (bits 2..0 of byte 0). */
public enum SmpOp {
  READ(0),
  READ_RESPONSE(1),
  WRITE(2),
  WRITE_RESPONSE(3);

  private final int code;

  SmpOp(int code) {
    this.code = code;
  }

  /** The 3-bit value on the wire. */
  public int code() {
    return code;
  }

  /** Whether this is one of the two response operations. */
  public boolean isResponse() {
    return (code & 1) == 1;
  }

  /** The response operation that answers this request operation. */
  public SmpOp response() {
    return this == READ ? READ_RESPONSE : WRITE_RESPONSE;
  }

  /** The operation for a 3-bit wire value, or {@code null} for the undefined values 4..7. */
  public static SmpOp of(int code) {
    return switch (code) {
      case 0 -> READ;
      case 1 -> READ_RESPONSE;
      case 2 -> WRITE;
      case 3 -> WRITE_RESPONSE;
      default -> null;
    };
  }
}
