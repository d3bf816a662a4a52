package dev.thingbridge.transfer;

import dev.thingbridge.transfer.internal.BlockLedger;
import dev.thingbridge.transfer.internal.PartialDownload;
import java.io.IOException;
import java.nio.ByteBuffer;

/**
 * Where the blocks of one file go, whichever way they came: each is checked against the size its position
 * demands, written at {@code id × blockSize} unless it is a duplicate, and recorded; the download is
 * checkpointed as it goes (in the background: every {@code checkpointBlocks} blocks, at most once a second), and
 * at once by {@link #checkpoint}. Owned by the download's thread.
 */
final class FileIngest {
  /** What became of a block. */
  public enum Result {
    /** New, valid and written. */
    WRITTEN,
    /** Valid, but already received. */
    DUPLICATE,
    /** Out of range or of the wrong size for its position: ignored, to be asked for again. */
    INVALID
  }

  /** Told of every newly written block (progress, status cadence). */
  @FunctionalInterface
  public interface Observer {
    void onBlockWritten(FileIngest ingest, long blockId, int size) throws OtaException;
  }

  private static final long MIN_CHECKPOINT_NANOS = 1_000_000_000L;

  private final OtaFile file;
  private final PartialDownload partial;
  private final BlockLedger ledger;
  private final int checkpointBlocks;
  private final Observer observer;
  private StreamingVerification verification;
  private long lastCheckpoint = System.nanoTime();
  private long duplicates;
  private long invalid;

  public FileIngest(OtaFile file, PartialDownload partial, int checkpointBlocks, Observer observer) {
    this.file = file;
    this.partial = partial;
    this.ledger = partial.ledger();
    this.checkpointBlocks = checkpointBlocks;
    this.observer = observer;
  }

  public OtaFile file() {
    return file;
  }

  /** Feeds every block, in order, to these checks as the download goes. */
  public FileIngest verifyWith(StreamingVerification v) {
    this.verification = v;
    return this;
  }

  public BlockLedger ledger() {
    return ledger;
  }

  public PartialDownload partial() {
    return partial;
  }

  public long duplicates() {
    return duplicates;
  }

  public long invalid() {
    return invalid;
  }

  /** Takes one block. */
  public Result accept(long id, byte[] payload, int offset, int length) throws OtaException {
    if (!ledger.isValid(id, length)) {
      invalid++;
      return Result.INVALID;
    }
    if (ledger.has(id)) {
      duplicates++;
      return Result.DUPLICATE;
    }
    record(id, 1, payload, offset, length);
    return Result.WRITTEN;
  }

  /**
   * Takes consecutive blocks from {@code first} that fill {@code data[offset, offset + length)}: every one full
   * size except the file's last. The new ones go to the file with one write per unbroken run; blocks already
   * received, or of the wrong size for their place, are skipped as {@link #accept} would.
   */
  public void acceptRun(long first, byte[] data, int offset, int length) throws OtaException {
    int bs = ledger.blockSize();
    long id = first;
    int at = 0;
    while (at < length) {
      int size = Math.min(bs, length - at);
      if (!ledger.isValid(id, size)) {
        invalid++;
      } else if (ledger.has(id)) {
        duplicates++;
      } else {
        int runStart = at;
        long runFirst = id;
        while (at < length && ledger.isValid(id, Math.min(bs, length - at)) && !ledger.has(id)) {
          at += Math.min(bs, length - at);
          id++;
        }
        record(runFirst, (int) (id - runFirst), data, offset + runStart, at - runStart);
        continue;
      }
      at += size;
      id++;
    }
  }

  /** Writes {@code count} new, valid, consecutive blocks with one write, then records and feeds them. */
  private void record(long first, int count, byte[] data, int offset, int length) throws OtaException {
    try {
      partial.write(first, ByteBuffer.wrap(data, offset, length));
    } catch (IOException e) {
      throw new OtaException(OtaErrorCode.FILE_WRITE_FAILED, "writing block " + first + " of " + file.filepath()
          + " failed: " + e.getMessage(), e);
    }
    for (int i = 0; i < count; i++) {
      ledger.mark(first + i);
    }
    if (verification != null) {
      verification.written(first, count, data, offset, length);
    }
    if (partial.uncheckpointed() >= checkpointBlocks && System.nanoTime() - lastCheckpoint >= MIN_CHECKPOINT_NANOS) {
      lastCheckpoint = System.nanoTime();
      try {
        partial.checkpointInBackground();
      } catch (IOException e) {
        throw new OtaException(OtaErrorCode.FILE_WRITE_FAILED, "saving the download state of " + file.filepath()
            + " failed: " + e.getMessage(), e);
      }
    }
    int bs = ledger.blockSize();
    for (int i = 0; i < count; i++) {
      observer.onBlockWritten(this, first + i, Math.min(bs, length - i * bs));
    }
  }

  /** Records what has been received so far (the end of a window or a range request). */
  public void checkpoint() throws OtaException {
    try {
      partial.checkpoint();
      lastCheckpoint = System.nanoTime();
    } catch (IOException e) {
      throw new OtaException(OtaErrorCode.FILE_WRITE_FAILED, "saving the download state of " + file.filepath()
          + " failed: " + e.getMessage(), e);
    }
  }

  /** Completes the file once every block is in. */
  public void finish() throws OtaException {
    try {
      partial.finish();
    } catch (IOException e) {
      throw new OtaException(OtaErrorCode.FILE_CLOSE_FAILED, "closing " + file.filepath() + " failed: "
          + e.getMessage(), e);
    }
  }
}
