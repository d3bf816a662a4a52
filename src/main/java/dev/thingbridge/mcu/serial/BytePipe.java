package dev.thingbridge.mcu.serial;

import java.io.InterruptedIOException;
import java.util.function.BooleanSupplier;

/** One direction of an in-memory wire: a growable byte queue with timed, interruptible reads. */
final class BytePipe {
  private byte[] buf = new byte[4096];
  private int head;
  private int size;

  synchronized void write(byte[] data, int offset, int length) {
    if (size + length > buf.length) {
      byte[] bigger = new byte[Math.max(buf.length * 2, size + length)];
      for (int i = 0; i < size; i++) {
        bigger[i] = buf[(head + i) % buf.length];
      }
      buf = bigger;
      head = 0;
    }
    for (int i = 0; i < length; i++) {
      buf[(head + size + i) % buf.length] = data[offset + i];
    }
    size += length;
    notifyAll();
  }

  /**
   * Reads up to {@code length} bytes, waiting up to {@code timeoutNanos} for the first; 0 on timeout. Stops
   * early, returning -1, as soon as {@code gone} says the reader's end is no longer usable.
   */
  synchronized int read(byte[] out, int offset, int length, long timeoutNanos, BooleanSupplier gone)
      throws InterruptedIOException {
    long deadline = System.nanoTime() + timeoutNanos;
    while (size == 0) {
      if (gone.getAsBoolean()) {
        return -1;
      }
      long left = deadline - System.nanoTime();
      if (left <= 0) {
        return 0;
      }
      try {
        wait(Math.max(1, left / 1_000_000), 0);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new InterruptedIOException("interrupted while reading");
      }
    }
    if (gone.getAsBoolean()) {
      return -1;
    }
    int n = Math.min(length, size);
    for (int i = 0; i < n; i++) {
      out[offset + i] = buf[(head + i) % buf.length];
    }
    head = (head + n) % buf.length;
    size -= n;
    return n;
  }

  synchronized void clear() {
    head = 0;
    size = 0;
  }

  /** Wakes blocked readers so they look at their end's state again. */
  synchronized void wake() {
    notifyAll();
  }
}
