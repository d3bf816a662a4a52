package dev.thingbridge.transfer.internal;

import dev.thingbridge.transfer.OtaErrorCode;
import dev.thingbridge.transfer.OtaException;
import dev.thingbridge.transfer.OtaFile;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/**
 * The {@code FILE} protocol: a file already on the device (say, a Greengrass artifact copied into the component's
 * work directory) read block by block into the same resumable download as the network protocols, so it is checked
 * and journaled the same way. The path is relative to a root the updater was given; paths that leave it, symbolic
 * links included, are refused.
 */
public final class LocalFileDownload {
  private final Path root;
  private final Cancellation cancel;

  public LocalFileDownload(Path root, Cancellation cancel) {
    this.root = root.toAbsolutePath().normalize();
    this.cancel = cancel;
  }

  /** Resolves a job's relative path under the root, or fails with {@code INVALID_DOCUMENT}. */
  public Path resolve(OtaFile file, String relative) throws OtaException {
    Path p = Path.of(relative);
    Path resolved = root.resolve(p).normalize();
    if (p.isAbsolute() || !resolved.startsWith(root)) {
      throw new OtaException(OtaErrorCode.INVALID_DOCUMENT, file.filepath() + ": the image file '" + relative
          + "' is not inside " + root);
    }
    try {
      if (!Files.isRegularFile(resolved) || !resolved.toRealPath().startsWith(root.toRealPath())) {
        throw new OtaException(OtaErrorCode.DOWNLOAD_FAILED, "the image file '" + relative + "' is not a regular "
            + "file inside " + root);
      }
    } catch (IOException e) {
      throw new OtaException(OtaErrorCode.DOWNLOAD_FAILED, "the image file '" + relative + "' cannot be read: "
          + e.getMessage(), e);
    }
    return resolved;
  }

  /** Copies every block {@code ingest} is missing from {@code source}; the size must be the job's. */
  public void download(FileIngest ingest, Path source) throws OtaException, InterruptedException {
    BlockLedger ledger = ingest.ledger();
    try (FileChannel in = FileChannel.open(source, StandardOpenOption.READ, LinkOption.NOFOLLOW_LINKS)) {
      if (in.size() != ledger.fileSize()) {
        throw new OtaException(OtaErrorCode.DOWNLOAD_FAILED, "the image file " + source.getFileName() + " has "
            + in.size() + " bytes, the job says " + ledger.fileSize());
      }
      ByteBuffer buffer = ByteBuffer.allocate(ledger.blockSize());
      while (!ledger.isComplete()) {
        cancel.check();
        long block = ledger.nextMissing(0);
        int want = ledger.expectedSize(block);
        buffer.clear().limit(want);
        long position = block * ledger.blockSize();
        while (buffer.hasRemaining()) {
          if (in.read(buffer, position + buffer.position()) < 0) {
            throw new OtaException(OtaErrorCode.DOWNLOAD_FAILED, "the image file " + source.getFileName()
                + " ended early");
          }
        }
        ingest.accept(block, buffer.array(), 0, want);
      }
      ingest.checkpoint();
    } catch (IOException e) {
      throw new OtaException(OtaErrorCode.DOWNLOAD_FAILED, "reading the image file " + source.getFileName()
          + " failed: " + e.getMessage(), e);
    }
  }
}
