package dev.thingbridge.twin;

import dev.thingbridge.twin.http.AwsApiException;

/**
 * A change could not be made durable (the database refused the commit: disk full, I/O error, ...): the
 * operation had no effect and the control plane answers AWS's internal failure (HTTP 500,
 * {@code InternalFailureException}).
 */
public final class TwinCommitException extends AwsApiException {
  public TwinCommitException(String message, Throwable cause) {
    super(500, "InternalFailureException", message);
    initCause(cause);
  }
}
