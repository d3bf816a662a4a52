package dev.thingbridge.mcu;

/** Base of every failure the MCU serial bridge reports. Unchecked: futures complete exceptionally with these. */
public class McuException extends RuntimeException {
  public McuException(String message) {
    super(message);
  }

  public McuException(String message, Throwable cause) {
    super(message, cause);
  }
}
