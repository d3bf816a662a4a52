package dev.thingbridge.commands;

import java.util.Locale;

/**
 * The error of a commands {@code rejected} reply. AWS documents CamelCase names but the service was seen
 * sending UPPER_SNAKE ({@code TERMINAL_STATE_REACHED}); both read the same, anything else is {@link #UNKNOWN}.
 */
public enum CommandErrorCode {
  INVALID_TOPIC, INVALID_JSON, INVALID_REQUEST, INVALID_STATE_TRANSITION, RESOURCE_NOT_FOUND, VERSION_MISMATCH,
  INTERNAL_ERROR, REQUEST_THROTTLED, TERMINAL_STATE_REACHED, UNKNOWN;

  public static CommandErrorCode fromWire(String value) {
    if (value == null) {
      return UNKNOWN;
    }
    String squashed = value.replace("_", "").toLowerCase(Locale.ROOT);
    for (CommandErrorCode c : values()) {
      if (c.name().replace("_", "").toLowerCase(Locale.ROOT).equals(squashed)) {
        return c;
      }
    }
    return UNKNOWN;
  }
}
