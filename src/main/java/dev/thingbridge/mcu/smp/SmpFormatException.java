package dev.thingbridge.mcu.smp;

/** Bytes that are not a well-formed SMP message, frame or CBOR body. Receivers drop such input. */
public final class SmpFormatException extends Exception {
  public SmpFormatException(String message) {
    super(message);
  }

  public SmpFormatException(String message, Throwable cause) {
    super(message, cause);
  }
}
