package dev.thingbridge.twin.commands;

import java.util.Objects;
import java.util.regex.Pattern;

/**
 * A mandatory parameter of a command ({@code mandatoryParameters} of CreateCommand): StartCommandExecution must
 * give it a value unless it has a default.
 *
 * @param name 1-192 characters of {@code [.$a-zA-Z0-9_-]}
 * @param value a fixed value, or null
 * @param defaultValue the value used when StartCommandExecution gives none, or null
 * @param description free text, or null
 */
public record CommandParameter(String name, ParameterValue value, ParameterValue defaultValue, String description) {
  private static final Pattern NAME = Pattern.compile("[.$a-zA-Z0-9_-]{1,192}");

  public CommandParameter {
    Objects.requireNonNull(name, "name");
    if (!isValidName(name)) {
      throw new IllegalArgumentException("invalid parameter name: " + name);
    }
  }

  /** Whether {@code name} is a valid parameter name. */
  public static boolean isValidName(String name) {
    return name != null && NAME.matcher(name).matches();
  }
}
