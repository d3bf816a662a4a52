package dev.thingbridge.commands;

import dev.thingbridge.mqtt.AwsNames;
import java.time.Duration;
import java.util.Objects;
import java.util.Optional;

/**
 * A command execution delivered to the device. The execution id comes from the topic. For the JSON and
 * CBOR topics the payload is decoded into the agent's payload type; for the generic topic (any other
 * content type) {@link #payload()} is null and the bytes are in {@link #rawPayload()} with the MQTT 5
 * content type.
 *
 * @param executionId the execution id (1-64 characters)
 * @param format the payload format, or null for the generic topic
 * @param payload the decoded payload, or null for the generic topic
 * @param rawPayload the payload bytes as received
 * @param contentType the MQTT 5 content type, when the cloud sent one
 * @param timeout the time left before the cloud marks the execution TIMED_OUT (MQTT 5 message expiry), if known
 * @param <T> the payload type
 */
public record CommandRequest<T>(String executionId, CommandFormat format, T payload, byte[] rawPayload,
    String contentType, Duration timeout) {
  public CommandRequest {
    AwsNames.requireExecutionId(executionId);
    rawPayload = Objects.requireNonNull(rawPayload, "rawPayload").clone();
  }

  @Override
  public byte[] rawPayload() {
    return rawPayload.clone();
  }

  public Optional<String> contentTypeIfAny() {
    return Optional.ofNullable(contentType);
  }

  public Optional<Duration> timeoutIfKnown() {
    return Optional.ofNullable(timeout);
  }
}
