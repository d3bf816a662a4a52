package dev.thingbridge.mcu.image;

/** A file that is not a valid MCUboot image (bad magic, sizes, TLV area, hash or signature). */
public final class ImageFormatException extends Exception {
  public ImageFormatException(String message) {
    super(message);
  }

  public ImageFormatException(String message, Throwable cause) {
    super(message, cause);
  }
}
