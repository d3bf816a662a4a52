package dev.thingbridge.defender;

/** The {@code ErrorCode} of a rejected metrics report; a code this version does not know is {@link #UNKNOWN}. */
public enum DefenderErrorCode {
  /** The payload is not a well-formed report. */
  MALFORMED("Malformed"),
  /** The report breaks the schema (a wrong type, a bad value, a reused report id). */
  INVALID_PAYLOAD("InvalidPayload"),
  /** Reports come faster than the service accepts (one per thing per 5 minutes). */
  THROTTLED("Throttled"),
  /** The header, its report id or its version is missing. */
  MISSING_HEADER("MissingHeader"),
  /** Any other code; {@link DefenderRejection#rawCode()} keeps its text. */
  UNKNOWN(null);

  private final String wire;

  DefenderErrorCode(String wire) {
    this.wire = wire;
  }

  /** The code as AWS spells it, null for {@link #UNKNOWN}. */
  public String wire() {
    return wire;
  }

  /** The code of a wire text. */
  public static DefenderErrorCode fromWire(String text) {
    for (DefenderErrorCode c : values()) {
      if (c.wire != null && c.wire.equals(text)) {
        return c;
      }
    }
    return UNKNOWN;
  }
}
