package dev.thingbridge.jobs;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonValue;
import java.util.Locale;

/**
 * The {@code code} of a Jobs {@code rejected} reply, as AWS IoT documents it. Parsing is lenient: the
 * UPPER_SNAKE spelling some AWS services use is accepted too, and an unknown code becomes {@link #UNKNOWN}.
 */
public enum JobErrorCode {
  /** The topic is under the jobs namespace but maps to no API. */
  INVALID_TOPIC("InvalidTopic"),
  /** The payload is not valid UTF-8 JSON. */
  INVALID_JSON("InvalidJson"),
  /** The request's content is invalid; the message says why. */
  INVALID_REQUEST("InvalidRequest"),
  /** The update would move the execution to a status it cannot reach from its current one. */
  INVALID_STATE_TRANSITION("InvalidStateTransition"),
  /** The job execution does not exist (or was deleted). */
  RESOURCE_NOT_FOUND("ResourceNotFound"),
  /** {@code expectedVersion} does not match the execution's current version: the update was stale. */
  VERSION_MISMATCH("VersionMismatch"),
  INTERNAL_ERROR("InternalError"),
  REQUEST_THROTTLED("RequestThrottled"),
  /** The execution already reached a terminal state. */
  TERMINAL_STATE_REACHED("TerminalStateReached"),
  /** A code this version does not know, or none at all. */
  UNKNOWN("Unknown");

  private final String wire;

  JobErrorCode(String wire) {
    this.wire = wire;
  }

  /** The code as AWS spells it on the wire. */
  @JsonValue
  public String wire() {
    return wire;
  }

  /** The code for a wire string in either spelling; {@link #UNKNOWN} for anything else. */
  @JsonCreator
  public static JobErrorCode fromWire(String value) {
    if (value == null) {
      return UNKNOWN;
    }
    String squashed = value.replace("_", "").toLowerCase(Locale.ROOT);
    for (JobErrorCode c : values()) {
      if (c.wire.toLowerCase(Locale.ROOT).equals(squashed)) {
        return c;
      }
    }
    return UNKNOWN;
  }
}
