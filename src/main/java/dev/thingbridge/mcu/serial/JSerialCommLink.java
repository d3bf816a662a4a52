package dev.thingbridge.mcu.serial;

import com.fazecast.jSerialComm.SerialPort;
import java.io.IOException;
import java.io.InterruptedIOException;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.locks.LockSupport;

/** A jSerialComm port behind {@link SerialLink}. */
final class JSerialCommLink implements SerialLink, LineControl {
  /**
   * How often a read asks whether bytes arrived: often in a wait's first 20 ms, when a reply is due (at most
   * 0.5 ms more latency), then every 5 ms so that a long wait costs little CPU.
   */
  private static final long FAST_POLL_NANOS = 500_000;
  private static final long SLOW_POLL_NANOS = 5_000_000;
  private static final long FAST_POLL_FOR_NANOS = 20_000_000;

  private final String name;
  private final SerialPort port;
  private volatile boolean closed;

  JSerialCommLink(String name, SerialPort port) {
    this.name = name;
    this.port = port;
  }

  @Override
  public String name() {
    return name;
  }

  /**
   * Waits for bytes by asking the driver how many have arrived, and reads only those: the read itself never
   * blocks, so the deadline holds whatever the port's termios say. Trusting the kernel's VTIME instead hangs
   * forever once anything else on the machine sets the port to blocking reads (VMIN 1): {@code stty}, a modem
   * manager probing new ttys, or socat configuring a PTY just after creating its link.
   */
  @Override
  public int read(byte[] buffer, int offset, int length, Duration timeout) throws IOException {
    long start = System.nanoTime();
    long deadline = start + timeout.toNanos();
    while (true) {
      checkOpen();
      if (Thread.currentThread().isInterrupted()) {
        throw new InterruptedIOException("interrupted while reading " + name);
      }
      int available = port.bytesAvailable();
      if (available < 0) {
        throw vanished("the port went away");
      }
      if (available > 0) {
        int n = port.readBytes(buffer, Math.min(length, available), offset);
        if (n < 0) {
          throw vanished("the port went away");
        }
        if (n > 0) {
          return n;
        }
      }
      long now = System.nanoTime();
      long left = deadline - now;
      if (left <= 0) {
        return 0;
      }
      LockSupport.parkNanos(Math.min(left, now - start < FAST_POLL_FOR_NANOS ? FAST_POLL_NANOS : SLOW_POLL_NANOS));
    }
  }

  @Override
  public void write(byte[] data, int offset, int length) throws IOException {
    int done = 0;
    while (done < length) {
      checkOpen();
      // jSerialComm waits out a full buffer itself and answers 0, not -1, when the first write fails (EIO: the
      // device is gone); taking that 0 as "try again" spun forever on a re-enumerated port.
      int n = port.writeBytes(data, length - done, offset + done);
      if (n <= 0) {
        throw vanished("write failed, the port went away");
      }
      done += n;
    }
  }

  @Override
  public void discardInput() throws IOException {
    byte[] sink = new byte[1024];
    int available;
    while ((available = port.bytesAvailable()) > 0) {
      checkOpen();
      if (port.readBytes(sink, Math.min(available, sink.length), 0) < 0) {
        throw vanished("the port went away");
      }
    }
    if (available < 0) {
      throw vanished("the port went away");
    }
  }

  @Override
  public Optional<LineControl> lineControl() {
    return Optional.of(this);
  }

  @Override
  public void dtr(boolean asserted) throws IOException {
    if (!(asserted ? port.setDTR() : port.clearDTR())) {
      throw new IOException(name + ": the port has no DTR line (a PTY has no modem lines)");
    }
  }

  @Override
  public void rts(boolean asserted) throws IOException {
    if (!(asserted ? port.setRTS() : port.clearRTS())) {
      throw new IOException(name + ": the port has no RTS line (a PTY has no modem lines)");
    }
  }

  /**
   * The device is gone (unplugged, re-enumerated): its descriptor is closed at once, or every re-enumeration of a
   * USB device would leak one.
   */
  private SerialLinkClosedException vanished(String what) {
    int error = port.getLastErrorCode();
    close();
    return new SerialLinkClosedException(name + ": " + what + " (error " + error + ")");
  }

  private void checkOpen() throws SerialLinkClosedException {
    if (closed) {
      throw new SerialLinkClosedException(name + " is closed");
    }
  }

  @Override
  public void close() {
    if (!closed) {
      closed = true;
      port.closePort();
    }
  }

  @Override
  public String toString() {
    return "serial port " + name;
  }
}
