package dev.thingbridge.mcu.serial;

import java.io.IOException;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Serial ports that live in memory, for tests and the fake MCU: each port is a wire with a persistent device
 * end (what the fake MCU reads and writes) and a gateway end handed out by {@link #open}. Like a real port it is
 * exclusive (a second open fails), bytes the device sends while no one has the port open are lost, and it can
 * disappear and come back ({@link DeviceEnd#unplug()}, {@link DeviceEnd#plug()}) as a USB-CDC device does when
 * the MCU resets. Nothing is paced or corrupted here; the fake MCU wraps its end for that.
 */
public final class InMemorySerialPorts implements SerialLinkOpener {
  private final Map<String, DeviceEnd> ports = new ConcurrentHashMap<>();

  /**
   * Creates the port {@code name} and returns its device end.
   *
   * @throws IllegalStateException if the name is taken
   */
  public DeviceEnd attach(String name) {
    DeviceEnd end = new DeviceEnd(name);
    if (ports.putIfAbsent(name, end) != null) {
      throw new IllegalStateException("port " + name + " already exists");
    }
    return end;
  }

  @Override
  public SerialLink open(String name, SerialSettings settings) throws IOException {
    DeviceEnd end = ports.get(name);
    if (end == null) {
      throw new PortUnavailableException(name + ": no such port");
    }
    return end.openGatewayEnd();
  }

  /** Watches the modem lines the gateway sets (a board that resets on an RTS pulse). */
  public interface LineListener {
    /** DTR or RTS changed; called on the gateway's thread. */
    void linesChanged(boolean dtr, boolean rts);
  }

  /** The device end of a port: a {@link SerialLink} that stays open while gateways come and go. */
  public static final class DeviceEnd implements SerialLink {
    private final String name;
    private final BytePipe toDevice = new BytePipe();
    private final BytePipe toGateway = new BytePipe();
    private volatile GatewayEnd gateway;
    private volatile boolean present = true;
    private volatile boolean closed;
    private volatile LineListener lineListener = (dtr, rts) -> { };

    DeviceEnd(String name) {
      this.name = name;
    }

    synchronized GatewayEnd openGatewayEnd() throws PortUnavailableException {
      if (!present || closed) {
        throw new PortUnavailableException(name + ": no such port");
      }
      if (gatewayOpen()) {
        throw new PortUnavailableException(name + ": cannot be opened (in use)");
      }
      toGateway.clear();
      toDevice.clear();
      gateway = new GatewayEnd(this);
      return gateway;
    }

    /** The port disappears: the open gateway end fails from now on and opens fail until {@link #plug()}. */
    public synchronized void unplug() {
      present = false;
      GatewayEnd g = gateway;
      if (g != null) {
        g.gone = true;
      }
      toGateway.wake();
      toDevice.clear();
    }

    /** The port is back; a gateway must open it again. */
    public synchronized void plug() {
      present = true;
    }

    /** Whether a gateway end is open right now. */
    public boolean gatewayOpen() {
      GatewayEnd g = gateway;
      return g != null && !g.closed && !g.gone;
    }

    /** Sets who hears DTR/RTS changes. */
    public void onLines(LineListener listener) {
      this.lineListener = listener;
    }

    @Override
    public String name() {
      return name;
    }

    @Override
    public int read(byte[] buffer, int offset, int length, Duration timeout) throws IOException {
      int n = toDevice.read(buffer, offset, length, timeout.toNanos(), () -> closed);
      if (n < 0) {
        throw new SerialLinkClosedException(name + " (device end) is closed");
      }
      return n;
    }

    @Override
    public void write(byte[] data, int offset, int length) throws IOException {
      if (closed) {
        throw new SerialLinkClosedException(name + " (device end) is closed");
      }
      if (gatewayOpen()) {
        toGateway.write(data, offset, length);
      }
    }

    @Override
    public void discardInput() {
      toDevice.clear();
    }

    @Override
    public Optional<LineControl> lineControl() {
      return Optional.empty();
    }

    @Override
    public void close() {
      closed = true;
      unplug();
      toDevice.wake();
    }
  }

  private static final class GatewayEnd implements SerialLink, LineControl {
    private final DeviceEnd device;
    volatile boolean closed;
    volatile boolean gone;
    private boolean dtr;
    private boolean rts;

    GatewayEnd(DeviceEnd device) {
      this.device = device;
    }

    @Override
    public String name() {
      return device.name;
    }

    private void check() throws SerialLinkClosedException {
      if (closed) {
        throw new SerialLinkClosedException(device.name + " is closed");
      }
      if (gone) {
        throw new SerialLinkClosedException(device.name + ": the port went away");
      }
    }

    @Override
    public int read(byte[] buffer, int offset, int length, Duration timeout) throws IOException {
      check();
      int n = device.toGateway.read(buffer, offset, length, timeout.toNanos(), () -> closed || gone);
      if (n < 0) {
        check();
      }
      return Math.max(n, 0);
    }

    @Override
    public void write(byte[] data, int offset, int length) throws IOException {
      check();
      device.toDevice.write(data, offset, length);
    }

    @Override
    public void discardInput() throws IOException {
      check();
      device.toGateway.clear();
    }

    @Override
    public Optional<LineControl> lineControl() {
      return Optional.of(this);
    }

    @Override
    public void dtr(boolean asserted) throws IOException {
      check();
      dtr = asserted;
      device.lineListener.linesChanged(dtr, rts);
    }

    @Override
    public void rts(boolean asserted) throws IOException {
      check();
      rts = asserted;
      device.lineListener.linesChanged(dtr, rts);
    }

    @Override
    public void close() {
      closed = true;
      device.toGateway.wake();
    }
  }
}
