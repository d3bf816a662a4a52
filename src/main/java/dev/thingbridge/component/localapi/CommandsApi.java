package dev.thingbridge.component.localapi;

import com.fasterxml.jackson.databind.JsonNode;
import dev.thingbridge.commands.CommandOutcome;
import dev.thingbridge.commands.CommandResultValue;
import dev.thingbridge.commands.CommandStatus;
import dev.thingbridge.commands.CommandStatusReason;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.function.BooleanSupplier;

/**
 * The {@code commands} service: {@code claim} a command by name on a thing, {@code release} it, {@code finish} its
 * executions. The result is a map of plain strings and booleans, or typed values ({@code {"s":..}}, {@code
 * {"b":..}}, {@code {"bin":"<base64>"}}). See {@link CommandClaims}.
 */
public final class CommandsApi implements ApiService {
  private final HostedThings things;
  private final CommandClaims claims;
  private final BooleanSupplier enabled;

  public CommandsApi(HostedThings things, CommandClaims claims, BooleanSupplier enabled) {
    this.things = Objects.requireNonNull(things, "things");
    this.claims = Objects.requireNonNull(claims, "claims");
    this.enabled = Objects.requireNonNull(enabled, "enabled");
  }

  @Override
  public String name() {
    return "commands";
  }

  @Override
  public Set<String> operations() {
    return Set.of("claim", "release", "finish");
  }

  @Override
  public CompletableFuture<JsonNode> handle(ApiCall call) {
    if (!enabled.getAsBoolean()) {
      throw ApiException.notEnabled("commands are turned off (commands.enabled)");
    }
    String thing = things.resolve(call);
    return switch (call.operation()) {
      case "claim" -> JobsApi.done(claims.claim(call.caller(), thing, call.text("name")));
      case "release" -> JobsApi.done(claims.release(call.caller(), thing, call.text("name")));
      case "finish" -> claims.finish(call.caller(), thing, call.text("executionId"), outcome(call));
      default -> throw new IllegalStateException(call.operation());
    };
  }

  private static CommandOutcome outcome(ApiCall call) {
    String status = call.text("status");
    CommandStatus s;
    try {
      s = CommandStatus.valueOf(status);
    } catch (IllegalArgumentException e) {
      s = null;
    }
    if (s != CommandStatus.SUCCEEDED && s != CommandStatus.FAILED && s != CommandStatus.REJECTED) {
      throw ApiException.badRequest("'status' must be SUCCEEDED, FAILED or REJECTED, not " + status);
    }
    try {
      CommandStatusReason reason = call.optionalText("reasonCode")
          .map(code -> CommandStatusReason.fitted(code, call.optionalText("reasonDescription").orElse(null)))
          .orElse(null);
      Map<String, CommandResultValue> result = result(call);
      return new CommandOutcome(s, reason, result.isEmpty() ? null : result);
    } catch (IllegalArgumentException e) {
      throw ApiException.badRequest(e.getMessage());
    }
  }

  private static Map<String, CommandResultValue> result(ApiCall call) {
    Map<String, CommandResultValue> out = new LinkedHashMap<>();
    call.optionalObject("result").ifPresent(r -> r.fields().forEachRemaining(e -> {
      JsonNode v = e.getValue();
      CommandResultValue value;
      if (v.isTextual()) {
        value = CommandResultValue.of(v.asText());
      } else if (v.isBoolean()) {
        value = CommandResultValue.of(v.asBoolean());
      } else if (v.isObject() && v.size() == 1 && v.path("s").isTextual()) {
        value = CommandResultValue.of(v.get("s").asText());
      } else if (v.isObject() && v.size() == 1 && v.path("b").isBoolean()) {
        value = CommandResultValue.of(v.get("b").asBoolean());
      } else if (v.isObject() && v.size() == 1 && v.path("bin").isTextual()) {
        value = CommandResultValue.of(Base64.getDecoder().decode(v.get("bin").asText()));
      } else if (v.isNumber()) {
        value = CommandResultValue.of(v.asText());
      } else {
        throw ApiException.badRequest("result." + e.getKey() + " must be a string, a boolean, a number, or "
            + "{\"s\":..}, {\"b\":..}, {\"bin\":\"<base64>\"}");
      }
      out.put(e.getKey(), value);
    }));
    return out;
  }
}
