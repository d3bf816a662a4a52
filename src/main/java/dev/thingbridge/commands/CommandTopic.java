package dev.thingbridge.commands;

import java.util.Objects;

/**
 * A commands topic, parsed. {@code format} is null for a topic without a format suffix: the generic request
 * ({@code .../request}), which carries payloads that are neither JSON nor CBOR, or a bare {@code .../response}
 * (and its accepted and rejected replies), which AWS reads as JSON.
 */
public record CommandTopic(CommandTopics.DeviceType deviceType, String deviceId, Kind kind, String executionId,
    CommandFormat format) {
  /** The topics of one execution. */
  public enum Kind { REQUEST, RESPONSE, ACCEPTED, REJECTED }

  public CommandTopic {
    Objects.requireNonNull(deviceType, "deviceType");
    Objects.requireNonNull(deviceId, "deviceId");
    Objects.requireNonNull(kind, "kind");
    Objects.requireNonNull(executionId, "executionId");
  }
}
