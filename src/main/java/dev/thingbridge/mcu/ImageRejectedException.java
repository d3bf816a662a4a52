package dev.thingbridge.mcu;

/** An image refused before flashing (malformed, wrong hash, bad signature), with the reason. */
public class ImageRejectedException extends Exception {
  public ImageRejectedException(String reason) {
    super(reason);
  }

  public ImageRejectedException(String reason, Throwable cause) {
    super(reason, cause);
  }
}
