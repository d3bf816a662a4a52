package dev.thingbridge.transfer;

import java.util.Objects;

/**
 * What the OTA agent tells the platform about the new image (rustot's {@code ImageState}).
 *
 * @param kind testing, accepted (commit), rejected (roll back) or aborted (the update was abandoned)
 * @param reason why, for rejected and aborted (and the test's purpose for testing); null otherwise
 */
public record ImageState(Kind kind, OtaErrorCode reason) {
  /** The kinds of state. */
  public enum Kind { UNKNOWN, TESTING, ACCEPTED, REJECTED, ABORTED }

  public ImageState {
    Objects.requireNonNull(kind, "kind");
  }

  public static final ImageState ACCEPTED = new ImageState(Kind.ACCEPTED, null);

  public static ImageState testing(OtaErrorCode purpose) {
    return new ImageState(Kind.TESTING, purpose);
  }

  public static ImageState rejected(OtaErrorCode reason) {
    return new ImageState(Kind.REJECTED, reason);
  }

  public static ImageState aborted(OtaErrorCode reason) {
    return new ImageState(Kind.ABORTED, reason);
  }
}
