package dev.thingbridge.twin.commands;

import java.util.Objects;
import java.util.regex.Pattern;

/**
 * Why an execution has its status: {@code statusReason} of UpdateCommandExecution and GetCommandExecution.
 *
 * <p>A device's reason code is 1-64 characters of {@code [A-Z0-9_-]} and its description at most 1024 characters
 * without control characters ({@link #validateDeviceReason}). The cloud's own timeout uses the reserved code
 * {@code $NO_RESPONSE_FROM_DEVICE}, which a device may not send.
 *
 * @param reasonCode the code
 * @param reasonDescription the description, or null
 */
public record StatusReason(String reasonCode, String reasonDescription) {
  /** The code AWS sets when the execution timed out without a final report. */
  public static final String NO_RESPONSE_FROM_DEVICE = "$NO_RESPONSE_FROM_DEVICE";

  private static final Pattern DEVICE_CODE = Pattern.compile("[A-Z0-9_-]+");
  /** Longest reason code. */
  public static final int MAX_CODE_LENGTH = 64;
  /** Longest reason description. */
  public static final int MAX_DESCRIPTION_LENGTH = 1024;

  public StatusReason {
    Objects.requireNonNull(reasonCode, "reasonCode");
  }

  /**
   * Checks a reason reported by a device.
   *
   * @return null if it is valid, else what is wrong with it
   */
  public static String validateDeviceReason(String code, String description) {
    if (code == null) {
      return "statusReason.reasonCode is required when statusReason is present";
    }
    if (code.isEmpty() || code.length() > MAX_CODE_LENGTH) {
      return "statusReason.reasonCode must be 1 to " + MAX_CODE_LENGTH + " characters long";
    }
    if (!DEVICE_CODE.matcher(code).matches()) {
      return "statusReason.reasonCode must match the pattern [A-Z0-9_-]+";
    }
    if (description != null) {
      if (description.length() > MAX_DESCRIPTION_LENGTH) {
        return "statusReason.reasonDescription must be at most " + MAX_DESCRIPTION_LENGTH + " characters long";
      }
      for (int i = 0; i < description.length(); i++) {
        if (Character.isISOControl(description.charAt(i))) {
          return "statusReason.reasonDescription must not contain control characters";
        }
      }
    }
    return null;
  }
}
