package dev.thingbridge.mcu.smp;

/**
 * SMP-level result codes ({@code mcumgr_err_t}): the top-level {@code rc} of v1 replies and of SMP-level errors
 * in v2. Codes from 256 up are per-user and have no constant here.
 */
public enum McuMgrError {
  EOK(0, "success"),
  EUNKNOWN(1, "unknown error"),
  ENOMEM(2, "out of memory"),
  EINVAL(3, "invalid argument"),
  ETIMEOUT(4, "timeout"),
  ENOENT(5, "no such entry"),
  EBADSTATE(6, "bad state"),
  EMSGSIZE(7, "message too large"),
  ENOTSUP(8, "not supported"),
  ECORRUPT(9, "corrupt"),
  EBUSY(10, "busy"),
  EACCESSDENIED(11, "access denied"),
  UNSUPPORTED_TOO_OLD(12, "protocol version too old for the server"),
  UNSUPPORTED_TOO_NEW(13, "protocol version too new for the server");

  private final int code;
  private final String text;

  McuMgrError(int code, String text) {
    this.code = code;
    this.text = text;
  }

  public int code() {
    return code;
  }

  /** A short description. */
  public String text() {
    return text;
  }

  /** The constant for {@code rc}, or {@code null} for an unknown or per-user code. */
  public static McuMgrError of(int rc) {
    return rc >= 0 && rc < values().length ? values()[rc] : null;
  }
}
