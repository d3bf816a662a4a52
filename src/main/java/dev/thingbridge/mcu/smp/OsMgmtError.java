package dev.thingbridge.mcu.smp;

/** Group 0 (OS management) result codes of SMP v2 (the first ones; newer builds add more). */
public enum OsMgmtError {
  OK,
  UNKNOWN,
  INVALID_FORMAT,
  QUERY_YIELDS_NO_ANSWER;

  /** The constant for {@code rc}, or {@code null} if unknown. */
  public static OsMgmtError of(int rc) {
    return rc >= 0 && rc < values().length ? values()[rc] : null;
  }
}
