package dev.thingbridge.transfer;

import java.time.Duration;
import java.util.ArrayDeque;
import java.util.concurrent.TimeUnit;
import java.util.function.LongSupplier;

/**
 * Counts an OTA job's blocks over all its files: sends a progress update every {@code frequency} blocks
 * (rustot: when the blocks still missing are a multiple of it, and neither none nor all) unless the last one went
 * out less than {@code interval} ago, and tells the listener at most every 200 ms, with the rate over the last few
 * seconds.
 */
final class ProgressMeter {
  private static final long EVENT_NANOS = TimeUnit.MILLISECONDS.toNanos(200);
  private static final long RATE_WINDOW_NANOS = TimeUnit.SECONDS.toNanos(3);

  private record Sample(long nanos, long bytes) {}

  private final String jobId;
  private final long totalBlocks;
  private final long totalBytes;
  private final int frequency;
  private final long intervalNanos;
  private final LongSupplier clock;
  private final StatusReporter reporter;
  private final OtaListener listener;
  private final ArrayDeque<Sample> samples = new ArrayDeque<>();
  private long blocks;
  private long bytes;
  private long resumedBytes;
  private long lastEvent;
  private long lastUpdate;
  private boolean updated;

  public ProgressMeter(String jobId, long totalBlocks, long totalBytes, int frequency, Duration interval,
      StatusReporter reporter, OtaListener listener) {
    this(jobId, totalBlocks, totalBytes, frequency, interval, reporter, listener, System::nanoTime);
  }

  /** With a clock of its own (tests). */
  ProgressMeter(String jobId, long totalBlocks, long totalBytes, int frequency, Duration interval,
      StatusReporter reporter, OtaListener listener, LongSupplier clock) {
    this.intervalNanos = interval.toNanos();
    this.clock = clock;
    this.jobId = jobId;
    this.totalBlocks = totalBlocks;
    this.totalBytes = totalBytes;
    this.frequency = frequency;
    this.reporter = reporter;
    this.listener = listener;
  }

  /** Blocks found on disk, counted before the download goes on. */
  public void resumed(long resumedBlocks, long resumedBlockBytes) {
    blocks += resumedBlocks;
    bytes += resumedBlockBytes;
    resumedBytes += resumedBlockBytes;
  }

  public long blocks() {
    return blocks;
  }

  public long totalBlocks() {
    return totalBlocks;
  }

  /** {@code received/total} as the status shows it. */
  public OtaStatusDetails details(SelfTestStatus status) {
    return OtaStatusDetails.of(status).withProgress(blocks, totalBlocks);
  }

  /** One more block written. */
  public void block(OtaFile file, int size) {
    blocks++;
    bytes += size;
    long remaining = totalBlocks - blocks;
    long now = clock.getAsLong();
    if (remaining > 0 && remaining < totalBlocks && remaining % frequency == 0
        && (!updated || now - lastUpdate >= intervalNanos)) {
      updated = true;
      lastUpdate = now;
      reporter.progress(details(SelfTestStatus.RECEIVING));
    }
    if (now - lastEvent >= EVENT_NANOS || remaining == 0) {
      event(file, now);
    }
  }

  /** Tells the listener where things stand now (a file's end). */
  public void flush(OtaFile file) {
    event(file, clock.getAsLong());
  }

  private void event(OtaFile file, long now) {
    lastEvent = now;
    samples.addLast(new Sample(now, bytes));
    while (samples.size() > 2 && now - samples.peekFirst().nanos > RATE_WINDOW_NANOS) {
      samples.removeFirst();
    }
    Sample first = samples.peekFirst();
    double rate = first == null || now == first.nanos ? 0 : (bytes - first.bytes) * 1e9 / (now - first.nanos);
    listener.onProgress(new TransferProgress(jobId, file, bytes, totalBytes, blocks, totalBlocks, rate, resumedBytes));
  }
}
