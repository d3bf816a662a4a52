package dev.thingbridge.twin.streams;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.thingbridge.twin.http.ApiJson;
import dev.thingbridge.twin.http.AwsApiException;
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

  /** Reads an {@code s3Location} object of the AWS API; one without a bucket or a key is an invalid request. */
  public static S3Location fromJson(JsonNode n) {
    if (n == null || !n.isObject()) {
      throw AwsApiException.invalidRequest("s3Location is required");
    }
    String bucket = ApiJson.text(n, "bucket");
    String key = ApiJson.text(n, "key");
    if (bucket == null || key == null) {
      throw AwsApiException.invalidRequest("s3Location needs a bucket and a key");
    }
    return new S3Location(bucket, key, ApiJson.text(n, "version"));
  }

  /** This location as AWS renders it. */
  public ObjectNode toJson() {
    ObjectNode o = ApiJson.MAPPER.createObjectNode();
    o.put("bucket", bucket);
    o.put("key", key);
    if (version != null) {
      o.put("version", version);
    }
    return o;
  }
}
