package dev.thingbridge.mcu.smp;

/**
 * How SMP messages travel over a serial line: {@link ConsoleFraming} (base64 lines with a CRC, what Zephyr's
 * UART/shell transport and MCUboot's serial recovery speak by default) or {@link RawFraming} (binary, framed by the
 * header's length; needs a UART that carries nothing else).
 */
public interface SmpFraming {
  /** The bytes to write for one SMP message (header and body). */
  byte[] encode(byte[] message);

  /**
   * A decoder for the other direction.
   *
   * @param maxFrame the largest frame the receiver buffers (console: length field, message and CRC; raw: the
   *     message); larger frames are dropped, as the MCU drops them
   */
  SmpFrameDecoder newDecoder(int maxFrame);

  /** The largest SMP message (header and body) that fits a device buffer of {@code bufSize} bytes. */
  int maxMessageSize(int bufSize);

  /** How many bytes {@link #encode} produces for a message of {@code messageSize} bytes. */
  int wireSize(int messageSize);

  /** {@code console} or {@code raw}. */
  String name();
}
