package dev.thingbridge.mcu;

import dev.thingbridge.mcu.FlashResult.Outcome;
import dev.thingbridge.mcu.image.ImageFormatException;
import dev.thingbridge.mcu.image.McubootImage;
import dev.thingbridge.mcu.internal.FlashJournal;
import dev.thingbridge.mcu.internal.FlashJournal.Phase;
import dev.thingbridge.mcu.smp.BootloaderMode;
import dev.thingbridge.mcu.smp.ImageSlot;
import dev.thingbridge.mcu.smp.ImageState;
import java.io.IOException;
import java.io.InterruptedIOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HexFormat;
import java.util.Optional;
import java.util.function.Predicate;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The update flow of serial-bridge.md §7.3 for one device, driven by the device's image state so that it can start
 * from any point: verify the image; probe; read the state (already running and confirmed: done); upload, resuming by
 * {@code sha}; mark for test; reset; wait for the port and an answer; check that the new hash is active; run the
 * health check; confirm. An unhealthy or silent new image is reset without confirming and the revert is verified.
 * Devices without rollback (serial recovery, single slot, overwrite-only) are flashed and reported as such. Every
 * step reports progress and, with a state directory, advances a {@link FlashJournal}.
 *
 * <p>Returns a {@link FlashResult} when the device's state is known; throws (journal kept) when it is not: the
 * device stopped answering, the port went away, or the thread was interrupted.
 */
final class FlashFlow {
  private static final Logger LOG = LoggerFactory.getLogger(FlashFlow.class);

  private final McuConnection conn;
  private final McuConfig config;
  private final FlashOptions options;
  private final FlashListener listener;
  private final Restarts restarts;
  private final long started = System.nanoTime();
  private McubootImage image;
  private FlashJournal journal;
  private Phase phase = Phase.STARTED;
  private boolean rollback = true;
  private boolean resumed;
  private long uploadedBytes;
  private long uploadNanos;
  private long imageLength;
  private String previousVersion = "";
  private ImageState lastState = new ImageState(java.util.List.of());

  public FlashFlow(McuConnection conn, FlashOptions options, FlashListener listener) {
    this.conn = conn;
    this.config = conn.config();
    this.options = options;
    this.listener = listener;
    this.restarts = new Restarts(this, conn);
  }

  /** Flashes the image file {@code file}. */
  public FlashResult flash(byte[] file) throws IOException {
    progress(FlashStep.VERIFYING_IMAGE, 0, "checking the image (" + file.length + " bytes)");
    McubootImage img;
    try {
      img = McubootImage.parse(file).verifyHash();
      options.verifier().verify(img);
    } catch (ImageFormatException | ImageRejectedException e) {
      return result(Outcome.REFUSED, "image refused: " + e.getMessage());
    }
    Optional<Path> dir = options.stateDir();
    Optional<FlashJournal> left = dir.flatMap(d -> FlashJournal.load(d, config.id()));
    if (left.isPresent() && !left.get().isFor(img)) {
      this.image = img;
      this.imageLength = img.length();
      LOG.info("{}: {}", config.id(), cleanUp(left.get()));
      phase = Phase.STARTED; // the clean-up's resets belong to the other image's flash
    }
    if (left.isPresent() && left.get().isFor(img)) {
      adopt(left.get());
    } else if (dir.isPresent()) {
      journal = FlashJournal.begin(dir.get(), config.id(), img);
    }
    return tracked(img);
  }

  /** Continues (image copy intact) or cleans up a flash a previous process left in the journal; empty if none. */
  public Optional<FlashResult> recover() throws IOException {
    Optional<FlashJournal> left = options.stateDir().flatMap(d -> FlashJournal.load(d, config.id()));
    if (left.isEmpty()) {
      return Optional.empty();
    }
    Optional<McubootImage> img = left.get().image();
    if (img.isEmpty()) {
      String done = cleanUp(left.get());
      return Optional.of(result(Outcome.REVERTED, done));
    }
    adopt(left.get());
    return Optional.of(tracked(img.get()));
  }

  private void adopt(FlashJournal j) {
    journal = j;
    phase = j.entry().phase();
    resumed = true;
    previousVersion = j.entry().previousVersion() == null ? "" : j.entry().previousVersion();
    LOG.info("{}: continuing the interrupted flash of {} (it had reached {})", config.id(), j.entry().version(), phase);
  }

  private FlashResult tracked(McubootImage img) throws IOException {
    this.image = img;
    this.imageLength = img.length();
    FlashResult r = execute();
    if (journal != null) {
      journal.finish();
    }
    return r;
  }

