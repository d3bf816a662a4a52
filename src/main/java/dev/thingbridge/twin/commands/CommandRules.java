package dev.thingbridge.twin.commands;

import dev.thingbridge.twin.http.AwsApiException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/** CreateCommand's validation and StartCommandExecution's parameter resolution. */
final class CommandRules {
  private static final String FLEETWISE = "AWS-IoT-FleetWise";

  private CommandRules() {}

  /** Checks a CreateCommand input against AWS's rules. */
  public static void validate(CommandSpec spec, CommandsSettings settings) {
    if (!CommandServiceTopics.isValidCommandId(spec.commandId())) {
      throw validation("commandId must be 1 to 64 characters of [a-zA-Z0-9_-]: " + spec.commandId());
    }
    if (FLEETWISE.equals(spec.namespace())) {
      throw validation("Namespace AWS-IoT-FleetWise is not supported by this twin.");
    }
    if (!CommandSpec.NAMESPACE_AWS_IOT.equals(spec.namespace())) {
      throw validation("namespace must be AWS-IoT or AWS-IoT-FleetWise: " + spec.namespace());
    }
    if (spec.payload().length == 0) {
      throw validation("A payload is required for commands in the AWS-IoT namespace.");
    }
    if (spec.payload().length > settings.maxPayloadBytes()) {
      throw validation("payload.content must be at most " + settings.maxPayloadBytes() + " bytes.");
    }
    if (spec.contentType() != null && spec.contentType().isEmpty()) {
      throw validation("payload.contentType must not be empty.");
    }
    if (spec.displayName() != null && spec.displayName().length() > 64) {
      throw validation("displayName must be at most 64 characters long.");
    }
    if (spec.description() != null && spec.description().length() > 2028) {
      throw validation("description must be at most 2028 characters long.");
    }
    List<String> names = new ArrayList<>();
    for (CommandParameter p : spec.mandatoryParameters()) {
      if (names.contains(p.name())) {
        throw validation("mandatoryParameters has " + p.name() + " twice.");
      }
      names.add(p.name());
    }
  }

  /** The execution's parameters: the given ones plus the command's fixed or default mandatory values. */
  public static Map<String, ParameterValue> parameters(Command command, Map<String, ParameterValue> given) {
    Map<String, ParameterValue> out = new LinkedHashMap<>();
    for (Map.Entry<String, ParameterValue> e : given.entrySet()) {
      if (!CommandParameter.isValidName(e.getKey())) {
        throw validation("Parameter names must be 1 to 192 characters of [.$a-zA-Z0-9_-]: " + e.getKey());
      }
      out.put(e.getKey(), Objects.requireNonNull(e.getValue()));
    }
    for (CommandParameter p : command.spec().mandatoryParameters()) {
      if (out.containsKey(p.name())) {
        continue;
      }
      ParameterValue fallback = p.value() != null ? p.value() : p.defaultValue();
      if (fallback == null) {
        throw validation("Missing the mandatory parameter " + p.name() + ".");
      }
      out.put(p.name(), fallback);
    }
    return out;
  }

  private static AwsApiException validation(String message) {
    return new AwsApiException(400, "ValidationException", message);
  }
}
