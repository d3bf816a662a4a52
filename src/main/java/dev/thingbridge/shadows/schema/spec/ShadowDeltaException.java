package dev.thingbridge.shadows.schema.spec;

/**
 * A delta (or reported patch) that does not fit the shadow's state type. It names the JSON Pointer of the
 * offending value and why; the state it was meant for is left untouched, so the shadow keeps working.
 *
 * <p>AWS keeps a desired key in every later delta until someone removes it, so an agent may clear
 * {@link #path()} from desired to stop a rejected key from coming back.
 */
public final class ShadowDeltaException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  /** Why a delta was rejected. */
  public enum Reason {
    /** The document is not JSON, or its root is not an object. */
    MALFORMED,
    /** A key that is not a field of the state type. */
    UNKNOWN_FIELD,
    /** A field that only the device reports; the cloud cannot set it. */
    REPORT_ONLY_FIELD,
    /** A value of the wrong JSON type or out of range for its field. */
    WRONG_TYPE,
    /** A value the state type's own validation (a record's compact constructor) refused. */
    INVALID_VALUE,
    /** A tag or variant key that names no variant of the union. */
    UNKNOWN_VARIANT,
    /** An object for an externally tagged union with no variant key. */
    MISSING_VARIANT,
    /** An object for an externally tagged union naming two variants at once. */
    AMBIGUOUS_VARIANT
  }

  private final Reason reason;
  private final String path;

  public ShadowDeltaException(Reason reason, String path, String detail) {
    super(reason + " at " + (path.isEmpty() ? "/" : path) + ": " + detail);
    this.reason = reason;
    this.path = path;
  }

  /** Why the delta was rejected. */
  public Reason reason() {
    return reason;
  }

  /** The JSON Pointer (RFC 6901) of the offending value inside the delta's state, {@code ""} for the root. */
  public String path() {
    return path;
  }
}
