package dev.thingbridge.jobs;

import dev.thingbridge.internal.Futures;
import dev.thingbridge.jobs.model.DescribeJobExecutionResponse;
import dev.thingbridge.jobs.model.JobExecution;
import dev.thingbridge.jobs.model.JobExecutionStatus;
import dev.thingbridge.jobs.model.JobLimits;
import dev.thingbridge.jobs.model.UpdateJobExecutionResponse;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** The small rules of the job engine: deadlines, step-timeout minutes, versions, error unwrapping. */
final class ExecutionRules {
  private static final Logger log = LoggerFactory.getLogger(ExecutionRules.class);
  /** The most minutes {@code stepTimeoutInMinutes} may carry (7 days). */
  static final int MAX_STEP_MINUTES = 10_080;

  private ExecutionRules() {}

  /** The identity of an execution across messages: job id and execution number. */
  static String key(JobExecution e) {
    return e.jobId() + "#" + e.execution();
  }

  /** The earlier of the agent's step timeout and what the service said is left before TIMED_OUT. */
  static Instant deadlineOf(JobExecution e, Duration stepTimeout, Instant now) {
    Instant byStep = stepTimeout == null ? null : now.plus(stepTimeout);
    Instant byService = e.approximateSecondsBeforeTimedOut() == null ? null
        : now.plusSeconds(e.approximateSecondsBeforeTimedOut());
    if (byStep == null) {
      return byService;
    }
    return byService == null || byStep.isBefore(byService) ? byStep : byService;
  }

  /** The step timeout on the wire: whole minutes, rounded up, 1 to 10080; null for none. */
  static Integer stepTimeoutMinutes(Duration stepTimeout) {
    if (stepTimeout == null) {
      return null;
    }
    long minutes = (stepTimeout.toSeconds() + 59) / 60;
    return (int) Math.max(1, Math.min(MAX_STEP_MINUTES, minutes));
  }

  /**
   * The details of a resumed claim: the stored ones plus {@code resumed=true}, unless that would make an
   * eleventh entry (the service refuses more than {@link JobLimits#MAX_STATUS_DETAILS}).
   */
  static Map<String, String> withResumed(Map<String, String> details) {
    Map<String, String> m = new LinkedHashMap<>(details);
    if (m.size() < JobLimits.MAX_STATUS_DETAILS || m.containsKey("resumed")) {
      m.put("resumed", "true");
    }
    return m;
  }

  /** The version after an accepted update: the one the service reported, else one more than before. */
  static long versionAfter(UpdateJobExecutionResponse resp, long before) {
    if (resp != null && resp.executionState() != null && resp.executionState().versionNumber() != null) {
      return resp.executionState().versionNumber();
    }
    return before + 1;
  }

  /**
   * Runs a handler and turns how it ended into an outcome: its own, FAILED with the exception's message, or
   * null when it stopped because the job was canceled (then nothing is reported).
   */
  static <D> JobOutcome outcomeOf(JobHandler<D> handler, RunningJob<D> r) {
    try {
      JobOutcome outcome = handler.run(r);
      return outcome != null ? outcome : JobOutcome.failed("the job handler returned no outcome");
    } catch (InterruptedException e) {
      return r.isCancelled() ? null : JobOutcome.failed("the job handler was interrupted");
    } catch (Exception e) {
      log.warn("jobs agent: handler of job {} failed: {}", r.jobId(), e.toString());
      return JobOutcome.failed(e.getMessage() == null ? e.toString() : e.getMessage());
    }
  }

  /** Whether the handler can resume a job; a handler that throws cannot. */
  static <D> boolean canResume(JobHandler<D> handler, RunningJob<D> r) {
    try {
      return handler.canResume(r);
    } catch (RuntimeException e) {
      log.warn("jobs agent: canResume of job {} threw {}", r.jobId(), e.toString());
      return false;
    }
  }

  /**
   * What an accepted describe of one execution says: its status once it is over, {@link JobExecutionStatus#UNKNOWN}
   * when the service answered without it, null while it is still pending.
   */
  static JobExecutionStatus endedStatus(DescribeJobExecutionResponse resp) {
    if (resp.execution() == null) {
      return JobExecutionStatus.UNKNOWN;
    }
    return resp.execution().status().isPending() ? null : resp.execution().status();
  }

  /**
   * What a refused describe of one execution says about it: deleted ({@code ResourceNotFound}) or in a
   * terminal state ({@code TerminalStateReached}, the documented answer to a describe of a finished
   * execution, which does not say which state: {@link EndedStatusProbe} asks) give {@link JobExecutionStatus#UNKNOWN}
   * unless the reply carries the execution state; any other error gives null (nothing learnt).
   */
  static JobExecutionStatus endedStatus(Throwable e) {
    JobException je = jobException(e);
    if (je == null || (je.code() != JobErrorCode.RESOURCE_NOT_FOUND && je.code() != JobErrorCode.TERMINAL_STATE_REACHED)) {
      return null;
    }
    return je.executionState().map(s -> s.status()).filter(s -> !s.isPending()).orElse(JobExecutionStatus.UNKNOWN);
  }

  static JobException jobException(Throwable e) {
    return Futures.unwrap(e) instanceof JobException je ? je : null;
  }

  static JobErrorCode codeOf(Throwable e) {
    JobException je = jobException(e);
    return je == null ? null : je.code();
  }
}
