package dev.thingbridge.mcu.smp;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.Optional;

/**
 * An error an SMP server answered: either SMP-level ({@code "rc": n}, an {@link McuMgrError}; every v1 error and
 * protocol-level v2 errors) or a v2 group error ({@code "err": {"group": g, "rc": n}}, the group's own code).
 *
 * @param groupError whether this came as a v2 {@code err} map
 * @param group the group the code belongs to (for SMP-level errors: the request's group)
 * @param rc the code
 * @param reason the optional {@code rsn} text, or {@code null}
 */
public record SmpError(boolean groupError, int group, int rc, String reason) {
  /** Group id of OS management. */
  public static final int GROUP_OS = 0;
  /** Group id of image management. */
  public static final int GROUP_IMAGE = 1;

  /** An SMP-level error. */
  public static SmpError smp(int group, McuMgrError code) {
    return new SmpError(false, group, code.code(), null);
  }

  /** A v2 image group error. */
  public static SmpError image(ImageMgmtError code) {
    return new SmpError(true, GROUP_IMAGE, code.code(), null);
  }

  /**
   * The error in a reply body, if any: {@code err} with a non-zero {@code rc}, or a non-zero top-level {@code
   * rc}. {@code rc: 0} (MCUboot and legacy builds send it on success) is not an error.
   */
  public static Optional<SmpError> from(JsonNode body, int requestGroup) {
    JsonNode err = body.get("err");
    if (err != null && err.isObject()) {
      int rc = err.path("rc").asInt(0);
      if (rc != 0) {
        return Optional.of(new SmpError(true, err.path("group").asInt(requestGroup), rc, null));
      }
    }
    JsonNode rc = body.get("rc");
    if (rc != null && rc.canConvertToInt() && rc.asInt() != 0) {
      JsonNode rsn = body.get("rsn");
      return Optional.of(new SmpError(false, requestGroup, rc.asInt(), rsn != null && rsn.isTextual() ? rsn.asText() : null));
    }
    return Optional.empty();
  }

  /** The SMP-level code, if this is one and it is known. */
  public Optional<McuMgrError> mcuMgrError() {
    return groupError ? Optional.empty() : Optional.ofNullable(McuMgrError.of(rc));
  }

  /** The image group code, if this is a v2 image group error and it is known. */
  public Optional<ImageMgmtError> imageError() {
    return groupError && group == GROUP_IMAGE ? Optional.ofNullable(ImageMgmtError.of(rc)) : Optional.empty();
  }

  /** Whether this is the SMP-level or image group "not supported" answer. */
  public boolean isNotSupported() {
    return !groupError && rc == McuMgrError.ENOTSUP.code();
  }

  /** The symbolic name of the code, e.g. {@code ENOTSUP} or {@code NO_FREE_SLOT}, or {@code rc=n}. */
  public String codeName() {
    if (!groupError) {
      McuMgrError e = McuMgrError.of(rc);
      return e != null ? e.name() : (rc >= 256 ? "user error " + rc : "rc=" + rc);
    }
    Enum<?> e = group == GROUP_IMAGE ? ImageMgmtError.of(rc) : group == GROUP_OS ? OsMgmtError.of(rc) : null;
    return e != null ? e.name() : "rc=" + rc;
  }

  @Override
  public String toString() {
    String where = groupError ? "group " + group + " error " : "SMP error ";
    return where + rc + " " + codeName() + (reason != null ? " (" + reason + ")" : "");
  }
}
