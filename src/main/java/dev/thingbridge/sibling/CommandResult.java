package dev.thingbridge.sibling;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;

/**
 * How a command ended in this sibling.
 *
 * @param status {@code SUCCEEDED}, {@code FAILED} or {@code REJECTED}
 * @param reasonCode for FAILED and REJECTED: {@code [A-Z0-9_-]}, at most 64 characters
 * @param reasonDescription a line for people, or null
 * @param result for SUCCEEDED: name to a String, a Boolean or a byte[] (AWS IoT's {@code s}, {@code b}, {@code bin})
 */
public record CommandResult(String status, String reasonCode, String reasonDescription, Map<String, Object> result) {
  public CommandResult {
    Objects.requireNonNull(status, "status");
    result = result == null ? Map.of() : new LinkedHashMap<>(result);
    for (Object v : result.values()) {
      if (!(v instanceof String || v instanceof Boolean || v instanceof byte[])) {
        throw new IllegalArgumentException("a command result value is a String, a Boolean or a byte[]: " + v);
      }
    }
  }

  public static CommandResult succeeded(Map<String, Object> result) {
    return new CommandResult("SUCCEEDED", null, null, result);
  }

  public static CommandResult failed(String reasonCode, String description) {
    return new CommandResult("FAILED", reasonCode, description, null);
  }

  public static CommandResult rejected(String reasonCode, String description) {
    return new CommandResult("REJECTED", reasonCode, description, null);
  }
}
