package dev.thingbridge.cli;

import dev.thingbridge.internal.HandlerProcess;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.thingbridge.commands.CommandCodec;
import dev.thingbridge.commands.CommandHandler;
import dev.thingbridge.commands.CommandOutcome;
import dev.thingbridge.commands.CommandRequest;
import dev.thingbridge.commands.CommandResultValue;
import java.time.Duration;
import java.time.Instant;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The {@code commands handle} handler: runs a command line per execution with the payload bytes on standard
 * input ({@code THINGBRIDGE_EXECUTION_ID}, {@code THINGBRIDGE_COMMAND_FORMAT}, {@code
 * THINGBRIDGE_CONTENT_TYPE} in the environment). Exit 0 is SUCCEEDED with standard output (a JSON object)
 * as the result: strings, numbers and booleans as {@code s}/{@code b}, or explicit {@code {"s"|"b"|"bin":..}}
 * values. Another exit code is FAILED with reason code {@code HANDLER_EXIT_<n>} and the last lines of
 * standard error.
 */
final class ProcessCommandHandler implements CommandHandler<JsonNode> {
  private static final ObjectMapper JSON = new ObjectMapper();

  private final List<String> command;
  private final Duration timeout;

  ProcessCommandHandler(List<String> command, Duration timeout) {
    this.command = List.copyOf(command);
    this.timeout = timeout;
  }

  @Override
  public CommandOutcome handle(CommandRequest<JsonNode> request) throws Exception {
    Map<String, String> env = new LinkedHashMap<>();
    env.put("THINGBRIDGE_EXECUTION_ID", request.executionId());
    env.put("THINGBRIDGE_COMMAND_FORMAT", request.format() == null ? "raw" : request.format().suffix());
    request.contentTypeIfAny().ifPresent(c -> env.put("THINGBRIDGE_CONTENT_TYPE", c));
    HandlerProcess.Result r = HandlerProcess.run(command, null, env, request.rawPayload(),
        Instant.now().plus(timeout), () -> false, HandlerProcess.LineObserver.NONE);
    if (r.timedOut()) {
      return CommandOutcome.failed("HANDLER_TIMEOUT", "stopped after " + timeout.toSeconds() + " s");
    }
    if (r.exitCode() != 0) {
      return CommandOutcome.failed("HANDLER_EXIT_" + r.exitCode(), r.stderrSummary());
    }
    try {
      return CommandOutcome.succeeded(results(r.stdout()));
    } catch (IllegalArgumentException e) {
      return CommandOutcome.failed("BAD_HANDLER_OUTPUT", e.getMessage());
    }
  }

  /** The result map from a handler's standard output; empty output gives no results. */
  static Map<String, CommandResultValue> results(byte[] stdout) {
    String text = new String(stdout, java.nio.charset.StandardCharsets.UTF_8).strip();
    if (text.isEmpty()) {
      return Map.of();
    }
    JsonNode root;
    try {
      root = JSON.readTree(text);
    } catch (Exception e) {
      throw new IllegalArgumentException("standard output is not JSON: " + e.getMessage());
    }
    if (root == null || !root.isObject()) {
      throw new IllegalArgumentException("standard output must be a JSON object of results");
    }
    Map<String, CommandResultValue> result = new LinkedHashMap<>();
    for (Iterator<Map.Entry<String, JsonNode>> it = root.fields(); it.hasNext(); ) {
      Map.Entry<String, JsonNode> e = it.next();
      JsonNode v = e.getValue();
      if (v.isBoolean()) {
        result.put(e.getKey(), CommandResultValue.of(v.booleanValue()));
      } else if (v.isTextual() || v.isNumber()) {
        result.put(e.getKey(), CommandResultValue.of(v.asText()));
      } else if (v.isObject()) {
        result.put(e.getKey(), CommandCodec.resultValue(e.getKey(), v));
      } else {
        throw new IllegalArgumentException("result '" + e.getKey() + "' must be a string, number, boolean or "
            + "{\"s\"|\"b\"|\"bin\": ...}");
      }
    }
    return result;
  }
}
