package dev.thingbridge.mcu.smp;

import java.util.function.Consumer;

/**
 * Turns received bytes into SMP messages (header and body). Like the MCU's own receiver it never answers bad
 * input: a frame with a bad CRC, bad base64, an over-long line or a size beyond the buffer is dropped and
 * counted. Not thread-safe: one reader feeds it.
 */
public interface SmpFrameDecoder {
  /** Feeds bytes; every complete frame is handed to {@code sink} before this returns. */
  void feed(byte[] data, int offset, int length, Consumer<byte[]> sink);

  /** Forgets a partially received frame (a request is about to be sent, or the input stalled). */
  void reset();

  /** Whether a frame has started but is not complete. */
  boolean midFrame();

  /** Frames dropped since this decoder was made. */
  long dropped();
}
