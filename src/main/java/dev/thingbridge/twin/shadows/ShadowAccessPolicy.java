package dev.thingbridge.twin.shadows;

/**
 * Decides whether a shadow request is allowed, standing in for AWS IoT policies: a denied request gets the
 * error AWS answers with (401 {@code Unauthorized} or 403 {@code Forbidden}). The default allows everything.
 */
@FunctionalInterface
public interface ShadowAccessPolicy {
  /** Allows every request. */
  ShadowAccessPolicy ALLOW_ALL = (thing, shadow, op) -> Decision.ALLOW;

  /** The outcome of a check. */
  enum Decision {
    ALLOW,
    /** 401 "Unauthorized". */
    UNAUTHORIZED,
    /** 403 "Forbidden". */
    FORBIDDEN
  }

  /**
   * Checks one request; called under the twin's lock, so it must be quick and must not block.
   *
   * @param thingName the thing
   * @param shadowName the shadow ({@link ShadowServiceTopics#CLASSIC} for the classic one)
   * @param operation get, update or delete
   */
  Decision check(String thingName, String shadowName, ShadowServiceTopics.Operation operation);
}
