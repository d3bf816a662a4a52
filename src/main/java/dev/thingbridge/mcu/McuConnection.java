package dev.thingbridge.mcu;

import dev.thingbridge.mcu.serial.LineControl;
import dev.thingbridge.mcu.serial.SerialLink;
import dev.thingbridge.mcu.smp.BootloaderInfo;
import dev.thingbridge.mcu.smp.McuParams;
import java.io.IOException;
import java.io.InterruptedIOException;
import java.time.Duration;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The open port of one MCU and the SMP client on it: opens (and after a reset or re-enumeration reopens) the port
 * by name, probes the device and settles the buffer size. Used by one thread at a time (the device's).
 */
final class McuConnection implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(McuConnection.class);
  /** Buffer sizes when the device does not report one (serial-bridge.md §1.5). */
  static final int DEFAULT_APP_BUF = 384;
  static final int DEFAULT_RECOVERY_BUF = 512;
  /** The largest buffer used, as for a configured one: its messages stay within what an SMP header can count. */
  static final int MAX_BUF = 65535;

  private final McuConfig config;
  private SerialLink link;
  private SmpClient client;
  private McuMgr mgr;
  private int bufSize;
  private String bufSizeSource = "default";

  public McuConnection(McuConfig config) {
    this.config = config;
    this.bufSize = config.bufSizeOverride() > 0 ? config.bufSizeOverride() : DEFAULT_APP_BUF;
    if (config.bufSizeOverride() > 0) {
      bufSizeSource = "configured";
    }
  }

  public McuConfig config() {
    return config;
  }

  /** Opens the port if it is not open. */
  public McuMgr mgr() {
    if (link == null) {
      open();
    }
    return mgr;
  }

  /** Opens the port once; fails at once if it cannot. */
  public void open() {
    try {
      link = config.opener().open(config.port(), config.serial());
    } catch (IOException e) {
      String m = messageOf(e);
      throw new McuPortException(m.contains(config.port()) ? m : config.port() + ": " + m, e);
    }
    if (client == null) {
      client = new SmpClient(link, config.codec());
      mgr = new McuMgr(client);
    } else {
      client.attach(link);
    }
  }

  /** Closes the port (if open) and opens it again, retrying for up to {@code within} while it is away. */
  public void reopen(Duration within) throws InterruptedIOException {
    release();
    long deadline = System.nanoTime() + within.toNanos();
    while (true) {
      try {
        open();
        return;
      } catch (McuPortException e) {
        if (System.nanoTime() - deadline > 0) {
          throw new McuPortException(config.port() + " did not come back within " + within.toSeconds() + " s: "
              + e.getMessage(), e.getCause());
        }
        sleep(Duration.ofMillis(20));
      }
    }
  }

  /** Closes the port, keeping the client's sequence and version for the next open. */
  public void release() {
    if (link != null) {
      link.close();
      link = null;
    }
  }

  public boolean isOpen() {
    return link != null;
  }

  /** The SMP buffer size in use. */
  public int bufSize() {
    return bufSize;
  }

  public SmpClient client() {
    mgr();
    return client;
  }

  /**
   * First contact: an echo (a device that does not answer it in {@code probeAttempts} is not responding; one
   * that refuses it still answered), then params, bootloader info and OS info.
   *
   * @throws McuNotRespondingException if nothing answers
   */
  public DeviceInfo probe() throws IOException {
    McuMgr m = mgr();
    try {
      m.echo("thingbridge", config.probeTimeout(), config.probeAttempts());
    } catch (McuErrorResponseException refused) {
      LOG.debug("{}: echo refused ({}), the device answers", config.port(), refused.error());
    } catch (McuTimeoutException silent) {
      throw new McuNotRespondingException(config.port() + ": no SMP answer to an echo in " + config.probeAttempts()
          + " attempts of " + config.probeTimeout().toMillis() + " ms (wrong port, framing or baud rate, an "
          + "application without mcumgr, or a hung MCU)");
    }
    Optional<McuParams> params = m.params(config.requestTimeout(), config.attempts());
    Optional<BootloaderInfo> boot = m.bootloaderInfo(config.requestTimeout(), config.attempts());
    Optional<String> os;
    try {
      os = m.osInfo("a", config.requestTimeout(), config.attempts());
    } catch (McuErrorResponseException e) {
      os = m.osInfo(null, config.requestTimeout(), config.attempts());
    }
    boolean recovery = boot.isEmpty() && os.isEmpty();
    if (config.bufSizeOverride() > 0) {
      bufSize = config.bufSizeOverride();
      bufSizeSource = "configured";
    } else if (params.isPresent() && params.get().bufSize() >= 64) {
      // An SMP header counts at most 65535 body bytes: a larger buffer cannot be used, whatever the device says.
      bufSize = Math.min(params.get().bufSize(), MAX_BUF);
      bufSizeSource = "device";
    } else {
      bufSize = recovery ? DEFAULT_RECOVERY_BUF : DEFAULT_APP_BUF;
      bufSizeSource = "default";
    }
    return new DeviceInfo(config.id(), config.port(), config.framing().name().toLowerCase(java.util.Locale.ROOT),
        client.version() + 1, bufSize, bufSizeSource, params.map(McuParams::bufCount).orElse(1), boot, os, recovery);
  }

  /** Pulses the configured reset line (asserted 100 ms). */
  public boolean pulseResetLine() throws IOException {
    if (config.resetLine() == ResetLine.NONE || link == null || link.lineControl().isEmpty()) {
      return false;
    }
    LineControl lines = link.lineControl().get();
    if (config.resetLine() == ResetLine.RTS) {
      lines.rts(true);
      sleep(Duration.ofMillis(100));
      lines.rts(false);
    } else {
      lines.dtr(true);
      sleep(Duration.ofMillis(100));
      lines.dtr(false);
    }
    return true;
  }

  static String messageOf(IOException e) {
    String m = e.getMessage();
    return m == null ? e.getClass().getSimpleName() : m;
  }

  static void sleep(Duration d) throws InterruptedIOException {
    try {
      Thread.sleep(d.toMillis());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new InterruptedIOException("interrupted");
    }
  }

  @Override
  public void close() {
    release();
  }
}
