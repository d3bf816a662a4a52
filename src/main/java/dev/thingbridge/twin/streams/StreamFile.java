package dev.thingbridge.twin.streams;

import java.util.Objects;

/**
 * One file of a stream.
 *
 * @param fileId its id in the stream (0-255)
 * @param source its bytes
 * @param location the S3 location it was created from, or null for a file given directly
 */
public record StreamFile(int fileId, FileSource source, S3Location location) {
  public StreamFile {
    if (fileId < 0 || fileId > 255) {
      throw new IllegalArgumentException("fileId must be 0-255: " + fileId);
    }
    Objects.requireNonNull(source, "source");
  }

  /** A file given directly, without an S3 location. */
  public StreamFile(int fileId, FileSource source) {
    this(fileId, source, null);
  }
}