  private FlashResult execute() throws IOException {
    DeviceInfo info = probe();
    rollback = info.rollbackAvailable();
    if (options.requireRollback() && !rollback) {
      return result(Outcome.REFUSED, "the device cannot revert an update (" + describe(info) + ") and rollback is required");
    }
    if (info.inRecovery() || info.mode() == BootloaderMode.SINGLE_APP) {
      return new RecoveryFlash(this, conn, restarts).run(info);
    }
    ImageState state = readState();
    notePrevious(state);
    boolean reuploaded = false;
    for (int round = 0; round < 10; round++) {
      checkInterrupted();
      Optional<ImageSlot> active = state.active();
      Optional<ImageSlot> secondary = state.slot(1);
      if (active.isPresent() && active.get().holds(image.hash())) {
        if (active.get().confirmed()) {
          return confirmedTarget();
        }
        return phase == Phase.REVERTING ? revert("continuing the revert") : healthThenConfirm();
      }
      if (secondary.isPresent() && secondary.get().holds(image.hash())) {
        if (secondary.get().pending()) {
          state = restarts.resetAndWait("booting the new image", pendingTarget());
          continue;
        }
        if (phase.compareTo(Phase.RESET_SENT) >= 0) {
          return result(Outcome.REVERTED, "the new image " + image.version() + " did not come up (it crashed, hung"
              + " or was refused by the bootloader); " + running(state) + " runs again");
        }
        progress(FlashStep.MARKING_TEST, imageLength, rollback ? "marking the new image for test"
            : "marking the new image permanent (no rollback on this device)");
        state = rollback ? conn.mgr().test(image.hash(), config.requestTimeout(), config.attempts())
            : conn.mgr().confirm(image.hash(), config.requestTimeout(), config.attempts());
        lastState = state;
        advance(Phase.TEST_MARKED);
        continue;
      }
      if (active.isPresent() && !active.get().confirmed()) {
        LOG.warn("{}: an unconfirmed test image {} runs; resetting to revert it before flashing", config.id(),
            active.get().version());
        byte[] foreign = active.get().hash();
        state = restarts.resetAndWait("reverting an unconfirmed test image left by someone else",
            st -> st.active().map(x -> x.holds(foreign) && !x.confirmed()).orElse(false));
        continue;
      }
      if (secondary.isPresent() && secondary.get().pending()) {
        return result(Outcome.REFUSED, "slot 1 holds a pending image " + secondary.get().version() + " that this"
            + " flash did not put there; reset the device to try it, or confirm it, first");
      }
      try {
        uploadedBytes += new Uploader(this, conn).upload(image, options.upgradeOnly());
      } catch (McuErrorResponseException e) {
        return result(Outcome.REFUSED, "the device refused the upload: " + e.error());
      } catch (Uploader.CorruptUploadException e) {
        if (reuploaded) {
          return result(Outcome.FAILED, e.getMessage() + ", twice; the old image still runs");
        }
        reuploaded = true;
        conn.mgr().erase(null, config.firstChunkTimeout(), config.attempts());
        continue;
      }
      state = readState();
      advance(Phase.UPLOADED);
      if (state.slot(1).map(s -> !s.holds(image.hash())).orElse(true)) {
        if (reuploaded) {
          return result(Outcome.FAILED, "after the upload slot 1 does not hold the image; the old image still runs");
        }
        reuploaded = true;
        conn.mgr().erase(null, config.firstChunkTimeout(), config.attempts());
        state = readState();
      }
    }
    throw new McuProtocolException(config.id() + ": the image state did not settle: " + state.slots());
  }

  private FlashResult confirmedTarget() throws IOException {
    if (phase.compareTo(Phase.RESET_SENT) < 0) {
      return result(Outcome.ALREADY_RUNNING, image.version() + " already runs, confirmed");
    }
    if (phase.compareTo(Phase.CONFIRMING) >= 0) {
      return result(Outcome.UPDATED, image.version() + " runs, confirmed");
    }
    // Confirmed without us (the application confirms itself, or no rollback): the check still decides the verdict.
    HealthCheck.Verdict v = restarts.health(image);
    return v.healthy() ? result(Outcome.UPDATED, image.version() + " runs, confirmed; " + v.reason())
        : result(Outcome.FAILED, image.version() + " runs but is unhealthy (" + v.reason() + ") and is already"
            + " confirmed: it cannot be reverted");
  }

  private FlashResult healthThenConfirm() throws IOException {
    advance(Phase.HEALTH_CHECK);
    HealthCheck.Verdict v = restarts.health(image);
    if (!v.healthy()) {
      return rollback ? revert("health check failed: " + v.reason())
          : result(Outcome.FAILED, "health check failed (" + v.reason() + ") and the bootloader cannot revert");
    }
    advance(Phase.CONFIRMING);
    progress(FlashStep.CONFIRMING, imageLength, "healthy (" + v.reason() + "): confirming");
    ImageState s = conn.mgr().confirm(null, config.requestTimeout(), config.attempts());
    lastState = s;
    if (s.active().map(a -> a.holds(image.hash()) && a.confirmed()).orElse(false)) {
      return result(Outcome.UPDATED, image.version() + " runs, confirmed after " + v.reason());
    }
    return result(Outcome.FAILED, "the device did not confirm " + image.version() + ": " + s.slots());
  }

