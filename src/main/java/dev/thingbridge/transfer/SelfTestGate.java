package dev.thingbridge.transfer;

import dev.thingbridge.jobs.model.JobExecutionStatus;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The self-test matrix of rustot-spec §7.10 (FreeRTOS's image-state check at boot): what the job's {@code
 * self_test} and the platform's image state together mean, and the self-test and commit of a new image.
 *
 * <table>
 *   <caption>job self_test ready/active x platform pending-commit</caption>
 *   <tr><th>job</th><th>platform</th><th>action</th></tr>
 *   <tr><td>yes</td><td>yes</td><td>self-test: IN_PROGRESS active, then commit and SUCCEEDED accepted</td></tr>
 *   <tr><td>no</td><td>no</td><td>download (the normal case)</td></tr>
 *   <tr><td>no</td><td>yes</td><td>reset (rolls the uncommitted image back), then download</td></tr>
 *   <tr><td>yes</td><td>no</td><td>FAILED rejected / state_mismatch (2004): the new image is not running</td></tr>
 * </table>
 *
 * <p>Unlike rustot, the last row does not reset: the running image is the committed one, a reset would only
 * boot it again.
 */
final class SelfTestGate {
  private static final Logger log = LoggerFactory.getLogger(SelfTestGate.class);

  private final OtaRun.Parts parts;
  private final OtaJob job;
  private final StatusReporter reporter;
  private final ProgressMeter meter;

  SelfTestGate(OtaRun.Parts parts, OtaJob job, StatusReporter reporter, ProgressMeter meter) {
    this.parts = parts;
    this.job = job;
    this.reporter = reporter;
    this.meter = meter;
  }

  /** The gate's verdict: a result when it settled the job, empty when the download should go ahead. */
  Optional<OtaResult> decide() throws OtaException, InterruptedException {
    boolean jobSelfTest = OtaStatusDetails.selfTestOf(job.statusDetails()).map(SelfTestStatus::isSelfTest)
        .orElse(false);
    boolean pending = OtaRun.stateOf(parts.platform()) == PlatformImageState.PENDING_COMMIT;
    if (jobSelfTest && pending) {
      return Optional.of(selfTestAndCommit());
    }
    if (pending) {
      log.warn("ota {}: an uncommitted image runs but the job is not testing it; resetting to roll it back",
          job.jobId());
      parts.platform().reset();
      if (OtaRun.stateOf(parts.platform()) == PlatformImageState.PENDING_COMMIT) {
        throw new OtaException(OtaErrorCode.BAD_IMAGE_STATE, "the platform still runs an uncommitted image after a reset");
      }
      return Optional.empty();
    }
    if (jobSelfTest) {
      log.warn("ota {}: the job says a new image is on trial, but the platform runs a committed one", job.jobId());
      setQuietly(ImageState.rejected(OtaErrorCode.STATE_MISMATCH));
      return Optional.of(terminal(JobExecutionStatus.FAILED, OtaStatusDetails.of(SelfTestStatus.REJECTED)
          .withProgress(0, meter.totalBlocks()).withFailure(OtaErrorCode.STATE_MISMATCH,
              "the new image is not running (it did not boot, or was rolled back)"), null));
    }
    return Optional.empty();
  }

  /** The new image runs on trial: test it, then commit it or roll it back. */
  OtaResult selfTestAndCommit() throws OtaException, InterruptedException {
    OtaPlatform platform = parts.platform();
    try {
      platform.setImageState(ImageState.testing(OtaErrorCode.VERSION_CHECK));
      reporter.confirm(JobExecutionStatus.IN_PROGRESS, OtaStatusDetails.of(SelfTestStatus.ACTIVE));
      runSelfTest();
      try {
        platform.setImageState(ImageState.ACCEPTED);
      } catch (OtaException e) {
        throw new OtaException(OtaErrorCode.COMMIT_FAILED, "commit failed: " + e.getMessage(), e);
      }
    } catch (OtaException e) {
      if (e.code() == OtaErrorCode.USER_ABORT) {
        setQuietly(ImageState.aborted(OtaErrorCode.USER_ABORT));
        throw e;
      }
      log.warn("ota {}: new image rejected: {}", job.jobId(), e.getMessage());
      setQuietly(ImageState.rejected(e.code()));
      OtaResult r = terminal(JobExecutionStatus.FAILED, OtaStatusDetails.of(SelfTestStatus.REJECTED)
          .withFailure(e.code(), e.getMessage()), e);
      if (r.error() == e) {
        platform.reset(); // boots the committed image again, now that the cloud knows
      }
      return r;
    }
    log.info("ota {}: new image committed", job.jobId());
    return terminal(JobExecutionStatus.SUCCEEDED, OtaStatusDetails.of(SelfTestStatus.ACCEPTED)
        .withProgress(meter.totalBlocks(), meter.totalBlocks()), null);
  }

  private void runSelfTest() throws OtaException, InterruptedException {
    Duration limit = parts.config().selfTestTimeout();
    Future<?> f = parts.selfTests().submit(() -> {
      parts.platform().selfTest(job.jobId(), job.statusDetails());
      return null;
    });
    try {
      if (limit == null) {
        f.get();
      } else {
        f.get(limit.toMillis(), TimeUnit.MILLISECONDS);
      }
    } catch (TimeoutException e) {
      f.cancel(true);
      throw new OtaException(OtaErrorCode.SELF_TEST_FAILED, "the self-test did not finish within " + limit);
    } catch (ExecutionException e) {
      Throwable c = e.getCause();
      if (c instanceof OtaException oe) {
        throw oe;
      }
      throw new OtaException(OtaErrorCode.SELF_TEST_FAILED, "the self-test failed: " + c, c);
    } catch (InterruptedException e) {
      f.cancel(true);
      throw e;
    }
  }

  private OtaResult terminal(JobExecutionStatus status, OtaStatusDetails details, OtaException error)
      throws InterruptedException {
    try {
      reporter.confirm(status, details);
      return new OtaResult(status, details.toMap(), error);
    } catch (OtaException e) {
      log.warn("ota {}: the {} update was not confirmed: {}", job.jobId(), status, e.getMessage());
      return new OtaResult(status, details.toMap(), e);
    }
  }

  private void setQuietly(ImageState s) {
    try {
      parts.platform().setImageState(s);
    } catch (OtaException e) {
      log.warn("ota {}: the platform refused image state {}: {}", job.jobId(), s.kind(), e.getMessage());
    }
  }
}
