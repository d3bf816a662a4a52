package dev.thingbridge.mcu;

import dev.thingbridge.mcu.image.ImageFormatException;
import dev.thingbridge.mcu.image.McubootImage;
import dev.thingbridge.mcu.smp.ImageSlot;
import dev.thingbridge.transfer.GatewayPlatform;
import dev.thingbridge.transfer.ImageState;
import dev.thingbridge.transfer.OtaErrorCode;
import dev.thingbridge.transfer.OtaPlatform;
import dev.thingbridge.transfer.OtaPlatformException;
import dev.thingbridge.transfer.PlatformImageState;
import dev.thingbridge.transfer.VerifiedFile;
import java.io.IOException;
import java.nio.file.Files;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The OTA agent's platform for an MCU behind a serial port: an {@code afr_ota} job for the MCU's thing downloads
 * and verifies the image (the OTA agent's work), and this platform flashes it with {@link McuDevice#flash}.
 *
 * <p>The flash's confirmation waits for the OTA self-test. The flash uploads, marks for test, resets, checks that
 * the new image runs and passes the device health check of the {@link FlashOptions}, and then holds: {@link
 * #activate} returns {@link Activation#ACTIVE} and {@link #imageState} says {@link PlatformImageState#PENDING_COMMIT}.
 * {@code setImageState(ACCEPTED)} confirms the image; a rejection, an abort or a {@link #reset} lets the flash reset
 * the MCU without confirming, and MCUboot reverts it (verified). An image the MCU refuses, or one that never comes
 * up, fails {@link #activate} with the flash's reason. A gateway restart while the new image waits for its verdict
 * continues from the flash journal ({@link FlashOptions#stateDir()}): the OTA job's self-test step finds the image
 * pending and {@code setImageState(TESTING)} takes up the flash again.
 *
 * <p>Calls come from the OTA job's thread, one at a time; the flash runs on the device's thread.
 */
public final class McuOtaPlatform implements OtaPlatform, AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(McuOtaPlatform.class);

  private final McuDevice device;
  private final boolean ownsDevice;
  private final FlashOptions options;
  private final Duration verdictTimeout;
  private final GatewayPlatform.SelfTest selfTest;
  private volatile FlashListener listener = FlashListener.NONE;
  private byte[] installed;
  private volatile Trial trial;
  private volatile String version = "";
  private final AtomicLong flashesEnded = new AtomicLong();
  private volatile FlashEnd lastFlash;
  /** The flash of the job under way, once it ended; null before (cleared when a job starts). */
  private volatile FlashEnd jobFlash;
  private volatile FlashProgress lastProgress;

  private McuOtaPlatform(McuDevice device, boolean ownsDevice, FlashOptions options, Duration verdictTimeout,
      GatewayPlatform.SelfTest selfTest) {
    this.device = Objects.requireNonNull(device, "device");
    this.ownsDevice = ownsDevice;
    this.options = Objects.requireNonNull(options, "options");
    this.verdictTimeout = Objects.requireNonNull(verdictTimeout, "verdictTimeout");
    this.selfTest = selfTest;
  }

  /**
   * A platform that flashes {@code device} with {@code options} (health check, journal directory, verifier); the
   * image waits up to {@code verdictTimeout} for the OTA self-test's verdict before it is reverted. The caller keeps
   * owning the device.
   */
  public static McuOtaPlatform of(McuDevice device, FlashOptions options, Duration verdictTimeout) {
    return new McuOtaPlatform(device, false, options, verdictTimeout, null);
  }

  /**
   * As {@link #of}, with a self-test of the application's own (say, that the MCU's telemetry arrives): it runs on
   * the OTA job's thread while the new image waits for its verdict; throwing rejects the image.
   */
  public static McuOtaPlatform of(McuDevice device, FlashOptions options, Duration verdictTimeout,
      GatewayPlatform.SelfTest selfTest) {
    return new McuOtaPlatform(device, false, options, verdictTimeout, Objects.requireNonNull(selfTest, "selfTest"));
  }

  /** Also hands each flash step to {@code value} (on the device's thread: it must not block). */
  public McuOtaPlatform listener(FlashListener value) {
    this.listener = Objects.requireNonNull(value, "listener");
    return this;
  }

  /** As {@link #of}, closing {@code device} when this platform is closed. */
  static McuOtaPlatform owning(McuDevice device, FlashOptions options, Duration verdictTimeout) {
    return new McuOtaPlatform(device, true, options, verdictTimeout, null);
  }

  /**
   * How a flash ended, typed: what the MCU's shadow and the job's {@code statusDetails} ({@code mcu_outcome}) carry.
   *
   * @param number which flash of this platform it was (1 for the first since the platform was built): a caller that
   *     noted the number before a job knows whether this one belongs to it
   * @param outcome what happened ({@link FlashResult.Outcome#FAILED} also when the flash failed with an error)
   * @param reason one line: why it failed, or what was done
   */
  public record FlashEnd(long number, FlashResult.Outcome outcome, String reason) {
    public FlashEnd {
      Objects.requireNonNull(outcome, "outcome");
      reason = reason == null ? "" : reason;
    }
  }

  /** The flash that waits for the OTA self-test's verdict. */
  private static final class Trial {
    final CompletableFuture<Void> awaitingVerdict = new CompletableFuture<>();
    final CompletableFuture<HealthCheck.Verdict> verdict = new CompletableFuture<>();
    volatile CompletableFuture<Optional<FlashResult>> result;
  }

  @Override
  public void jobStarted(String jobId) {
    jobFlash = null;
  }

  @Override
  public void install(List<VerifiedFile> files, boolean awaitingCommit) throws OtaPlatformException {
    if (!awaitingCommit || files.size() != 1) {
      throw new OtaPlatformException(OtaErrorCode.UNSUPPORTED, "an MCU takes exactly one firmware image per job, "
          + "got " + files.size() + " file(s)" + (awaitingCommit ? "" : " that are not firmware"));
    }
    try {
      byte[] bytes = Files.readAllBytes(files.get(0).content());
      McubootImage.parse(bytes).verifyHash();
      installed = bytes;
    } catch (ImageFormatException e) {
      throw new OtaPlatformException(OtaErrorCode.UNSUPPORTED, "not an MCUboot image: " + e.getMessage(), e);
    } catch (IOException e) {
      throw new OtaPlatformException(OtaErrorCode.FILE_WRITE_FAILED, "cannot read the downloaded image: "
          + e.getMessage(), e);
    }
  }

  @Override
  public Activation activate(List<VerifiedFile> firmware) throws OtaPlatformException {
    if (installed == null) {
      throw new OtaPlatformException(OtaErrorCode.BAD_IMAGE_STATE, "no image was installed before the activation");
    }
    byte[] image = installed;
    installed = null;
    Trial t = new Trial();
    lastProgress = null;
    t.result = device.flash(image, gated(t), this::log).thenApply(Optional::of);
    trial = t;
    Optional<FlashResult> early = awaitVerdictOrResult(t);
    if (early.isEmpty()) {
      return Activation.ACTIVE;
    }
    trial = null;
    FlashResult r = early.get();
    if (r.outcome() == FlashResult.Outcome.ALREADY_RUNNING) {
      return Activation.ACTIVE; // the self-test step finds it committed and accepts it
    }
    throw new OtaPlatformException(codeOf(r), r.outcome() + ": " + r.reason());
  }

  @Override
  public PlatformImageState imageState() throws OtaPlatformException {
    Trial t = trial;
    if (t != null && t.awaitingVerdict.isDone() && !t.result.isDone()) {
      return PlatformImageState.PENDING_COMMIT;
    }
    Optional<ImageSlot> active = get(device.imageState(), Duration.ofMinutes(1), "image state read").active();
    if (active.isEmpty()) {
      return PlatformImageState.UNKNOWN;
    }
    version = active.get().version();
    return active.get().confirmed() ? PlatformImageState.VALID : PlatformImageState.PENDING_COMMIT;
  }

  @Override
  public void setImageState(ImageState state) throws OtaPlatformException {
    switch (state.kind()) {
      case TESTING -> resumeTrial();
      case ACCEPTED -> accept();
      default -> reject(state.kind() + (state.reason() != null ? " (" + state.reason().reason() + ")" : ""));
    }
  }

  @Override
  public void reset() throws OtaPlatformException {
    if (trial != null) {
      reject("reset");
      return;
    }
    get(device.reset(), Duration.ofMinutes(1), "reset");
  }

  @Override
  public void selfTest(String jobId, Map<String, String> statusDetails) throws Exception {
    if (selfTest != null) {
      selfTest.run(jobId, statusDetails);
    }
  }

  /**
   * {@code mcu_version}, the version the MCU runs, and {@code mcu_outcome}, once the job's flash ended: {@code
   * UPDATED}, {@code ALREADY_RUNNING}, {@code REFUSED}, {@code REVERTED} or {@code FAILED}.
   */
  @Override
  public Map<String, String> statusDetails() {
    String v = version;
    FlashEnd f = jobFlash;
    Map<String, String> out = new java.util.LinkedHashMap<>();
    if (!v.isEmpty()) {
      out.put("mcu_version", v);
    }
    if (f != null) {
      out.put("mcu_outcome", f.outcome().name());
    }
    return out;
  }

  /**
   * The flash under way, by its latest progress: from the start of the upload until the image is confirmed or
   * reverted (the wait for the OTA self-test's verdict included); empty when the MCU is not being flashed. What a
   * component looks at before it lets Greengrass restart it.
   */
  public Optional<FlashProgress> flashInProgress() {
    FlashProgress p = lastProgress;
    return trial == null ? Optional.empty()
        : Optional.of(p != null ? p : new FlashProgress(device.config().id(), FlashStep.VERIFYING_IMAGE, 0, 0, ""));
  }

  /** How the last flash ended, for the MCU's shadow; empty before the first since this platform was built. */
  public Optional<FlashEnd> lastFlash() {
    return Optional.ofNullable(lastFlash);
  }

  /** After a gateway restart: the new image runs unconfirmed, and the journal says which flash it belongs to. */
  private void resumeTrial() throws OtaPlatformException {
    if (trial != null) {
      return;
    }
    Trial t = new Trial();
    lastProgress = null;
    t.result = device.recover(gated(t), this::log);
    trial = t;
    Optional<FlashResult> early = awaitVerdictOrResult(t);
    if (early.isPresent()) {
      trial = null;
      if (!early.get().succeeded()) {
        throw new OtaPlatformException(codeOf(early.get()), early.get().outcome() + ": " + early.get().reason());
      }
    } else if (t.result.isDone() && t.result.join().isEmpty()) {
      trial = null;
      throw new OtaPlatformException(OtaErrorCode.BAD_IMAGE_STATE,
          "an unconfirmed image runs and no flash journal says which: it is not confirmed");
    }
  }

  private void accept() throws OtaPlatformException {
    Trial t = trial;
    if (t == null) {
      if (imageState() != PlatformImageState.VALID) {
        throw new OtaPlatformException(OtaErrorCode.COMMIT_FAILED, "no flash of this job waits for its verdict");
      }
      return;
    }
    t.verdict.complete(HealthCheck.Verdict.healthy("the OTA self-test passed"));
    FlashResult r = finish(t);
    if (!r.succeeded()) {
      throw new OtaPlatformException(OtaErrorCode.COMMIT_FAILED, r.outcome() + ": " + r.reason());
    }
  }

  private void reject(String why) throws OtaPlatformException {
    Trial t = trial;
    if (t == null) {
      return;
    }
    t.verdict.complete(HealthCheck.Verdict.unhealthy("the OTA job rejected the image: " + why));
    FlashResult r = finish(t);
    if (r.outcome() != FlashResult.Outcome.REVERTED) {
      throw new OtaPlatformException(OtaErrorCode.BAD_IMAGE_STATE, "rejected, but the MCU was not reverted: "
          + r.outcome() + ": " + r.reason());
    }
  }

  private FlashResult finish(Trial t) throws OtaPlatformException {
    try {
      FlashResult r = get(t.result, options.timeout(), "flash").orElseThrow(
          () -> new OtaPlatformException(OtaErrorCode.BAD_IMAGE_STATE, "the interrupted flash was gone"));
      remember(r);
      return r;
    } finally {
      trial = null;
    }
  }

  /** The device's own health check first; then the image waits for the OTA self-test's verdict. */
  private FlashOptions gated(Trial t) {
    HealthCheck own = options.healthCheck();
    HealthCheck gate = ctx -> {
      HealthCheck.Verdict v = own.check(ctx);
      if (v == null || !v.healthy()) {
        return v;
      }
      t.awaitingVerdict.complete(null);
      try {
        return t.verdict.get(verdictTimeout.toMillis(), TimeUnit.MILLISECONDS);
      } catch (TimeoutException e) {
        return HealthCheck.Verdict.unhealthy("no verdict from the OTA self-test within " + verdictTimeout.toSeconds()
            + " s");
      }
    };
    return options.toBuilder().healthCheck(gate, options.healthTimeout().plus(verdictTimeout)).build();
  }

  /** Empty once the image waits for its verdict; the flash's result if it ended before. */
  private Optional<FlashResult> awaitVerdictOrResult(Trial t) throws OtaPlatformException {
    try {
      CompletableFuture.anyOf(t.awaitingVerdict, t.result).get(options.timeout().toMillis(), TimeUnit.MILLISECONDS);
    } catch (ExecutionException e) {
      trial = null;
      throw failure("flash", e.getCause());
    } catch (TimeoutException e) {
      trial = null;
      t.result.cancel(true);
      throw new OtaPlatformException(OtaErrorCode.FILE_WRITE_FAILED, "the flash did not finish within "
          + options.timeout().toMinutes() + " min");
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new OtaPlatformException(OtaErrorCode.OTHER, "interrupted while flashing", e);
    }
    if (t.awaitingVerdict.isDone()) {
      return Optional.empty();
    }
    Optional<FlashResult> r = t.result.join();
    r.ifPresent(this::remember);
    return r;
  }

  private <T> T get(CompletableFuture<T> future, Duration timeout, String what) throws OtaPlatformException {
    try {
      return future.get(timeout.toMillis(), TimeUnit.MILLISECONDS);
    } catch (ExecutionException e) {
      throw failure(what, e.getCause());
    } catch (TimeoutException e) {
      future.cancel(true);
      throw new OtaPlatformException(OtaErrorCode.OTHER, what + " did not finish within " + timeout.toSeconds() + " s");
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new OtaPlatformException(OtaErrorCode.OTHER, "interrupted during " + what, e);
    }
  }

  private void remember(FlashResult r) {
    ended(r.outcome(), r.reason());
    if (!r.version().isEmpty()) {
      version = r.version();
    }
  }

  private void ended(FlashResult.Outcome outcome, String reason) {
    FlashEnd f = new FlashEnd(flashesEnded.incrementAndGet(), outcome, reason);
    lastFlash = f;
    jobFlash = f;
    LOG.info("{}: flash {}: {}", device.config().id(), outcome, reason);
  }

  private OtaPlatformException failure(String what, Throwable cause) {
    if (cause instanceof CancellationException) {
      return new OtaPlatformException(OtaErrorCode.OTHER, what + " cancelled", cause);
    }
    ended(FlashResult.Outcome.FAILED, cause.getMessage());
    return new OtaPlatformException(OtaErrorCode.FILE_WRITE_FAILED, device.config().id() + ": " + what + " failed: "
        + cause.getMessage(), cause);
  }

  private static OtaErrorCode codeOf(FlashResult r) {
    return switch (r.outcome()) {
      case REFUSED -> OtaErrorCode.UNSUPPORTED;
      case REVERTED -> OtaErrorCode.SELF_TEST_FAILED;
      default -> OtaErrorCode.BAD_IMAGE_STATE;
    };
  }

  private void log(FlashProgress p) {
    lastProgress = p;
    LOG.debug("{}: {} {}/{} {}", p.device(), p.step(), p.bytesDone(), p.bytesTotal(), p.message());
    try {
      listener.onProgress(p);
    } catch (RuntimeException e) {
      LOG.warn("flash listener failed: {}", e.toString());
    }
  }

  /** Closes the device if this platform owns it; a flash waiting for its verdict is left to the journal. */
  @Override
  public void close() {
    if (ownsDevice) {
      device.close();
    }
  }
}
