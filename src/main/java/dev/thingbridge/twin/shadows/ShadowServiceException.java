package dev.thingbridge.twin.shadows;

/**
 * A shadow request the Device Shadow service rejected: the {@code code} and {@code message} of the error
 * document AWS IoT publishes on {@code .../rejected} (and answers over HTTP with the matching status).
 */
public class ShadowServiceException extends RuntimeException {
  private final int code;

  /**
   * @param code the HTTP-style error code (400, 401, 403, 404, 409, 413, 415, 429, 500)
   * @param message the documented message, e.g. {@code Version conflict}
   */
  public ShadowServiceException(int code, String message) {
    super(message);
    this.code = code;
  }

  /** The HTTP-style error code. */
  public int code() {
    return code;
  }

  static ShadowServiceException badRequest(String message) {
    return new ShadowServiceException(400, message);
  }
}
