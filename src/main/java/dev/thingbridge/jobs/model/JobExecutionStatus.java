package dev.thingbridge.jobs.model;

import com.fasterxml.jackson.annotation.JsonEnumDefaultValue;

/**
 * The status of a job execution. The device sets {@code IN_PROGRESS}, {@code SUCCEEDED}, {@code FAILED} and
 * {@code REJECTED}; the service sets the others. A status this library does not know decodes to {@link
 * #UNKNOWN} instead of failing the whole message.
 */
public enum JobExecutionStatus {
  QUEUED,
  IN_PROGRESS,
  SUCCEEDED,
  FAILED,
  TIMED_OUT,
  REJECTED,
  REMOVED,
  CANCELED,
  /** A status sent by the service that this version does not know. Never sent. */
  @JsonEnumDefaultValue
  UNKNOWN;

  /** Whether no further update can change the execution (retries aside, it is over). */
  public boolean isTerminal() {
    return switch (this) {
      case SUCCEEDED, FAILED, TIMED_OUT, REJECTED, REMOVED, CANCELED -> true;
      case QUEUED, IN_PROGRESS, UNKNOWN -> false;
    };
  }

  /** Whether the execution still waits for or is being worked on by the device. */
  public boolean isPending() {
    return this == QUEUED || this == IN_PROGRESS;
  }
}
