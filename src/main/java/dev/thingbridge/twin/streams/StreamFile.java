package dev.thingbridge.twin.streams;

import java.util.Objects;

/**
 * One file of a stream.
 *
 * @param fileId its id in the stream (0-255)
 * @param source its bytes
 */
public record StreamFile(int fileId, FileSource source) {
  public StreamFile {
    if (fileId < 0 || fileId > 255) {
      throw new IllegalArgumentException("fileId must be 0-255: " + fileId);
    }
    Objects.requireNonNull(source, "source");
  }
}
