package dev.thingbridge.twin.streams;

import java.time.Instant;
import java.util.List;
import java.util.Objects;
import java.util.regex.Pattern;

/**
 * A stream as AWS IoT's CreateStream defines it: 1-50 files, each under a file id, served to devices over MQTT.
 *
 * @param streamId 1-128 of {@code [a-zA-Z0-9_-]}
 * @param version incremented by each UpdateStream (starts at 1)
 * @param description or null
 * @param files the files, by id
 * @param createdAt when it was created
 * @param lastUpdatedAt when it last changed
 */
public record StreamDefinition(String streamId, int version, String description, List<StreamFile> files,
    Instant createdAt, Instant lastUpdatedAt) {
  private static final Pattern ID = Pattern.compile("[a-zA-Z0-9_-]{1,128}");

  public StreamDefinition {
    Objects.requireNonNull(streamId, "streamId");
    if (!ID.matcher(streamId).matches()) {
      throw new IllegalArgumentException("stream id must be 1-128 of [a-zA-Z0-9_-]: " + streamId);
    }
    files = List.copyOf(files);
    if (files.isEmpty() || files.size() > 50) {
      throw new IllegalArgumentException("a stream holds 1-50 files, not " + files.size());
    }
    if (files.stream().map(StreamFile::fileId).distinct().count() != files.size()) {
      throw new IllegalArgumentException("file ids of a stream must differ");
    }
  }

  /** A version-1 stream created now. */
  public static StreamDefinition of(String streamId, String description, List<StreamFile> files) {
    Instant now = Instant.now();
    return new StreamDefinition(streamId, 1, description, files, now, now);
  }

  /** Whether {@code id} is a valid stream id. */
  public static boolean isValidId(String id) {
    return id != null && ID.matcher(id).matches();
  }

  /** The file with this id, or null. */
  public StreamFile file(int fileId) {
    for (StreamFile f : files) {
      if (f.fileId() == fileId) {
        return f;
      }
    }
    return null;
  }
}
