package dev.thingbridge.mcu.fake;

import java.io.IOException;
import java.io.InputStream;
import java.io.InterruptedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * A linked pair of pseudo-terminals made by {@code socat} (Debian package {@code socat}): whatever is written to
 * one end comes out of the other. Java has no PTY API, so this is how the fake MCU gets a real serial device
 * node that jSerialComm (or mcumgr, or minicom) can open. Both ends are symbolic links whose paths stay the same
 * when the pair is {@link #restart() restarted} (a USB re-enumeration), even though the {@code /dev/pts/N}
 * behind them changes. Baud rate and parity settings are accepted and ignored: nothing is throttled.
 */
public final class PtyPair implements AutoCloseable {
  private static final Duration START_TIMEOUT = Duration.ofSeconds(10);
  private static final String READY_NOTICE = "starting data transfer loop";

  private final Path gatewayPath;
  private final Path devicePath;
  private Process socat;

  private PtyPair(Path gatewayPath, Path devicePath) {
    this.gatewayPath = gatewayPath;
    this.devicePath = devicePath;
  }

  /**
   * Starts {@code socat} with links at {@code gatewayPath} (for the gateway, the path users open) and
   * {@code devicePath} (for the fake MCU).
   *
   * @throws IOException if socat is missing or the links do not appear within 10 s
   */
  public static PtyPair start(Path gatewayPath, Path devicePath) throws IOException {
    PtyPair pair = new PtyPair(gatewayPath.toAbsolutePath(), devicePath.toAbsolutePath());
    pair.launch();
    return pair;
  }

  /** Whether {@code socat} can be run here. */
  public static boolean socatAvailable() {
    for (String dir : System.getenv().getOrDefault("PATH", "/usr/bin:/bin").split(":")) {
      if (!dir.isEmpty() && Files.isExecutable(Path.of(dir, "socat"))) {
        return true;
      }
    }
    return Files.isExecutable(Path.of("/usr/bin/socat"));
  }

  /**
   * Starts socat and returns once both PTYs are ready. Their links existing is not enough: socat creates each link
   * before it sets that PTY's termios ({@code raw}, which means blocking reads, VMIN 1), so a port opened and
   * configured in between gets its settings overwritten. socat's notice that it starts its transfer loop
   * ({@code -d -d}) comes after both PTYs are set up.
   */
  private void launch() throws IOException {
    Files.createDirectories(gatewayPath.getParent());
    Files.createDirectories(devicePath.getParent());
    Files.deleteIfExists(gatewayPath);
    Files.deleteIfExists(devicePath);
    ProcessBuilder pb = new ProcessBuilder(List.of("socat", "-d", "-d",
        "PTY,link=" + gatewayPath + ",raw,echo=0",
        "PTY,link=" + devicePath + ",raw,echo=0"));
    pb.redirectErrorStream(true);
    try {
      socat = pb.start();
    } catch (IOException e) {
      throw new IOException("cannot run socat (install the Debian package 'socat'): " + e.getMessage(), e);
    }
    awaitTransferLoop();
    if (!(Files.exists(gatewayPath) && Files.exists(devicePath))) {
      socat.destroyForcibly();
      throw new IOException("socat started without creating " + gatewayPath + " and " + devicePath);
    }
  }

  /**
   * Reads socat's log until its transfer-loop notice. After that socat logs only on errors and at exit, a few
   * lines that fit in the pipe, so nothing needs to read it any more.
   */
  private void awaitTransferLoop() throws IOException {
    InputStream log = socat.getInputStream();
    StringBuilder seen = new StringBuilder();
    byte[] buf = new byte[512];
    long deadline = System.nanoTime() + START_TIMEOUT.toNanos();
    while (seen.indexOf(READY_NOTICE) < 0) {
      int available = log.available();
      if (available > 0) {
        int n = log.read(buf, 0, Math.min(available, buf.length));
        seen.append(new String(buf, 0, Math.max(n, 0), StandardCharsets.UTF_8));
        continue;
      }
      if (!socat.isAlive()) {
        throw new IOException("socat exited with " + socat.exitValue() + " before creating " + gatewayPath + ": "
            + seen.toString().strip());
      }
      if (System.nanoTime() - deadline > 0) {
        socat.destroyForcibly();
        throw new IOException("socat did not set up " + gatewayPath + " within " + START_TIMEOUT.toSeconds() + " s");
      }
      sleep(Duration.ofMillis(5));
    }
  }

  /** The path the gateway (and the user) opens. */
  public Path gatewayPath() {
    return gatewayPath;
  }

  /** The path the fake MCU opens. */
  public Path devicePath() {
    return devicePath;
  }

  /** Takes the pair away (open ends fail with I/O errors), as an unplugged USB device does. */
  public synchronized void stop() throws IOException {
    if (socat != null) {
      socat.destroy();
      try {
        if (!socat.waitFor(5, TimeUnit.SECONDS)) {
          socat.destroyForcibly().waitFor(5, TimeUnit.SECONDS);
        }
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new InterruptedIOException("interrupted while stopping socat");
      }
      socat = null;
    }
    Files.deleteIfExists(gatewayPath);
    Files.deleteIfExists(devicePath);
  }

  /** Stops and starts again under the same paths (new PTYs behind them). */
  public synchronized void restart() throws IOException {
    stop();
    launch();
  }

  @Override
  public void close() throws IOException {
    stop();
  }

  private static void sleep(Duration d) throws InterruptedIOException {
    try {
      Thread.sleep(d.toMillis());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new InterruptedIOException("interrupted while waiting for socat");
    }
  }
}
