package dev.thingbridge.mcu;

import dev.thingbridge.mcu.image.ImageVersion;
import java.io.IOException;
import java.time.Duration;
import java.util.concurrent.Callable;

/** What a {@link HealthCheck} may use: the device freshly booted into the new, not yet confirmed image. */
public interface HealthContext {
  /** The device's id. */
  String deviceId();

  /** The serial port's name. */
  String portName();

  /** The version of the image under test. */
  ImageVersion version();

  /** Its image hash, hex. */
  String imageHashHex();

  /** The time the check has in all. */
  Duration timeout();

  /** An SMP echo round trip; returns what the device echoed. */
  String echo(String text) throws IOException;

  /**
   * Runs {@code action} with the serial port closed (so another program, e.g. the user's check, can open it), then
   * opens it again.
   */
  <T> T withPortReleased(Callable<T> action) throws Exception;
}
