package dev.thingbridge.mcu.serial;

import java.io.IOException;

/** A port that cannot be opened: missing, open in another process, or not permitted (add the user to {@code dialout}). */
public class PortUnavailableException extends IOException {
  public PortUnavailableException(String message) {
    super(message);
  }
}
