package dev.thingbridge.mcu.serial;

import java.io.IOException;

/** The link was closed, or its port went away (unplugged, re-enumerating after an MCU reset). */
public class SerialLinkClosedException extends IOException {
  public SerialLinkClosedException(String message) {
    super(message);
  }
}
