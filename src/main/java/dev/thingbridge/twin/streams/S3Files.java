package dev.thingbridge.twin.streams;

import dev.thingbridge.twin.http.AwsApiException;
import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;

/**
 * The twin's stand-in for S3: an S3 location names a local file. A key that is an absolute path names that file
 * (whatever the bucket); any other key names {@code <root>/<bucket>/<key>}, where the root is {@code
 * <state-dir>/s3} (or the one given). The file is read when a device asks for it, so it must stay where it is.
 */
public final class S3Files {
  private final Path root;

  public S3Files(Path root) {
    this.root = root == null ? null : root.toAbsolutePath().normalize();
  }

  /** The root of relative keys, or null when only absolute keys work. */
  public Path root() {
    return root;
  }

  /**
   * The file a location names, which must exist.
   *
   * @throws AwsApiException InvalidRequestException for a bad location, ResourceNotFoundException when the file
   *     is missing
   */
  public Path resolve(S3Location location) {
    if (location.bucket().isBlank() || location.key().isBlank()) {
      throw AwsApiException.invalidRequest("s3Location needs a bucket and a key");
    }
    Path file;
    try {
      Path key = Path.of(location.key());
      if (key.isAbsolute()) {
        file = key.normalize();
      } else {
        if (root == null) {
          throw AwsApiException.invalidRequest("s3Location key " + location.key()
              + " is relative, and the twin has no state directory: give an absolute path as the key");
        }
        Path bucket = root.resolve(location.bucket()).normalize();
        file = bucket.resolve(key).normalize();
        if (!bucket.startsWith(root) || !file.startsWith(bucket) || bucket.equals(root)) {
          throw AwsApiException.invalidRequest("s3Location " + location.bucket() + "/" + location.key()
              + " leads out of " + root);
        }
      }
    } catch (InvalidPathException e) {
      throw AwsApiException.invalidRequest("s3Location key is not a valid path: " + location.key());
    }
    if (!Files.isRegularFile(file)) {
      throw AwsApiException.notFound("no S3 object " + location.bucket() + "/" + location.key() + " (the twin reads "
          + file + ")");
    }
    return file;
  }

  /** The file of a location as a source the stream service and the file server read. */
  public FileSource source(S3Location location) {
    return FileSource.of(resolve(location));
  }
}