  FlashResult revert(String reason) throws IOException {
    advance(Phase.REVERTING);
    progress(FlashStep.REVERTING, imageLength, reason + ": resetting without confirming");
    ImageState s = restarts.resetAndWait("reverting", runsUnconfirmed(image.hash()));
    Optional<ImageSlot> active = s.active();
    if (active.isPresent() && !active.get().holds(image.hash()) && active.get().confirmed()) {
      return result(Outcome.REVERTED, reason + "; reverted, " + active.get().version() + " runs again");
    }
    return result(Outcome.FAILED, reason + "; the revert did not happen (" + s.slots() + ")");
  }

  /** Undoes what an interrupted flash of another image left: an unconfirmed or pending image of it is reverted. */
  private String cleanUp(FlashJournal left) throws IOException {
    byte[] target = HexFormat.of().parseHex(left.entry().imageHash());
    progress(FlashStep.REVERTING, 0, "cleaning up the interrupted flash of " + left.entry().version());
    probe();
    ImageState s = readState();
    if (s.slot(1).map(x -> x.holds(target) && x.pending()).orElse(false)) {
      s = restarts.resetAndWait("booting the interrupted image so that it can be reverted",
          st -> st.slot(1).map(x -> x.holds(target) && x.pending()).orElse(false));
    }
    if (s.active().map(a -> a.holds(target) && !a.confirmed()).orElse(false)) {
      s = restarts.resetAndWait("reverting the interrupted image", runsUnconfirmed(target));
    }
    left.finish();
    return "interrupted flash of " + left.entry().version() + " cleaned up; " + running(s) + " runs";
  }

  private Predicate<ImageState> pendingTarget() {
    byte[] hash = image.hash();
    return st -> st.slot(1).map(x -> x.holds(hash) && x.pending()).orElse(false);
  }

  private static Predicate<ImageState> runsUnconfirmed(byte[] hash) {
    return st -> st.active().map(x -> x.holds(hash) && !x.confirmed()).orElse(false);
  }

  DeviceInfo probe() throws IOException {
    progress(FlashStep.PROBING, 0, "probing " + config.port());
    DeviceInfo info = conn.probe();
    LOG.info("{}: {}", config.id(), describe(info));
    return info;
  }

  ImageState readState() throws IOException {
    progress(FlashStep.READING_STATE, 0, "reading the image state");
    lastState = conn.mgr().imageState(config.requestTimeout(), config.attempts());
    return lastState;
  }

  void notePrevious(ImageState state) throws IOException {
    Optional<ImageSlot> a = state.active().or(() -> state.slot(0));
    if (a.isPresent() && !a.get().holds(image.hash()) && previousVersion.isEmpty()) {
      previousVersion = a.get().version();
      if (journal != null) {
        journal.previous(a.get().hashHex(), a.get().version());
      }
    }
  }

  static String describe(DeviceInfo info) {
    return "SMP v" + info.smpVersion() + ", buffer " + info.bufSize() + " (" + info.bufSizeSource() + "), "
        + info.bootloader().map(b -> b.name() + " mode " + b.mode()).orElse("bootloader unknown")
        + (info.inRecovery() ? ", in serial recovery" : "");
  }

  static String running(ImageState s) {
    return s.active().or(() -> s.slot(0)).map(ImageSlot::version).orElse("no image");
  }

  void advance(Phase p) throws IOException {
    if (p.compareTo(phase) > 0) {
      phase = p;
    }
    if (journal != null) {
      journal.phase(p);
    }
  }

  Phase phase() {
    return phase;
  }

  McubootImage image() {
    return image;
  }

  FlashOptions options() {
    return options;
  }

  void setState(ImageState s) {
    lastState = s;
  }

  void noRollback() {
    rollback = false;
  }

  void noteResumed() {
    resumed = true;
  }

  void addUploaded(long bytes) {
    uploadedBytes += bytes;
  }

  void addUploadTime(long nanos) {
    uploadNanos += nanos;
  }

  void uploaded(long offset, long total) throws IOException {
    if (journal != null) {
      journal.uploaded(offset);
    }
    progress(FlashStep.UPLOADING, offset, null);
  }

  void awaitAnswer(String why) throws IOException {
    restarts.awaitAnswer(why);
  }

  void checkInterrupted() throws InterruptedIOException {
    if (Thread.currentThread().isInterrupted()) {
      throw new InterruptedIOException(config.id() + ": flash interrupted");
    }
  }

  void progress(FlashStep step, long done, String message) {
    try {
      listener.onProgress(new FlashProgress(config.id(), step, done, imageLength, message));
    } catch (RuntimeException e) {
      LOG.warn("{}: progress listener failed: {}", config.id(), e.toString());
    }
  }

  FlashResult result(Outcome outcome, String reason) {
    Optional<ImageSlot> now = lastState.active().or(() -> lastState.slot(0));
    progress(FlashStep.DONE, imageLength, outcome + ": " + reason);
    return new FlashResult(outcome, reason, rollback, previousVersion, now.map(ImageSlot::version).orElse(""),
        now.map(ImageSlot::hashHex).orElse(""), uploadedBytes, resumed, Duration.ofNanos(System.nanoTime() - started),
        Duration.ofNanos(uploadNanos));
  }
}
