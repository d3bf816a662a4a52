package dev.thingbridge.mcu.serial;

import java.time.Duration;
import java.util.Objects;

/**
 * Line settings of a serial port.
 *
 * @param baud bits per second (USB-CDC ignores it; a real UART and the fake MCU's pacing honour it)
 * @param dataBits 5..8
 * @param parity parity bit
 * @param stopBits 1 or 2
 * @param openSettle how long to wait after opening before the first write (some USB bridges need it)
 */
public record SerialSettings(int baud, int dataBits, Parity parity, int stopBits, Duration openSettle) {
  /** Parity. */
  public enum Parity {
    NONE,
    EVEN,
    ODD
  }

  public SerialSettings {
    if (baud <= 0) {
      throw new IllegalArgumentException("baud must be positive, got " + baud);
    }
    if (dataBits < 5 || dataBits > 8) {
      throw new IllegalArgumentException("data bits must be 5..8, got " + dataBits);
    }
    if (stopBits != 1 && stopBits != 2) {
      throw new IllegalArgumentException("stop bits must be 1 or 2, got " + stopBits);
    }
    Objects.requireNonNull(parity, "parity");
    Objects.requireNonNull(openSettle, "openSettle");
  }

  /** 8N1 at {@code baud}, no settle time. */
  public static SerialSettings of(int baud) {
    return new SerialSettings(baud, 8, Parity.NONE, 1, Duration.ZERO);
  }

  /** Bits on the wire per byte: start bit, data, parity, stop bits. */
  public int bitsPerByte() {
    return 1 + dataBits + (parity == Parity.NONE ? 0 : 1) + stopBits;
  }

  /** Bytes per second the line carries at most. */
  public double bytesPerSecond() {
    return (double) baud / bitsPerByte();
  }
}
