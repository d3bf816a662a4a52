package dev.thingbridge.mcu.fake;

import java.time.Duration;
import java.util.Objects;

/**
 * What the wire between gateway and fake MCU does to bytes, in both directions, seeded for reproducibility.
 *
 * @param bytesPerSecond pacing of each direction (independently, full duplex); 0 for unpaced. 115200 8N1 is
 *     11,520 B/s
 * @param turnaround delay before each reply (a USB-serial adapter's latency timer: FTDI's default is 16 ms)
 * @param bitErrorRate probability that any one bit is flipped
 * @param dropRate probability that a byte is lost
 * @param duplicateRate probability that a byte arrives twice
 * @param garbageLineRate probability that a log line ({@code [00:00:01.234,000] <inf> app: ...}) is emitted before a
 *     reply
 * @param seed seed of the random faults
 */
public record LinkFaults(double bytesPerSecond, Duration turnaround, double bitErrorRate, double dropRate,
    double duplicateRate, double garbageLineRate, long seed) {
  /** A perfect, unpaced wire. */
  public static final LinkFaults NONE = new LinkFaults(0, Duration.ZERO, 0, 0, 0, 0, 0);

  public LinkFaults {
    Objects.requireNonNull(turnaround, "turnaround");
    if (bytesPerSecond < 0 || turnaround.isNegative()) {
      throw new IllegalArgumentException("pacing and turnaround must not be negative");
    }
    for (double p : new double[] {bitErrorRate, dropRate, duplicateRate, garbageLineRate}) {
      if (p < 0 || p > 1) {
        throw new IllegalArgumentException("probabilities must be within 0..1, got " + p);
      }
    }
  }

  /** A wire paced at {@code baud} 8N1. */
  public LinkFaults withBaud(int baud) {
    return new LinkFaults(baud / 10.0, turnaround, bitErrorRate, dropRate, duplicateRate, garbageLineRate, seed);
  }

  public LinkFaults withTurnaround(Duration d) {
    return new LinkFaults(bytesPerSecond, d, bitErrorRate, dropRate, duplicateRate, garbageLineRate, seed);
  }

  /** Noise: bit errors, drops and duplicates, seeded. */
  public LinkFaults withNoise(double ber, double drops, double duplicates, long newSeed) {
    return new LinkFaults(bytesPerSecond, turnaround, ber, drops, duplicates, garbageLineRate, newSeed);
  }

  public LinkFaults withGarbageLines(double rate) {
    return new LinkFaults(bytesPerSecond, turnaround, bitErrorRate, dropRate, duplicateRate, rate, seed);
  }

  /** Whether anything at all is injected or paced. */
  public boolean isNone() {
    return bytesPerSecond == 0 && turnaround.isZero() && bitErrorRate == 0 && dropRate == 0 && duplicateRate == 0
        && garbageLineRate == 0;
  }
}
