package dev.thingbridge.mcu.serial;

import java.io.IOException;

/**
 * The modem control lines of a serial port. Boards wire them to reset or boot-strap pins (an ESP32's auto-reset
 * circuit, a debugger's UART bridge), so a gateway can reset an MCU that no longer answers.
 */
public interface LineControl {
  /** Asserts ({@code true}) or clears DTR. */
  void dtr(boolean asserted) throws IOException;

  /** Asserts ({@code true}) or clears RTS. */
  void rts(boolean asserted) throws IOException;
}
