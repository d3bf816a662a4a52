package dev.thingbridge.mcu;

/** The serial port cannot be opened (missing, busy, not permitted), or went away and did not come back in time. */
public class McuPortException extends McuException {
  public McuPortException(String message, Throwable cause) {
    super(message, cause);
  }
}
