package dev.thingbridge.twin.commands;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;

/**
 * StartCommandExecution's input (iot-jobs-data {@code POST /command-executions}).
 *
 * @param targetArn the thing or client ARN
 * @param commandArn the command's ARN
 * @param parameters parameter values (may be empty)
 * @param executionTimeoutSeconds seconds the device has (1 to 43200), or null for the default of 10
 * @param clientToken idempotency token (1-64 printable characters), or null
 */
public record StartCommandExecutionRequest(
    String targetArn,
    String commandArn,
    Map<String, ParameterValue> parameters,
    Long executionTimeoutSeconds,
    String clientToken) {
  public StartCommandExecutionRequest {
    Objects.requireNonNull(parameters, "parameters");
    parameters = Collections.unmodifiableMap(new LinkedHashMap<>(parameters));
  }

  /** A request without parameters, default timeout and no client token. */
  public static StartCommandExecutionRequest of(String targetArn, String commandArn) {
    return new StartCommandExecutionRequest(targetArn, commandArn, Map.of(), null, null);
  }

  /** A copy with another timeout. */
  public StartCommandExecutionRequest withTimeout(long seconds) {
    return new StartCommandExecutionRequest(targetArn, commandArn, parameters, seconds, clientToken);
  }

  /** A copy with another client token. */
  public StartCommandExecutionRequest withClientToken(String token) {
    return new StartCommandExecutionRequest(targetArn, commandArn, parameters, executionTimeoutSeconds, token);
  }

  /** A copy with other parameters. */
  public StartCommandExecutionRequest withParameters(Map<String, ParameterValue> values) {
    return new StartCommandExecutionRequest(targetArn, commandArn, values, executionTimeoutSeconds, clientToken);
  }
}
