package dev.thingbridge.twin.jobs;

import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;

/** An execution's mutable state inside the store (only touched under the twin lock). */
final class ExecutionRecord {
  final String jobId;
  final String thingName;
  final long seq;
  final long executionNumber;
  ExecutionStatus status = ExecutionStatus.QUEUED;
  Map<String, String> statusDetails = new LinkedHashMap<>();
  Instant queuedAt;
  Instant startedAt;
  Instant lastUpdatedAt;
  long versionNumber = 1;
  boolean forceCanceled;
  /** When the step timer (start-next/update stepTimeoutInMinutes) ends the execution, or null. */
  Instant stepDeadline;
  /** When the job's in-progress timeout ends the execution, or null. */
  Instant inProgressDeadline;
  /** The bytes of its notify summary, kept by {@link JobsWire} while they still describe it. */
  JobsWire.NotifySummary notifySummary;

  ExecutionRecord(String jobId, String thingName, long seq, long executionNumber, Instant queuedAt) {
    this.jobId = jobId;
    this.thingName = thingName;
    this.seq = seq;
    this.executionNumber = executionNumber;
    this.queuedAt = queuedAt;
    this.lastUpdatedAt = queuedAt;
  }

  /** The earlier of the two timers, or null. */
  Instant deadline() {
    if (stepDeadline == null) {
      return inProgressDeadline;
    }
    if (inProgressDeadline == null) {
      return stepDeadline;
    }
    return stepDeadline.isBefore(inProgressDeadline) ? stepDeadline : inProgressDeadline;
  }

  /** Seconds before a timer ends it (never negative), or null without a timer. */
  Long secondsBeforeTimedOut(Instant now) {
    Instant d = deadline();
    return d == null ? null : Math.max(0, Duration.between(now, d).getSeconds());
  }

  /** Moves to a new status and records the change (version, time, timers). */
  void moveTo(ExecutionStatus next, Instant now) {
    if (status == ExecutionStatus.QUEUED && next == ExecutionStatus.IN_PROGRESS) {
      startedAt = now;
    }
    status = next;
    touch(now);
    if (next.isTerminal()) {
      stepDeadline = null;
      inProgressDeadline = null;
    }
  }

  /** Counts a change without a status change. */
  void touch(Instant now) {
    versionNumber++;
    lastUpdatedAt = now;
  }
}
