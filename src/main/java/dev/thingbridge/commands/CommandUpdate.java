package dev.thingbridge.commands;

import dev.thingbridge.mqtt.AwsNames;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;

/**
 * UpdateCommandExecution: the status the device publishes to {@code .../executions/{id}/response/{format}}.
 *
 * @param executionId echoed in the payload (optional on the wire; the topic names the execution)
 * @param status the new status
 * @param statusReason why, or null
 * @param result named typed results (empty for none); insertion order is kept on the wire
 */
public record CommandUpdate(
    String executionId, CommandStatus status, CommandStatusReason statusReason,
    Map<String, CommandResultValue> result) {
  public CommandUpdate {
    if (executionId != null) {
      AwsNames.requireExecutionId(executionId);
    }
    Objects.requireNonNull(status, "status");
    if (status == CommandStatus.UNKNOWN) {
      throw new IllegalArgumentException("UNKNOWN is not a status to send");
    }
    Map<String, CommandResultValue> copy = new LinkedHashMap<>();
    if (result != null) {
      result.forEach((k, v) -> {
        if (k == null || k.isEmpty()) {
          throw new IllegalArgumentException("result names must not be empty");
        }
        copy.put(k, Objects.requireNonNull(v, "result value of " + k));
      });
    }
    result = Collections.unmodifiableMap(copy);
  }
}
