package dev.thingbridge.transfer;

/**
 * A platform operation failed. The code is a platform error (1xxx) such as {@link OtaErrorCode#FILE_WRITE_FAILED}
 * or {@link OtaErrorCode#COMMIT_FAILED}, or {@link OtaErrorCode#INVALID_FILE_PATH} for a refused destination.
 */
public final class OtaPlatformException extends OtaException {
  public OtaPlatformException(OtaErrorCode code, String message) {
    super(code, message);
  }

  public OtaPlatformException(OtaErrorCode code, String message, Throwable cause) {
    super(code, message, cause);
  }
}
