package dev.thingbridge.twin.ota;

import java.time.Duration;
import java.util.Objects;

/**
 * Faults the OTA file server injects, for tests of devices. Immutable; {@link #NONE} behaves.
 *
 * @param stopAnswering requests are read and never answered (until the fault is lifted, when the connection is
 *     closed)
 * @param delay added before each answer
 * @param failNext how many of the next requests get {@code failStatus} instead of their answer
 * @param failStatus the status of those failures (500, 503, 429, ...)
 * @param dropNext how many of the next bodies are cut off after {@code dropAfterBytes} (the connection closes)
 * @param dropAfterBytes where those bodies are cut
 */
public record FileServerFaults(boolean stopAnswering, Duration delay, int failNext, int failStatus, int dropNext,
    long dropAfterBytes) {
  public static final FileServerFaults NONE = new FileServerFaults(false, Duration.ZERO, 0, 500, 0, 0);

  public FileServerFaults {
    Objects.requireNonNull(delay, "delay");
    if (failNext < 0 || dropNext < 0 || dropAfterBytes < 0 || delay.isNegative()) {
      throw new IllegalArgumentException("fault counts and sizes must not be negative");
    }
  }

  public FileServerFaults withStopAnswering(boolean value) {
    return new FileServerFaults(value, delay, failNext, failStatus, dropNext, dropAfterBytes);
  }

  public FileServerFaults withDelay(Duration value) {
    return new FileServerFaults(stopAnswering, value, failNext, failStatus, dropNext, dropAfterBytes);
  }

  public FileServerFaults withFailures(int count, int status) {
    return new FileServerFaults(stopAnswering, delay, count, status, dropNext, dropAfterBytes);
  }

  public FileServerFaults withDrops(int count, long afterBytes) {
    return new FileServerFaults(stopAnswering, delay, failNext, failStatus, count, afterBytes);
  }
}
