package dev.thingbridge.commands;

import java.util.Objects;

/**
 * A commands topic, parsed. {@code format} is null for the generic request topic ({@code .../request}),
 * which carries payloads that are neither JSON nor CBOR.
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
