package dev.thingbridge.mcu.serial;

import com.fazecast.jSerialComm.SerialPort;
import java.io.IOException;
import java.io.InterruptedIOException;
import java.time.Duration;
import java.util.Optional;

/** A jSerialComm port behind {@link SerialLink}. */
final class JSerialCommLink implements SerialLink, LineControl {
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

  @Override
  public int read(byte[] buffer, int offset, int length, Duration timeout) throws IOException {
    long deadline = System.nanoTime() + timeout.toNanos();
    do {
      checkOpen();
      if (Thread.currentThread().isInterrupted()) {
        throw new InterruptedIOException("interrupted while reading " + name);
      }
      int n = port.readBytes(buffer, length, offset);
      if (n < 0) {
        closed = true;
        throw new SerialLinkClosedException(name + ": the port went away (error " + port.getLastErrorCode() + ")");
      }
      if (n > 0) {
        return n;
      }
    } while (System.nanoTime() - deadline < 0);
    return 0;
  }

  @Override
  public void write(byte[] data, int offset, int length) throws IOException {
    int done = 0;
    while (done < length) {
      checkOpen();
      int n = port.writeBytes(data, length - done, offset + done);
      if (n < 0) {
        closed = true;
        throw new SerialLinkClosedException(name + ": write failed, the port went away (error "
            + port.getLastErrorCode() + ")");
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
        throw new SerialLinkClosedException(name + ": the port went away");
      }
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
