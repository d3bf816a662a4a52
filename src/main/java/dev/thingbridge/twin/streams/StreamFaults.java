package dev.thingbridge.twin.streams;

import java.time.Duration;
import java.util.Objects;

/**
 * Faults the stream service injects, for tests of devices: lost, duplicated, reordered and damaged blocks,
 * late answers, or none at all. Rates are probabilities per block (0 to 1), drawn from a seeded generator so a
 * run can be repeated. Immutable; {@link #NONE} is the well-behaved service.
 *
 * @param dropRate blocks not sent
 * @param duplicateRate blocks sent twice
 * @param reorderRate blocks swapped with the next one of the same answer
 * @param corruptRate blocks damaged as {@code corruption} says
 * @param corruption how a damaged block looks
 * @param delay added before each answer
 * @param stopAnswering requests are ignored (the service is silent)
 * @param seed the generator's seed
 */
public record StreamFaults(double dropRate, double duplicateRate, double reorderRate, double corruptRate,
    Corruption corruption, Duration delay, boolean stopAnswering, long seed) {

  /** How a damaged block looks. */
  public enum Corruption {
    /** Its payload loses its last byte (and {@code l} says so): a block of the wrong size. */
    TRUNCATED,
    /** It claims another file id. */
    WRONG_FILE,
    /** It is not CBOR/JSON at all. */
    GARBAGE,
    /** One bit of its payload is flipped, sizes intact: only the file's hash and signature can tell. */
    BIT_FLIP
  }

  public static final StreamFaults NONE = new StreamFaults(0, 0, 0, 0, Corruption.TRUNCATED, Duration.ZERO, false, 1);

  public StreamFaults {
    check("dropRate", dropRate);
    check("duplicateRate", duplicateRate);
    check("reorderRate", reorderRate);
    check("corruptRate", corruptRate);
    Objects.requireNonNull(corruption, "corruption");
    Objects.requireNonNull(delay, "delay");
    if (delay.isNegative()) {
      throw new IllegalArgumentException("delay must not be negative");
    }
  }

  private static void check(String name, double rate) {
    if (!(rate >= 0 && rate <= 1)) {
      throw new IllegalArgumentException(name + " must be 0-1: " + rate);
    }
  }

  public StreamFaults withDrop(double rate) {
    return new StreamFaults(rate, duplicateRate, reorderRate, corruptRate, corruption, delay, stopAnswering, seed);
  }

  public StreamFaults withDuplicate(double rate) {
    return new StreamFaults(dropRate, rate, reorderRate, corruptRate, corruption, delay, stopAnswering, seed);
  }

  public StreamFaults withReorder(double rate) {
    return new StreamFaults(dropRate, duplicateRate, rate, corruptRate, corruption, delay, stopAnswering, seed);
  }

  public StreamFaults withCorrupt(double rate, Corruption how) {
    return new StreamFaults(dropRate, duplicateRate, reorderRate, rate, how, delay, stopAnswering, seed);
  }

  public StreamFaults withDelay(Duration value) {
    return new StreamFaults(dropRate, duplicateRate, reorderRate, corruptRate, corruption, value, stopAnswering, seed);
  }

  public StreamFaults withStopAnswering(boolean value) {
    return new StreamFaults(dropRate, duplicateRate, reorderRate, corruptRate, corruption, delay, value, seed);
  }

  public StreamFaults withSeed(long value) {
    return new StreamFaults(dropRate, duplicateRate, reorderRate, corruptRate, corruption, delay, stopAnswering, value);
  }
}
