package dev.thingbridge.mcu;

import dev.thingbridge.mcu.smp.ConsoleFraming;
import dev.thingbridge.mcu.smp.RawFraming;
import dev.thingbridge.mcu.smp.SmpFraming;

/** How SMP is framed on a device's serial line. */
public enum Framing {
  /** Base64 lines with CRC16 (Zephyr's UART/shell transport, MCUboot serial recovery): the default. */
  CONSOLE,
  /** Binary SMP ({@code CONFIG_MCUMGR_TRANSPORT_RAW_UART}, {@code BOOT_SERIAL_RAW_PROTOCOL}). */
  RAW;

  /** The codec, console lines of {@code lineLength} bytes. */
  public SmpFraming codec(int lineLength) {
    return this == CONSOLE ? new ConsoleFraming(lineLength) : new RawFraming();
  }

  /** Parses {@code console} or {@code raw}, case-insensitive. */
  public static Framing parse(String text) {
    for (Framing f : values()) {
      if (f.name().equalsIgnoreCase(text.trim())) {
        return f;
      }
    }
    throw new IllegalArgumentException("framing must be console or raw, got '" + text + "'");
  }
}
