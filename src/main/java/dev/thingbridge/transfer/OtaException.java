package dev.thingbridge.transfer;

import java.util.Objects;

/**
 * An OTA job that could not be completed. {@link #code()} is what is reported to the cloud; the message adds
 * the detail for logs (never a pre-signed URL).
 */
public class OtaException extends Exception {
  private final OtaErrorCode code;

  public OtaException(OtaErrorCode code, String message) {
    super(message);
    this.code = Objects.requireNonNull(code, "code");
  }

  public OtaException(OtaErrorCode code, String message, Throwable cause) {
    super(message, cause);
    this.code = Objects.requireNonNull(code, "code");
  }

  /** Why, as reported in {@code statusDetails}. */
  public OtaErrorCode code() {
    return code;
  }
}
