package dev.thingbridge.transfer;

import dev.thingbridge.internal.Futures;
import dev.thingbridge.jobs.JobErrorCode;
import dev.thingbridge.jobs.JobException;
import dev.thingbridge.jobs.model.JobExecutionStatus;
import dev.thingbridge.mqtt.MqttNotConnectedException;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The status updates of one OTA job (rustot-spec §7.8). Progress during the download is not waited for, and at
 * most one is in flight: a newer one replaces one still waiting, so a slow link is not flooded. Every other
 * update is confirmed: it waits for the progress in flight, then for the service to accept it, within {@code
 * ackTimeout}. A progress update the service refused means the job is no longer ours; {@link #checkRefused}
 * turns that into {@code user_abort}.
 */
final class StatusReporter {
  private static final Logger log = LoggerFactory.getLogger(StatusReporter.class);

  private final String jobId;
  private final OtaJobControl control;
  private final Duration ackTimeout;
  private final Supplier<Map<String, String>> extras;
  private final OtaListener listener;
  private CompletableFuture<Void> inFlight = CompletableFuture.completedFuture(null);
  private Map<String, String> waiting;
  private volatile Throwable refusal;

  public StatusReporter(String jobId, OtaJobControl control, Duration ackTimeout,
      Supplier<Map<String, String>> extras, OtaListener listener) {
    this.jobId = jobId;
    this.control = control;
    this.ackTimeout = ackTimeout;
    this.extras = extras;
    this.listener = listener;
  }

  /** An IN_PROGRESS update that is not waited for. */
  public void progress(OtaStatusDetails details) {
    Map<String, String> m = details.withExtras(extras.get()).toMap();
    synchronized (this) {
      if (!inFlight.isDone()) {
        waiting = m;
        return;
      }
      sendProgress(m);
    }
  }

  private void sendProgress(Map<String, String> m) {
    CompletableFuture<Void> f;
    try {
      f = control.progress(m);
    } catch (RuntimeException e) {
      f = CompletableFuture.failedFuture(e);
    }
    listener.onStatus(jobId, JobExecutionStatus.IN_PROGRESS, m);
    inFlight = f.whenComplete((v, e) -> {
      if (e != null) {
        Throwable c = Futures.unwrap(e);
        if (c instanceof JobException || c instanceof IllegalStateException) {
          refusal = c;
        } else {
          log.debug("ota {}: progress update not confirmed: {}", jobId, c.toString());
        }
      }
      synchronized (this) {
        Map<String, String> next = waiting;
        waiting = null;
        if (next != null) {
          sendProgress(next);
        }
      }
    });
  }

  /** Throws {@code user_abort} when the service refused a progress update (the job was taken away). */
  public void checkRefused() throws OtaException {
    Throwable r = refusal;
    if (r != null) {
      throw new OtaException(OtaErrorCode.USER_ABORT, endedAs(r) + "the cloud refused a progress update: "
          + r.getMessage(), r);
    }
  }

  /**
   * An update the service must accept.
   *
   * @throws OtaException {@code user_abort} when the service refused it because the job is over, {@code other}
   *     when it refused it otherwise or did not answer in time
   */
  public void confirm(JobExecutionStatus status, OtaStatusDetails details) throws OtaException, InterruptedException {
    CompletableFuture<Void> before;
    synchronized (this) {
      waiting = null;
      before = inFlight;
    }
    try {
      before.get(ackTimeout.toMillis(), TimeUnit.MILLISECONDS);
    } catch (ExecutionException | TimeoutException e) {
      log.debug("ota {}: earlier progress unanswered: {}", jobId, e.toString());
    }
    Map<String, String> m = details.withExtras(extras.get()).toMap();
    try {
      updateUntilSent(status, m);
    } catch (TimeoutException e) {
      throw new OtaException(OtaErrorCode.OTHER, "the cloud did not accept the " + status + " update within "
          + ackTimeout.toSeconds() + " s");
    } catch (ExecutionException e) {
      Throwable c = Futures.unwrap(e);
      if (c instanceof IllegalStateException || c instanceof JobException je && ended(je.code())) {
        throw new OtaException(OtaErrorCode.USER_ABORT, endedAs(c) + "the job is over in the cloud: " + c.getMessage(),
            c);
      }
      throw new OtaException(OtaErrorCode.OTHER, "the cloud refused the " + status + " update: " + c.getMessage(), c);
    }
    listener.onStatus(jobId, status, m);
  }

  /**
   * Sends the update, again while it could not leave (the connection is being rebuilt, or the service throttled
   * it), within {@code ackTimeout} in all: a gateway whose nucleus or broker restarts in the middle of a job
   * must not fail the job for it. An update that left but went unanswered is not repeated.
   */
  private void updateUntilSent(JobExecutionStatus status, Map<String, String> m)
      throws TimeoutException, ExecutionException, InterruptedException {
    long deadline = System.nanoTime() + ackTimeout.toNanos();
    long pauseMillis = 50;
    while (true) {
      long left = deadline - System.nanoTime();
      if (left <= 0) {
        throw new TimeoutException();
      }
      try {
        control.update(status, m).get(left, TimeUnit.NANOSECONDS);
        return;
      } catch (ExecutionException e) {
        Throwable c = Futures.unwrap(e);
        boolean notSent = c instanceof MqttNotConnectedException
            || c instanceof JobException je && je.code() == JobErrorCode.REQUEST_THROTTLED;
        if (!notSent || System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(pauseMillis) >= deadline) {
          throw e;
        }
        log.debug("ota {}: {} update not sent, again in {} ms: {}", jobId, status, pauseMillis, c.toString());
        Thread.sleep(pauseMillis);
        pauseMillis = Math.min(pauseMillis * 2, 1_000);
      }
    }
  }

  /**
   * "the job ended in the cloud (STATUS): " when the refusal carries the execution's state and it is over
   * (VersionMismatch and InvalidStateTransition carry it), so the reason names how the job ended; else nothing.
   */
  private static String endedAs(Throwable refusal) {
    return refusal instanceof JobException je ? je.executionState().map(s -> s.status())
        .filter(s -> !s.isPending()).map(s -> "the job ended in the cloud (" + s + "); ").orElse("") : "";
  }

  private static boolean ended(JobErrorCode code) {
    return code == JobErrorCode.TERMINAL_STATE_REACHED || code == JobErrorCode.INVALID_STATE_TRANSITION
        || code == JobErrorCode.RESOURCE_NOT_FOUND;
  }
}
