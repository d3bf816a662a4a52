package dev.thingbridge.mqtt.crt;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;
import software.amazon.awssdk.crt.CRT;
import software.amazon.awssdk.crt.CrtResource;

/**
 * The AWS Common Runtime's process-wide part: the default event-loop group, host resolver and bootstrap
 * every {@link CrtMqttClient} shares. A short-lived process (a command-line tool) releases them once its
 * clients are closed: left to the JVM's own shutdown, their native threads hold the exit up for more than a
 * second.
 */
public final class CrtRuntime {
  /** aws-crt's own override of its C-library probe. */
  static final String LIBC_PROPERTY = "aws.crt.libc";

  private CrtRuntime() {}

  /**
   * Loads the native runtime now, for a program that wants its cost paid early or on another thread (a
   * command-line tool loads it while it parses its arguments). On Linux it first tells aws-crt which C library
   * this JVM runs on, read from the process' own memory map: otherwise aws-crt finds out by running {@code ldd}
   * on the {@code java} binary (a shell script that starts several processes), which costs a one-off command
   * some tens of milliseconds (46 ms in one traced run). A value the user set for {@code
   * aws.crt.libc} is kept.
   */
  public static void load() {
    if (System.getProperty(LIBC_PROPERTY) == null) {
      cLibrary(Path.of("/proc/self/maps")).ifPresent(libc -> System.setProperty(LIBC_PROPERTY, libc));
    }
    new CRT();
  }

  /**
   * The C library mapped into this process, as aws-crt names it ({@code glibc} or {@code musl}), from a
   * Linux memory map; empty when the map is missing (not Linux) or names neither.
   */
  static Optional<String> cLibrary(Path maps) {
    String text;
    try {
      text = Files.readString(maps);
    } catch (IOException | RuntimeException e) {
      return Optional.empty();
    }
    if (text.contains("ld-musl") || text.contains("libc.musl")) {
      return Optional.of("musl");
    }
    return text.contains("/libc.so.6") ? Optional.of("glibc") : Optional.empty();
  }

  /**
   * Releases the process-wide defaults and waits, at most {@code wait}, until the native threads have ended.
   * Call it only when no CRT client is left open in this process (the wait would run out otherwise); a
   * client created afterwards makes new defaults.
   *
   * @return whether everything was released within {@code wait}
   */
  public static boolean releaseDefaults(Duration wait) throws InterruptedException {
    Thread release = new Thread(CrtResource::waitForNoResources, "thingbridge-crt-release");
    release.setDaemon(true);
    release.start();
    release.join(Math.max(1, wait.toMillis()));
    return !release.isAlive();
  }
}
