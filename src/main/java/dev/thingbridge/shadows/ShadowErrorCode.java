package dev.thingbridge.shadows;

/**
 * The {@code code} of a Device Shadow {@code rejected} reply, as AWS IoT documents it
 * (https://docs.aws.amazon.com/iot/latest/developerguide/device-shadow-error-messages.html). Unlike rustot, 400 is
 * not folded into "not found".
 */
public enum ShadowErrorCode {
  /** 400: invalid JSON, a missing or malformed node, invalid version or clientToken, too deep. */
  BAD_REQUEST(400),
  /** 401. */
  UNAUTHORIZED(401),
  /** 403: the policy does not allow it. */
  FORBIDDEN(403),
  /** 404: the thing or the shadow does not exist. */
  NOT_FOUND(404),
  /** 409: the update's {@code version} is not the document's (optimistic locking). */
  VERSION_CONFLICT(409),
  /** 413: the document would exceed the size limit (8 KB of state). */
  PAYLOAD_TOO_LARGE(413),
  /** 415: not UTF-8. */
  UNSUPPORTED_ENCODING(415),
  /** 429: too many requests in flight or per second. */
  TOO_MANY_REQUESTS(429),
  /** 500. */
  INTERNAL_ERROR(500),
  /** Any other code. */
  UNKNOWN(0),
  /**
   * Not an answer of the cloud: the {@link ShadowManager} does not manage this shadow (never added, or removed
   * since), so no request was sent.
   */
  NOT_MANAGED(0);

  private final int status;

  ShadowErrorCode(int status) {
    this.status = status;
  }

  /** The HTTP-like status, 0 for {@link #UNKNOWN} and {@link #NOT_MANAGED}. */
  public int status() {
    return status;
  }

  /** The code for a status; {@link #UNKNOWN} for anything undocumented. */
  public static ShadowErrorCode of(int status) {
    for (ShadowErrorCode c : values()) {
      if (c.status == status && c.status != 0) {
        return c;
      }
    }
    return UNKNOWN;
  }

  /** Whether retrying the same request later may succeed (throttling, service errors). */
  public boolean isTransient() {
    return this == TOO_MANY_REQUESTS || this == INTERNAL_ERROR;
  }
}
