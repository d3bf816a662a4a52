package dev.thingbridge.transfer;

import dev.thingbridge.transfer.internal.PartialDownload;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

/** The files of OTA jobs on disk while they download ({@code <state-dir>/ota/downloads/<job>-<index>}). */
final class FileDownloads {
  private final Path root;
  private final OtaConfig config;

  public FileDownloads(Path stateDir, OtaConfig config) {
    this.root = stateDir.resolve("ota").resolve("downloads");
    this.config = config;
  }

  /** Opens (or resumes) the download of one file of a job. */
  public PartialDownload open(String jobId, OtaFile file) throws OtaException {
    try {
      return PartialDownload.open(dirOf(jobId, file), identity(jobId, file), file.size(), config.blockSize(),
          config.checkpointSync());
    } catch (IOException e) {
      throw new OtaException(OtaErrorCode.BAD_FILE_HANDLE, "cannot open the download of " + file.filepath()
          + ": " + e.getMessage(), e);
    }
  }

  /** Forgets every download of a job. */
  public void discard(String jobId, int files) {
    for (int i = 0; i < files; i++) {
      PartialDownload.deleteTree(root.resolve(safe(jobId) + "-" + i));
    }
  }

  private Path dirOf(String jobId, OtaFile file) {
    return root.resolve(safe(jobId) + "-" + file.index());
  }

  private static String safe(String jobId) {
    return jobId.replaceAll("[^A-Za-z0-9_-]", "_");
  }

  /** What makes a partial download resumable by a later run: the same job, file and block size. */
  static String identity(String jobId, OtaFile file) {
    String s = jobId + "|" + file.index() + "|" + file.filepath() + "|" + file.size() + "|" + file.fileId() + "|"
        + file.signature().map(c -> c.algorithm() + ":" + c.base64()).orElse("-") + "|" + file.sha256();
    return HexFormat.of().formatHex(sha256().digest(s.getBytes(StandardCharsets.UTF_8)));
  }

  private static MessageDigest sha256() {
    try {
      return MessageDigest.getInstance("SHA-256");
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }
}
