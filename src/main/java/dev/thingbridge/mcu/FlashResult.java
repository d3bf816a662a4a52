package dev.thingbridge.mcu;

import java.time.Duration;

/**
 * How a flash ended, when the device's state is known.
 *
 * @param outcome what happened
 * @param reason one line: why it failed, or what was done
 * @param rollbackAvailable whether the device's bootloader reverts an unconfirmed image (false for single-slot,
 *     serial recovery, overwrite-only and direct-XIP without revert)
 * @param previousVersion the version running before, or empty
 * @param version the version running now
 * @param hash the image hash running now, hex
 * @param bytesUploaded image bytes the device acknowledged during this call
 * @param resumed whether this call continued an interrupted flash (journal or an upload kept by the device)
 * @param elapsed wall time of this call
 * @param uploadTime time spent uploading (first chunk sent to last chunk acknowledged, the slot erase included)
 */
public record FlashResult(Outcome outcome, String reason, boolean rollbackAvailable, String previousVersion,
    String version, String hash, long bytesUploaded, boolean resumed, Duration elapsed, Duration uploadTime) {

  /** What happened. */
  public enum Outcome {
    /** The new image runs and is confirmed. */
    UPDATED,
    /** The device already ran the image, confirmed: nothing was written. */
    ALREADY_RUNNING,
    /** The image was refused (before anything changed on the device): malformed, wrong signature, or refused
     *  by the device (too large, a downgrade, no free slot). */
    REFUSED,
    /** The new image did not come up or was unhealthy; the old image runs again, confirmed (verified). */
    REVERTED,
    /** The flow failed and the old image could not be restored or verified (no rollback, or no answer). */
    FAILED
  }

  /** Upload throughput in KiB/s (0 when nothing was uploaded). */
  public double uploadKiBPerSecond() {
    return uploadTime.isZero() ? 0 : bytesUploaded / 1024.0 / (uploadTime.toNanos() / 1e9);
  }

  /** Whether the device now runs the requested image, confirmed. */
  public boolean succeeded() {
    return outcome == Outcome.UPDATED || outcome == Outcome.ALREADY_RUNNING;
  }
}
