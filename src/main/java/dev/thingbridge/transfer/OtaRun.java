package dev.thingbridge.transfer;

import dev.thingbridge.jobs.model.JobExecutionStatus;
import dev.thingbridge.mqtt.MqttClient;
import dev.thingbridge.transfer.internal.BlockLedger;
import dev.thingbridge.transfer.internal.PartialDownload;
import java.net.http.HttpClient;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.ScheduledExecutorService;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One run of one OTA job (rustot's {@code perform_ota}, rustot-spec §7.10): the self-test gate, the protocol,
 * the download of every file (resumed where an earlier run stopped), their checks, the installation, the
 * activation and, once the new image runs, its self-test and commit. Status updates follow §7.8; failures are
 * reported with the codes of §7.11.
 */
final class OtaRun {
  private static final Logger log = LoggerFactory.getLogger(OtaRun.class);

  /** What every run shares: the updater's parts. */
  public record Parts(MqttClient mqtt, String thingName, OtaConfig config, OtaPlatform platform,
      SignatureVerifier verifier, OtaDocumentAdapter adapter, OtaListener listener, Set<OtaProtocol> protocols,
      FileDownloads downloads, HttpClient http, ScheduledExecutorService timers, ExecutorService selfTests,
      HttpRangeDownload.UrlSource urls, java.nio.file.Path localFiles) {}

  private final Parts parts;
  private final OtaJob job;
  private final Cancellation cancel;
  private final StatusReporter reporter;
  private OtaDocument document;
  private ProgressMeter meter;
  /** Set while the files download: a stop then, with the job over in the cloud, is a user abort ({@link #ended}). */
  private boolean downloading;

  public OtaRun(Parts parts, OtaJob job) {
    this.parts = parts;
    this.job = job;
    this.cancel = Cancellation.following(job.cancellation());
    this.reporter = new StatusReporter(job.jobId(), job.control(), parts.config().statusAckTimeout(),
        this::platformDetails, parts.listener());
  }

  /**
   * Runs the job to its end on this run.
   *
   * @throws InterruptedException when the updater is closed meanwhile: nothing is reported, and what was
   *     downloaded stays for the next run
   */
  public OtaResult run() throws InterruptedException {
    parts.platform().jobStarted(job.jobId());
    try {
      document = parts.adapter().read(job.document()).orElseThrow(
          () -> new OtaDocumentException("the job document holds no OTA request"));
    } catch (OtaDocumentException e) {
      return reject(e.getMessage());
    }
    long totalBlocks = document.files().stream().mapToLong(f -> f.blocks(parts.config().blockSize())).sum();
    long totalBytes = document.files().stream().mapToLong(OtaFile::size).sum();
    meter = new ProgressMeter(job.jobId(), totalBlocks, totalBytes, parts.config().statusUpdateFrequency(),
        parts.config().statusUpdateInterval(), reporter, parts.listener());
    parts.listener().onJobStarted(job.jobId(), document);
    try {
      SelfTestGate gate = new SelfTestGate(parts, job, reporter, meter);
      Optional<OtaResult> gated = gate.decide();
      if (gated.isPresent()) {
        return finished(gated.get());
      }
      return finished(update());
    } catch (OtaException e) {
      if (cancel.isCancelled() && downloading) {
        return ended(e);
      }
      if (!cancel.isCancelled() && interruptedIo(e)) {
        // A close interrupted a file operation (the JDK then closes the channel): a shutdown, not a failure; the
        // download's last checkpoint stays for the next run.
        throw new InterruptedException("stopped during " + e.getMessage());
      }
      return finished(fail(e));
    } catch (InterruptedException e) {
      if (cancel.isCancelled() && downloading) {
        return ended(e);
      }
      throw e;
    }
  }

  /**
   * The job ended in the cloud (canceled, timed out, removed) while its files downloaded: whatever stopped the
   * download (the agent's interrupt, a closed channel, the cancellation itself) ends it as a user abort, which
   * cleans up and reports nothing, since the cloud would refuse any update. (Later, during activation or the
   * self-test, an interrupt stays a stop: the image's fate is the platform's and the next run's.) The agent interrupts a canceled job's
   * thread; the flag is cleared for the clean-up's file operations and set again after.
   */
  private OtaResult ended(Exception cause) {
    boolean interrupted = Thread.interrupted();
    try {
      OtaException abort = cause instanceof OtaException o && o.code() == OtaErrorCode.USER_ABORT ? o
          : new OtaException(OtaErrorCode.USER_ABORT, cancel.reason(), cause);
      return finished(fail(abort));
    } catch (InterruptedException e) {
      interrupted = true;
      return finished(new OtaResult(JobExecutionStatus.CANCELED, Map.of(), new OtaException(
          OtaErrorCode.USER_ABORT, cancel.reason(), cause)));
    } finally {
      if (interrupted) {
        Thread.currentThread().interrupt();
      }
    }
  }

  private static boolean interruptedIo(Throwable e) {
    for (Throwable t = e; t != null; t = t.getCause()) {
      if (t instanceof java.nio.channels.ClosedByInterruptException) {
        return true;
      }
    }
    return Thread.currentThread().isInterrupted();
  }

  private OtaResult update() throws OtaException, InterruptedException {
    OtaProtocol protocol = chooseProtocol();
    for (OtaFile f : document.files()) {
      parts.platform().checkFile(f);
    }
    downloading = true;
    List<VerifiedFile> verified = download(protocol);
    downloading = false;
    List<VerifiedFile> firmware = verified.stream().filter(v -> parts.config().isFirmware(v.file())).toList();
    cancel.check();
    if (firmware.isEmpty()) {
      reporter.confirm(JobExecutionStatus.IN_PROGRESS, meter.details(SelfTestStatus.RECEIVING));
      parts.platform().install(verified, false);
      parts.downloads().discard(job.jobId(), document.files().size());
      return terminal(JobExecutionStatus.SUCCEEDED, meter.details(SelfTestStatus.ACCEPTED), null);
    }
    // The cloud must know the image is ready before the device activates it (rustot lesson #93).
    reporter.confirm(JobExecutionStatus.IN_PROGRESS, meter.details(SelfTestStatus.READY));
    parts.platform().install(verified, true);
    parts.downloads().discard(job.jobId(), document.files().size());
    log.info("ota {}: activating {} firmware file(s)", job.jobId(), firmware.size());
    OtaPlatform.Activation a = parts.platform().activate(firmware);
    if (a == OtaPlatform.Activation.RESTARTING) {
      return new OtaResult(JobExecutionStatus.IN_PROGRESS, meter.details(SelfTestStatus.READY).toMap(), null);
    }
    return new SelfTestGate(parts, job, reporter, meter).selfTestAndCommit();
  }

  private OtaProtocol chooseProtocol() throws OtaException {
    for (OtaProtocol p : document.protocols()) {
      if (!parts.protocols().contains(p)) {
        continue;
      }
      if (p == OtaProtocol.MQTT && document.streamName().isPresent()) {
        return p;
      }
      if (p == OtaProtocol.HTTP && document.files().stream().allMatch(f -> f.updateDataUrl() != null)) {
        return p;
      }
      if (p == OtaProtocol.FILE && parts.localFiles() != null
          && document.files().stream().allMatch(f -> document.localPath(f).isPresent())) {
        return p;
      }
    }
    parts.platform().setImageState(ImageState.aborted(OtaErrorCode.INVALID_PROTOCOL));
    throw new OtaException(OtaErrorCode.INVALID_PROTOCOL, "the job offers " + document.protocols()
        + " and this device takes " + parts.protocols() + (document.streamName().isEmpty() ? " (no stream)" : ""));
  }

  private List<VerifiedFile> download(OtaProtocol protocol) throws OtaException, InterruptedException {
    List<PartialDownload> partials = new ArrayList<>();
    try {
      for (OtaFile f : document.files()) {
        PartialDownload p = parts.downloads().open(job.jobId(), f);
        partials.add(p);
        meter.resumed(p.ledger().receivedCount(), resumedBytes(p.ledger()));
        if (p.resumedBlocks() > 0) {
          log.info("ota {}: resuming {} at {}/{} blocks", job.jobId(), f.filepath(), p.resumedBlocks(),
              p.ledger().totalBlocks());
        }
      }
      reporter.confirm(JobExecutionStatus.IN_PROGRESS, meter.details(SelfTestStatus.RECEIVING));
      List<VerifiedFile> verified = new ArrayList<>();
      if (protocol == OtaProtocol.MQTT) {
        try (MqttStreamDownload mqtt = new MqttStreamDownload(parts.mqtt(), parts.thingName(),
            document.streamName().orElseThrow(), job.jobId(), parts.config(), cancel)) {
          mqtt.open();
          for (int i = 0; i < partials.size(); i++) {
            verified.add(fetch(document.files().get(i), partials.get(i), protocol, mqtt::download));
          }
        }
      } else if (protocol == OtaProtocol.FILE) {
        LocalFileDownload local = new LocalFileDownload(parts.localFiles(), cancel);
        for (int i = 0; i < partials.size(); i++) {
          OtaFile f = document.files().get(i);
          java.nio.file.Path source = local.resolve(f, document.localPath(f).orElseThrow());
          verified.add(fetch(f, partials.get(i), protocol, ingest -> local.download(ingest, source)));
        }
      } else {
        HttpRangeDownload http = new HttpRangeDownload(parts.http(), parts.config(), cancel, parts.urls(),
            parts.timers(), job.jobId());
        for (int i = 0; i < partials.size(); i++) {
          verified.add(fetch(document.files().get(i), partials.get(i), protocol, http::download));
        }
      }
      return verified;
    } finally {
      partials.forEach(PartialDownload::close);
    }
  }

  /** One protocol's way of filling a file's missing blocks. */
  @FunctionalInterface
  private interface Transport {
    void download(FileIngest ingest) throws OtaException, InterruptedException;
  }

  private VerifiedFile fetch(OtaFile f, PartialDownload p, OtaProtocol protocol, Transport transport)
      throws OtaException, InterruptedException {
    StreamingVerification checks = new StreamingVerification(f, p, parts.verifier());
    FileIngest ingest = new FileIngest(f, p, parts.config().checkpointBlocks(), (i, id, size) -> {
      meter.block(f, size);
      reporter.checkRefused();
    }).verifyWith(checks);
    if (!p.ledger().isComplete()) {
      log.info("ota {}: downloading {} ({} bytes) over {}", job.jobId(), f.filepath(), f.size(), protocol);
      transport.download(ingest);
    }
    ingest.finish();
    meter.flush(f);
    VerifiedFile v = checks.finish();
    parts.listener().onFileVerified(job.jobId(), v);
    return v;
  }

  private static long resumedBytes(BlockLedger l) {
    long bytes = (long) l.receivedCount() * l.blockSize();
    if (l.has(l.totalBlocks() - 1)) {
      bytes -= l.blockSize() - l.expectedSize(l.totalBlocks() - 1);
    }
    return bytes;
  }

  /** Reports a failure (rustot-spec §7.10, step 3) and cleans up. */
  private OtaResult fail(OtaException e) throws InterruptedException {
    OtaErrorCode code = e.code();
    log.warn("ota {}: {} ({})", job.jobId(), e.getMessage(), code.reason());
    parts.downloads().discard(job.jobId(), document.files().size());
    if (code == OtaErrorCode.MOMENTUM_ABORT || code == OtaErrorCode.USER_ABORT) {
      setImageStateQuietly(ImageState.aborted(code));
    }
    if (code == OtaErrorCode.USER_ABORT && cancel.isCancelled()) {
      // The execution is over in the cloud already; a FAILED update would only be refused.
      return new OtaResult(JobExecutionStatus.CANCELED, Map.of(), e);
    }
    return terminal(JobExecutionStatus.FAILED, meter.details(SelfTestStatus.ABORTED).withFailure(code, e.getMessage()), e);
  }

  private OtaResult reject(String why) throws InterruptedException {
    log.warn("ota {}: rejected: {}", job.jobId(), why);
    OtaException e = new OtaException(OtaErrorCode.INVALID_DOCUMENT, why);
    return finished(terminal(JobExecutionStatus.REJECTED,
        OtaStatusDetails.of(SelfTestStatus.REJECTED).withFailure(OtaErrorCode.INVALID_DOCUMENT, why), e));
  }

  /** Sends a terminal status and waits for it (a refusal is logged: the outcome stands for this run). */
  private OtaResult terminal(JobExecutionStatus status, OtaStatusDetails details, OtaException error)
      throws InterruptedException {
    try {
      reporter.confirm(status, details);
    } catch (OtaException e) {
      log.warn("ota {}: the {} update was not confirmed: {}", job.jobId(), status, e.getMessage());
      return new OtaResult(status, details.toMap(), error != null ? error : e);
    }
    return new OtaResult(status, details.withExtras(platformDetails()).toMap(), error);
  }

  private OtaResult finished(OtaResult r) {
    parts.listener().onJobFinished(job.jobId(), r);
    return r;
  }

  private void setImageStateQuietly(ImageState s) {
    try {
      parts.platform().setImageState(s);
    } catch (OtaException e) {
      log.warn("ota {}: platform refused image state {}: {}", job.jobId(), s.kind(), e.getMessage());
    }
  }

  private Map<String, String> platformDetails() {
    try {
      return parts.platform().statusDetails();
    } catch (RuntimeException e) {
      return Map.of();
    }
  }

  static PlatformImageState stateOf(OtaPlatform platform) {
    try {
      return platform.imageState();
    } catch (OtaException | RuntimeException e) {
      log.warn("ota: the platform's image state is unknown: {}", e.getMessage());
      return PlatformImageState.UNKNOWN;
    }
  }
}
