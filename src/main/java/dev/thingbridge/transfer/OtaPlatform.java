package dev.thingbridge.transfer;

import java.util.List;
import java.util.Map;

/**
 * What an OTA update does on the device it updates: the seam between the download (shared) and the target
 * (the gateway itself with {@link GatewayPlatform}; an MCU behind a serial port with the MCU bridge's
 * platform). It is rustot's {@code OtaPal} and FreeRTOS's OTA PAL, minus writing blocks: the library
 * downloads, resumes and verifies, and hands the platform whole verified files.
 *
 * <p>The flow for a job:
 *
 * <ol>
 *   <li>{@link #checkFile} for each file, before anything is downloaded (a destination it refuses fails the job
 *       at once);
 *   <li>{@link #install} with every file, verified, once all are downloaded;
 *   <li>for a firmware file: {@link #activate} (the cloud has already accepted {@code self_test=ready}); then,
 *       in this process ({@link Activation#ACTIVE}) or after the restart ({@link Activation#RESTARTING}), with
 *       the image {@link PlatformImageState#PENDING_COMMIT}: {@link #setImageState} testing, {@link #selfTest},
 *       and {@link #setImageState} accepted to commit, or rejected and {@link #reset} to roll back.
 * </ol>
 *
 * <p>Methods are called on the OTA job's thread, one at a time; they may block (flashing takes a while) and should
 * answer an interrupt. Failures are {@link OtaPlatformException}s whose code is reported to the cloud.
 */
public interface OtaPlatform {
  /** How an activation went. */
  enum Activation {
    /** The new image runs now; its self-test follows in this process. */
    ACTIVE,
    /** The device is restarting into it; the self-test follows at the next start, from the job's state. */
    RESTARTING
  }

  /**
   * A job begins on this platform: called first, before anything else of the job (a platform that reports per job in
   * {@link #statusDetails}, as an MCU's outcome, forgets the previous job's here). Default: nothing.
   */
  default void jobStarted(String jobId) {}

  /** Refuses, before the download, a file this platform will not take (a bad destination, too large). */
  default void checkFile(OtaFile file) throws OtaPlatformException {}

  /**
   * Takes the job's verified files. A platform that can, keeps what they replace until {@link #setImageState}
   * accepted (or, when {@code awaitingCommit} is false, throws it away now).
   *
   * @param awaitingCommit whether a firmware activation and self-test follow
   */
  void install(List<VerifiedFile> files, boolean awaitingCommit) throws OtaPlatformException;

  /** The state of the running image. */
  PlatformImageState imageState() throws OtaPlatformException;

  /** Records the new image's state: testing, accepted (commit), rejected or aborted (roll back what is pending). */
  void setImageState(ImageState state) throws OtaPlatformException;

  /** Starts the new firmware: flash and reset an MCU, restart the gateway's service. Default: {@link #reset}. */
  default Activation activate(List<VerifiedFile> firmware) throws OtaPlatformException {
    reset();
    return Activation.RESTARTING;
  }

  /** Resets the device into its committed image (an uncommitted one is rolled back). */
  void reset() throws OtaPlatformException;

  /**
   * Checks that the new image works (rustot's {@code StartTest} callback), bounded by {@link
   * OtaConfig#selfTestTimeout()}; throwing rejects it. Default: it works.
   */
  default void selfTest(String jobId, Map<String, String> statusDetails) throws Exception {}

  /** Extra keys for the job's {@code statusDetails} (a firmware version, say); at most a few. */
  default Map<String, String> statusDetails() {
    return Map.of();
  }
}
