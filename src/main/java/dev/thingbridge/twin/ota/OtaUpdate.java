package dev.thingbridge.twin.ota;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.Instant;
import java.util.List;
import java.util.Objects;

/**
 * An OTA update as AWS IoT's GetOTAUpdate reports it.
 *
 * @param otaUpdateId the id
 * @param otaUpdateArn {@code arn:aws:iot:<region>:<account>:otaupdate/<id>}
 * @param description or null
 * @param targets thing ARNs
 * @param protocols {@code MQTT} and/or {@code HTTP}
 * @param targetSelection {@code SNAPSHOT}
 * @param files the files as the request gave them ({@code otaUpdateFiles})
 * @param status {@code CREATE_COMPLETE} once its job exists
 * @param jobId {@code AFR_OTA-<id>}
 * @param jobArn the job's ARN
 * @param streamId the stream it created for MQTT delivery, or null
 * @param presignedUrlExpirySeconds how long its HTTP URLs are good for
 * @param fileKeys the keys its files are served under by the file server (HTTP), in file order
 * @param createdAt when it was created
 * @param lastModifiedAt when it last changed
 */
public record OtaUpdate(String otaUpdateId, String otaUpdateArn, String description, List<String> targets,
    List<String> protocols, String targetSelection, JsonNode files, String status, String jobId, String jobArn,
    String streamId, long presignedUrlExpirySeconds, List<String> fileKeys, Instant createdAt, Instant lastModifiedAt) {
  public OtaUpdate {
    Objects.requireNonNull(otaUpdateId, "otaUpdateId");
    targets = List.copyOf(targets);
    protocols = List.copyOf(protocols);
    fileKeys = List.copyOf(fileKeys);
  }

  /** The job AWS (and the twin) create for an OTA update. */
  public static String jobIdOf(String otaUpdateId) {
    return "AFR_OTA-" + otaUpdateId;
  }
}
