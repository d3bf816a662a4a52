package dev.thingbridge.commands;

import java.util.regex.Pattern;

/**
 * Why an execution has its status: a code of 1-64 characters of {@code [A-Z0-9_-]} and an optional
 * description of up to 1024 characters without control characters. Checked here, before anything is sent.
 */
public record CommandStatusReason(String reasonCode, String reasonDescription) {
  private static final Pattern CODE = Pattern.compile("[A-Z0-9_-]{1,64}");

  public CommandStatusReason {
    if (reasonCode == null || !CODE.matcher(reasonCode).matches()) {
      throw new IllegalArgumentException("reasonCode must be 1-64 characters of [A-Z0-9_-]: " + reasonCode);
    }
    if (reasonDescription != null) {
      if (reasonDescription.length() > 1024) {
        throw new IllegalArgumentException(
            "reasonDescription must be at most 1024 characters, got " + reasonDescription.length());
      }
      if (reasonDescription.chars().anyMatch(Character::isISOControl)) {
        throw new IllegalArgumentException("reasonDescription must not contain control characters");
      }
    }
  }

  public static CommandStatusReason of(String code) {
    return new CommandStatusReason(code, null);
  }

  /** A reason whose free-text description is made to fit: control characters become spaces, cut to 1024. */
  public static CommandStatusReason fitted(String code, String description) {
    if (description == null) {
      return new CommandStatusReason(code, null);
    }
    String d = description.codePoints().map(c -> Character.isISOControl(c) ? ' ' : c)
        .collect(StringBuilder::new, StringBuilder::appendCodePoint, StringBuilder::append).toString()
        .replaceAll(" {2,}", " ").strip();
    if (d.length() > 1024) {
      d = "..." + d.substring(d.length() - 1021);
    }
    return new CommandStatusReason(code, d.isEmpty() ? null : d);
  }
}
