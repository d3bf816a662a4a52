package dev.thingbridge.mcu.fake;

import dev.thingbridge.mcu.serial.LineControl;
import dev.thingbridge.mcu.serial.SerialLink;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InterruptedIOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Optional;
import java.util.Random;
import java.util.concurrent.locks.LockSupport;

/**
 * The fake MCU's view of the wire: wraps its end of a link and applies {@link LinkFaults} to what it receives
 * (gateway to MCU) and what it sends (MCU to gateway). Pacing releases bytes against a schedule ({@code start + n /
 * rate}) in pieces of 64 bytes or 2 ms of line time: what has arrived gets one schedule, so a paced read returns only what the
 * wire would have delivered by now, and a late wake-up does not slow the bytes after it; a paced write takes as
 * long as the wire would. Used by the fake's own thread only.
 */
final class FaultyLink implements SerialLink {
  private static final int MIN_PIECE = 64;

  private final SerialLink inner;
  private final LinkFaults faults;
  private final int piece;
  private final Random random;
  private final double byteErrorRate;
  private final byte[] pending = new byte[16 * 1024];
  private int pendingOffset;
  private int pendingLength;
  private long batchStart;
  private long rxClock;
  private long txClock;
  private long logLines;

  FaultyLink(SerialLink inner, LinkFaults faults, Random random) {
    // Pieces of at least 64 bytes and 2 ms of line time: finer pacing only adds wake-ups, not accuracy.
    this.piece = (int) Math.max(MIN_PIECE, faults.bytesPerSecond() * 0.002);
    this.inner = inner;
    this.faults = faults;
    this.random = random;
    this.byteErrorRate = 1 - Math.pow(1 - faults.bitErrorRate(), 8);
  }

  @Override
  public String name() {
    return inner.name();
  }

  @Override
  public int read(byte[] buffer, int offset, int length, Duration timeout) throws IOException {
    if (faults.bytesPerSecond() <= 0) {
      int n = inner.read(buffer, offset, length, timeout);
      return n <= 0 ? n : corrupt(buffer, offset, n);
    }
    if (pendingLength == 0) {
      int n = inner.read(pending, 0, pending.length / 2, timeout);
      if (n <= 0) {
        return n;
      }
      pendingLength = corrupt(pending, 0, n);
      pendingOffset = 0;
      // One schedule for everything that has arrived: sleeping per piece must not push later pieces back.
      batchStart = Math.max(rxClock, System.nanoTime());
      rxClock = batchStart + (long) (pendingLength * 1e9 / faults.bytesPerSecond());
    }
    int k = Math.min(Math.min(piece, length), pendingLength);
    sleepUntil(batchStart + (long) ((pendingOffset + k) * 1e9 / faults.bytesPerSecond()));
    System.arraycopy(pending, pendingOffset, buffer, offset, k);
    pendingOffset += k;
    pendingLength -= k;
    return k;
  }

  @Override
  public void write(byte[] data, int offset, int length) throws IOException {
    if (!faults.turnaround().isZero()) {
      sleepUntil(System.nanoTime() + faults.turnaround().toNanos());
    }
    ByteArrayOutputStream out = new ByteArrayOutputStream(length + 64);
    if (faults.garbageLineRate() > 0 && random.nextDouble() < faults.garbageLineRate()) {
      logLines++;
      out.writeBytes(String.format("\r\n[00:00:%02d.%03d,000] <inf> app: heartbeat %d\r\n", (logLines / 1000) % 60,
          logLines % 1000, logLines).getBytes(StandardCharsets.US_ASCII));
    }
    byte[] copy = java.util.Arrays.copyOfRange(data, offset, offset + length);
    int n = corrupt(copy, 0, copy.length);
    out.write(copy, 0, n);
    byte[] wire = out.toByteArray();
    if (faults.bytesPerSecond() <= 0) {
      inner.write(wire, 0, wire.length);
      return;
    }
    txClock = Math.max(txClock, System.nanoTime());
    for (int i = 0; i < wire.length; i += piece) {
      int k = Math.min(piece, wire.length - i);
      txClock += (long) (k * 1e9 / faults.bytesPerSecond());
      sleepUntil(txClock);
      inner.write(wire, i, k);
    }
  }

  /** Applies drops, duplicates and bit flips in place; returns the new length. */
  private int corrupt(byte[] buf, int offset, int length) {
    if (faults.dropRate() == 0 && faults.duplicateRate() == 0 && byteErrorRate == 0) {
      return length;
    }
    byte[] out = new byte[length * 2];
    int o = 0;
    for (int i = offset; i < offset + length; i++) {
      if (faults.dropRate() > 0 && random.nextDouble() < faults.dropRate()) {
        continue;
      }
      byte b = buf[i];
      if (byteErrorRate > 0 && random.nextDouble() < byteErrorRate) {
        b ^= (byte) (1 << random.nextInt(8));
      }
      out[o++] = b;
      if (faults.duplicateRate() > 0 && random.nextDouble() < faults.duplicateRate()) {
        out[o++] = b;
      }
    }
    // Duplicates can only grow what fits the caller's buffer; the surplus is lost as an overrun would lose it.
    int n = Math.min(o, buf.length - offset);
    System.arraycopy(out, 0, buf, offset, n);
    return n;
  }

  private static void sleepUntil(long deadline) throws InterruptedIOException {
    long left;
    while ((left = deadline - System.nanoTime()) > 0) {
      LockSupport.parkNanos(left);
      if (Thread.currentThread().isInterrupted()) {
        throw new InterruptedIOException("interrupted while pacing");
      }
    }
  }

  @Override
  public void discardInput() throws IOException {
    inner.discardInput();
  }

  @Override
  public Optional<LineControl> lineControl() {
    return inner.lineControl();
  }

  @Override
  public void close() {
    inner.close();
  }
}
