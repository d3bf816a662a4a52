package dev.thingbridge.twin.jobs;

/**
 * A device request refused with one of AWS's jobs error codes; becomes an ErrorResponse on
 * {@code /rejected}. Carries the execution for the two codes whose response includes executionState.
 */
final class Rejection extends RuntimeException {
  final String code;
  final transient ExecutionRecord state;

  Rejection(String code, String message) {
    this(code, message, null);
  }

  Rejection(String code, String message, ExecutionRecord state) {
    super(message, null, false, false);
    this.code = code;
    this.state = state;
  }
}
