package dev.thingbridge.transfer;

import dev.thingbridge.transfer.internal.BlockLedger;
import dev.thingbridge.transfer.internal.PartialDownload;
import java.io.IOException;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

/**
 * The checks of one file, made while it downloads: every block is fed to the SHA-256 and to the signature check as
 * soon as it and all blocks before it are on disk (a block that arrived early is read back when the gap is
 * filled), so an in-order download needs no second pass over the file. A download resumed after a restart first
 * feeds what is already on disk. The signature check starts before the first block: an unsigned file, or one
 * signed with a key this device does not trust, is refused without being downloaded.
 */
final class StreamingVerification {
  private final OtaFile file;
  private final PartialDownload partial;
  private final BlockLedger ledger;
  private final MessageDigest sha;
  private final SignatureVerifier.Check check;
  private final byte[] buffer;
  private long next;

  public StreamingVerification(OtaFile file, PartialDownload partial, SignatureVerifier verifier) throws OtaException {
    this.file = file;
    this.partial = partial;
    this.ledger = partial.ledger();
    this.check = verifier.begin(file);
    try {
      this.sha = MessageDigest.getInstance("SHA-256");
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
    this.buffer = new byte[ledger.blockSize()];
    catchUp();
  }

  /**
   * Consecutive blocks were written ({@code count} of them, from {@code first}, in {@code data[offset, offset +
   * length)}): feeds them if they are the next ones, and whatever followed them.
   */
  public void written(long first, int count, byte[] data, int offset, int length) throws OtaException {
    if (first != next) {
      return;
    }
    sha.update(data, offset, length);
    check.update(data, offset, length);
    next += count;
    catchUp();
  }

  /** Blocks fed so far (for tests: how much needed no second pass). */
  public long fed() {
    return next;
  }

  private void catchUp() throws OtaException {
    try {
      while (next < ledger.totalBlocks() && ledger.has(next)) {
        int n = partial.read(next, buffer);
        sha.update(buffer, 0, n);
        check.update(buffer, 0, n);
        next++;
      }
    } catch (IOException e) {
      throw new OtaException(OtaErrorCode.FILE_CLOSE_FAILED, "cannot read " + file.filepath() + " back: "
          + e.getMessage(), e);
    }
  }

  /** Once every block is in: the digest checked against the job's, the signature checked; the verified file. */
  public VerifiedFile finish() throws OtaException {
    catchUp();
    if (next != ledger.totalBlocks()) {
      throw new OtaException(OtaErrorCode.FILE_CLOSE_FAILED, file.filepath() + " is incomplete: block " + next
          + " is missing");
    }
    byte[] digest = sha.digest();
    if (file.sha256() != null && !HexFormat.of().formatHex(digest).equalsIgnoreCase(file.sha256())) {
      throw new OtaException(OtaErrorCode.SIG_CHECK_FAILED, file.filepath() + ": SHA-256 "
          + HexFormat.of().formatHex(digest) + " differs from the job's " + file.sha256());
    }
    check.verify(digest);
    return new VerifiedFile(file, partial.dataFile(), digest);
  }
}
