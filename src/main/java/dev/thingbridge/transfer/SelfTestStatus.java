package dev.thingbridge.transfer;

import java.util.Optional;

/**
 * The {@code self_test} value of an OTA job's {@code statusDetails}: where the update stands. On the next boot
 * the job's {@code ready} or {@code active} tells the device that the image it runs is on trial.
 */
public enum SelfTestStatus {
  /** Downloading. */
  RECEIVING("receiving"),
  /** Downloaded and verified; about to activate (the signature check passed). */
  READY("ready"),
  /** The new image runs its self-test. */
  ACTIVE("active"),
  /** The new image passed and is committed. */
  ACCEPTED("accepted"),
  /** The new image was refused. */
  REJECTED("rejected"),
  /** The update was abandoned. */
  ABORTED("aborted");

  private final String wire;

  SelfTestStatus(String wire) {
    this.wire = wire;
  }

  /** The string in {@code statusDetails}. */
  public String wire() {
    return wire;
  }

  /** The status of a {@code self_test} string, if it is one. */
  public static Optional<SelfTestStatus> fromWire(String value) {
    for (SelfTestStatus s : values()) {
      if (s.wire.equals(value)) {
        return Optional.of(s);
      }
    }
    return Optional.empty();
  }

  /** Whether the job says a new image is on trial ({@code ready} or {@code active}). */
  public boolean isSelfTest() {
    return this == READY || this == ACTIVE;
  }
}
