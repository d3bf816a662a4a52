package dev.thingbridge.transfer;

import java.util.Collections;
import java.util.EnumMap;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalInt;

/**
 * One file of an OTA job: an entry of {@code afr_ota.files}.
 *
 * @param index the entry's position in the document's file list
 * @param filepath where the device should put it ({@code filepath}); the platform decides what that means
 * @param size the size in bytes ({@code filesize}, at least 1)
 * @param fileId the stream's file id ({@code fileid}, 0-255)
 * @param certfile the code-signing certificate's name on the device ({@code certfile}), or null
 * @param updateDataUrl the pre-signed HTTP URL ({@code update_data_url}), or null; never logged
 * @param authScheme {@code auth_scheme} (e.g. {@code aws.s3.presigned}), or null
 * @param signatures every signature the entry carries, by algorithm
 * @param fileType {@code fileType} (0 is firmware), or null when absent
 * @param attributes {@code attr}, or null
 * @param sha256 the expected SHA-256 in hex, when the document carries a {@code sha256} key (an extension), or
 *     null
 */
public record OtaFile(
    int index,
    String filepath,
    long size,
    int fileId,
    String certfile,
    String updateDataUrl,
    String authScheme,
    Map<SignatureAlgorithm, String> signatures,
    Integer fileType,
    Long attributes,
    String sha256) {
  /** The {@code fileType} of firmware images. */
  public static final int FIRMWARE = 0;

  public OtaFile {
    Objects.requireNonNull(filepath, "filepath");
    if (size < 1) {
      throw new IllegalArgumentException("file size must be positive: " + size);
    }
    if (fileId < 0 || fileId > 255) {
      throw new IllegalArgumentException("file id must be 0-255: " + fileId);
    }
    EnumMap<SignatureAlgorithm, String> copy = new EnumMap<>(SignatureAlgorithm.class);
    if (signatures != null) {
      copy.putAll(signatures);
    }
    signatures = Collections.unmodifiableMap(copy);
  }

  /**
   * The signature to check: the strongest the entry carries (SHA-256 ECDSA, SHA-256 RSA, then the SHA-1
   * forms), or empty for an unsigned file.
   */
  public Optional<CodeSignature> signature() {
    return signatures.entrySet().stream().findFirst().map(e -> new CodeSignature(e.getKey(), e.getValue()));
  }

  /** The signature of one algorithm, if the entry carries it. */
  public Optional<CodeSignature> signature(SignatureAlgorithm algorithm) {
    String v = signatures.get(algorithm);
    return v == null ? Optional.empty() : Optional.of(new CodeSignature(algorithm, v));
  }

  /** {@code fileType}, if the entry has one. */
  public OptionalInt type() {
    return fileType == null ? OptionalInt.empty() : OptionalInt.of(fileType);
  }

  /** The number of blocks of {@code blockSize} bytes the file takes. */
  public long blocks(int blockSize) {
    return (size + blockSize - 1) / blockSize;
  }

  /** No URL: pre-signed URLs are credentials and must not reach logs. */
  @Override
  public String toString() {
    return "OtaFile[#" + index + " " + filepath + ", " + size + " bytes, id " + fileId
        + (fileType == null ? "" : ", type " + fileType)
        + (updateDataUrl == null ? "" : ", url (redacted)")
        + (signatures.isEmpty() ? ", unsigned" : ", " + signatures.keySet().iterator().next().documentKey()) + "]";
  }
}
