package dev.thingbridge.transfer;

import java.time.Duration;
import java.util.Optional;

/**
 * How far an OTA job's download has come, over all its files.
 *
 * @param jobId the job
 * @param file the file being downloaded
 * @param bytesReceived bytes in hand (including those resumed from an earlier run)
 * @param bytesTotal bytes of all files
 * @param blocksReceived blocks in hand
 * @param blocksTotal blocks of all files
 * @param bytesPerSecond the recent download rate (bytes resumed from disk do not count)
 * @param resumedBytes bytes found on disk at the start, from an interrupted run
 */
public record TransferProgress(
    String jobId, OtaFile file, long bytesReceived, long bytesTotal, long blocksReceived, long blocksTotal,
    double bytesPerSecond, long resumedBytes) {

  /** The estimated time left at the recent rate; empty until there is a rate. */
  public Optional<Duration> timeLeft() {
    if (bytesPerSecond <= 0) {
      return Optional.empty();
    }
    return Optional.of(Duration.ofMillis((long) ((bytesTotal - bytesReceived) * 1000 / bytesPerSecond)));
  }

  /** The fraction done, 0 to 1. */
  public double fraction() {
    return bytesTotal == 0 ? 1 : (double) bytesReceived / bytesTotal;
  }

  public boolean isComplete() {
    return bytesReceived >= bytesTotal;
  }
}
