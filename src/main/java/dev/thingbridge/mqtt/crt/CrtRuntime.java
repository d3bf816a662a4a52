package dev.thingbridge.mqtt.crt;

import java.time.Duration;
import software.amazon.awssdk.crt.CrtResource;

/**
 * The AWS Common Runtime's process-wide part: the default event-loop group, host resolver and bootstrap
 * every {@link CrtMqttClient} shares. A short-lived process (a command-line tool) releases them once its
 * clients are closed: left to the JVM's own shutdown, their native threads hold the exit up for more than a
 * second.
 */
public final class CrtRuntime {
  private CrtRuntime() {}

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
