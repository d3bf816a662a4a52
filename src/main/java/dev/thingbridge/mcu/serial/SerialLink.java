package dev.thingbridge.mcu.serial;

import java.io.IOException;
import java.time.Duration;
import java.util.Optional;

/**
 * An open serial port: bytes in and out, reads with a deadline, and the modem lines when the port has them.
 * Opened by a {@link SerialLinkOpener} under a stable name (prefer {@code /dev/serial/by-id/...}: USB-CDC devices
 * re-enumerate when the MCU resets, and the by-id name survives that).
 *
 * <p>One reader and one writer at a time (they may be different threads). A port that disappears (USB unplug,
 * re-enumeration) makes every later call throw {@link SerialLinkClosedException}; the caller opens it again by
 * name.
 */
public interface SerialLink extends AutoCloseable {
  /** The name it was opened under. */
  String name();

  /**
   * Reads what has arrived, waiting up to {@code timeout} for the first byte.
   *
   * @return the number of bytes read, 0 when nothing arrived in time
   * @throws SerialLinkClosedException if the link was closed or the port went away
   * @throws IOException for other I/O failures
   */
  int read(byte[] buffer, int offset, int length, Duration timeout) throws IOException;

  /**
   * Writes all {@code length} bytes.
   *
   * @throws SerialLinkClosedException if the link was closed or the port went away
   */
  void write(byte[] data, int offset, int length) throws IOException;

  /** Writes a whole array. */
  default void write(byte[] data) throws IOException {
    write(data, 0, data.length);
  }

  /** Drops whatever has been received and not read yet. */
  void discardInput() throws IOException;

  /** DTR and RTS, for ports that have them (a PTY has none). */
  Optional<LineControl> lineControl();

  /** Closes the port; idempotent. */
  @Override
  void close();
}
