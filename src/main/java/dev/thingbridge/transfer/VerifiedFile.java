package dev.thingbridge.transfer;

import java.nio.file.Path;
import java.util.Objects;

/**
 * A downloaded file that passed its checks (size, SHA-256 when the job gave one, signature), ready for the
 * platform.
 *
 * @param file the job's entry for it
 * @param content where it is now (inside the OTA state directory); the platform moves or copies it
 * @param sha256 its SHA-256
 */
public record VerifiedFile(OtaFile file, Path content, byte[] sha256) {
  public VerifiedFile {
    Objects.requireNonNull(file, "file");
    Objects.requireNonNull(content, "content");
    sha256 = sha256.clone();
  }

  @Override
  public byte[] sha256() {
    return sha256.clone();
  }

  /** The SHA-256 in lower-case hex. */
  public String sha256Hex() {
    return java.util.HexFormat.of().formatHex(sha256);
  }
}
