package dev.thingbridge.twin.streams;

import java.util.Objects;

/**
 * Where AWS would read a file from S3. The twin reads a local file instead (see {@link S3Files}).
 *
 * @param bucket the bucket
 * @param key the key
 * @param version the object version, or null
 */
public record S3Location(String bucket, String key, String version) {
  public S3Location {
    Objects.requireNonNull(bucket, "bucket");
    Objects.requireNonNull(key, "key");
  }
}
