package dev.thingbridge.shadows.model;

/**
 * The error document of a {@code rejected} reply.
 *
 * @param code the HTTP-like status (400, 401, 403, 404, 409, 413, 415, 429, 500)
 * @param message the cloud's explanation, empty when it gave none
 * @param timestamp epoch seconds, or null (not always sent)
 * @param clientToken the request's token, or null
 */
public record ShadowError(int code, String message, Long timestamp, String clientToken) {
  public ShadowError {
    message = message == null ? "" : message;
  }
}
