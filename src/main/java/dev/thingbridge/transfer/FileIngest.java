package dev.thingbridge.transfer;

import dev.thingbridge.transfer.internal.BlockLedger;
import dev.thingbridge.transfer.internal.PartialDownload;
import java.io.IOException;
import java.nio.ByteBuffer;

/**
 * Where the blocks of one file go, whichever way they came: each is checked against the size its position
 * demands, written at {@code id × blockSize} unless it is a duplicate, and recorded; the download is
 * checkpointed as it goes. Owned by the download's thread.
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
    try {
      partial.write(id, ByteBuffer.wrap(payload, offset, length));
    } catch (IOException e) {
      throw new OtaException(OtaErrorCode.FILE_WRITE_FAILED, "writing block " + id + " of " + file.filepath()
          + " failed: " + e.getMessage(), e);
    }
    ledger.mark(id);
    if (verification != null) {
      verification.written(id, payload, offset, length);
    }
    if (partial.uncheckpointed() >= checkpointBlocks && System.nanoTime() - lastCheckpoint >= MIN_CHECKPOINT_NANOS) {
      checkpoint();
    }
    observer.onBlockWritten(this, id, length);
    return Result.WRITTEN;
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
