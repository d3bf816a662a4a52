package dev.thingbridge.component.localapi;

import dev.thingbridge.sibling.LocalApiErrorCode;
import java.util.Objects;

/** A local API request that fails with a code and a one-line message for the caller. */
public class ApiException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  private final LocalApiErrorCode code;

  public ApiException(LocalApiErrorCode code, String message) {
    super(message);
    this.code = Objects.requireNonNull(code, "code");
  }

  public ApiException(LocalApiErrorCode code, String message, Throwable cause) {
    super(message, cause);
    this.code = Objects.requireNonNull(code, "code");
  }

  public LocalApiErrorCode code() {
    return code;
  }

  public static ApiException badRequest(String message) {
    return new ApiException(LocalApiErrorCode.BAD_REQUEST, message);
  }

  public static ApiException notFound(String message) {
    return new ApiException(LocalApiErrorCode.NOT_FOUND, message);
  }

  public static ApiException conflict(String message) {
    return new ApiException(LocalApiErrorCode.CONFLICT, message);
  }

  public static ApiException notEnabled(String message) {
    return new ApiException(LocalApiErrorCode.NOT_ENABLED, message);
  }
}
