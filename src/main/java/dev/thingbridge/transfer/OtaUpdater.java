package dev.thingbridge.transfer;

import com.fasterxml.jackson.databind.JsonNode;
import dev.thingbridge.internal.NamedThreadFactory;
import dev.thingbridge.jobs.JobClient;
import dev.thingbridge.jobs.JobTopics;
import dev.thingbridge.jobs.model.DescribeJobExecutionRequest;
import dev.thingbridge.mqtt.MqttClient;
import dev.thingbridge.mqtt.QoS;
import java.net.http.HttpClient;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.EnumSet;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * Runs OTA jobs for one thing (rustot's {@code Transfer::perform_ota}): give it a job with {@link #run} and it
 * downloads the files over an MQTT stream or HTTP, resuming what an earlier run left, checks them, installs them
 * through the {@link OtaPlatform}, activates firmware and takes it through its self-test, reporting every step
 * to the job execution.
 *
 * <p>Most users run {@link OtaAgent}, which takes the jobs from AWS IoT Jobs itself; this class is for a job loop
 * of your own (with {@link OtaJobControl#of(JobClient, String)}) or for a {@link OtaJobHandler} among other job
 * handlers.
 *
 * <p>Threads: jobs run on the caller's thread; {@code thingbridge-ota-<thing>-timer} watches HTTP reads, {@code
 * thingbridge-ota-<thing>-selftest} runs self-tests (so they can be bounded) and {@code
 * thingbridge-ota-<thing>-http} serves the HTTP client; {@code thingbridge-ota-<thing>-warm-up} runs for a moment
 * at the start ({@link HashWarmUp}). {@link #close()} stops them.
 */
public final class OtaUpdater implements AutoCloseable {
  private final OtaRun.Parts parts;
  private final ScheduledExecutorService timers;
  private final ExecutorService selfTests;
  private final ExecutorService httpThreads;
  private final JobClient jobs;
  private final Thread warmUp;

  private OtaUpdater(Builder b) {
    String thing = b.thingName == null ? b.mqtt.clientId() : b.thingName;
    String name = "thingbridge-ota-" + thing;
    this.timers = Executors.newSingleThreadScheduledExecutor(new NamedThreadFactory(name + "-timer", true));
    this.selfTests = Executors.newCachedThreadPool(new NamedThreadFactory(name + "-selftest", true));
    this.httpThreads = Executors.newCachedThreadPool(new NamedThreadFactory(name + "-http", true));
    HttpClient http = b.httpClient != null ? b.httpClient : HttpClient.newBuilder()
        .connectTimeout(b.config.httpTimeout())
        .followRedirects(HttpClient.Redirect.NORMAL)
        .executor(httpThreads)
        .build();
    this.jobs = new JobClient(b.mqtt, thing, b.config.statusAckTimeout());
    SignatureVerifier verifier = b.verifier != null ? b.verifier : file -> {
      throw new OtaException(OtaErrorCode.SIG_CHECK_FAILED, file.filepath()
          + ": no code-signing certificate or verifier is configured on this device");
    };
    this.parts = new OtaRun.Parts(b.mqtt, thing, b.config, b.platform, verifier, b.adapter, b.listener,
        Set.copyOf(b.protocols), new FileDownloads(b.stateDir, b.config), http, timers, selfTests,
        new JobUrls(jobs, b.adapter), b.localFiles);
    this.warmUp = HashWarmUp.start(name + "-warm-up");
  }

  /**
   * A builder for an updater of the thing {@code mqtt} connects as, installing through {@code platform} and
   * keeping resumable downloads in {@code stateDir}.
   */
  public static Builder builder(MqttClient mqtt, OtaPlatform platform, Path stateDir) {
    return new Builder(mqtt, platform, stateDir);
  }

  /** The thing it updates. */
  public String thingName() {
    return parts.thingName();
  }

  /** The settings. */
  public OtaConfig config() {
    return parts.config();
  }

  /** The OTA request in a job document, if it is an OTA job ({@link OtaDocumentException} if malformed). */
  public Optional<OtaDocument> read(JsonNode jobDocument) {
    return parts.adapter().read(jobDocument);
  }

  /**
   * Runs one job on the calling thread until it ends on this run (see {@link OtaResult}).
   *
   * @throws InterruptedException when the thread is interrupted without the job being canceled (a shutdown):
   *     nothing more is reported, and the download resumes on the next run
   */
  public OtaResult run(OtaJob job) throws InterruptedException {
    return new OtaRun(parts, job).run();
  }

  /** rustot's {@code check_for_job}: an empty DescribeJobExecution of {@code $next}, at QoS 0, not waited for. */
  public CompletableFuture<Void> checkForJob() {
    return parts.mqtt().publish(jobs.topics().describe(JobTopics.NEXT), "{}".getBytes(StandardCharsets.UTF_8),
        QoS.AT_MOST_ONCE, false);
  }

  @Override
  public void close() {
    warmUp.interrupt();
    timers.shutdownNow();
    selfTests.shutdownNow();
    httpThreads.shutdownNow();
    jobs.close();
    try {
      timers.awaitTermination(2, TimeUnit.SECONDS);
      selfTests.awaitTermination(2, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  /** Fresh pre-signed URLs: the job document described again (AWS signs the URL anew on each fetch). */
  private record JobUrls(JobClient jobs, OtaDocumentAdapter adapter) implements HttpRangeDownload.UrlSource {
    @Override
    public String url(OtaFile file) {
      return file.updateDataUrl();
    }

    @Override
    public Optional<String> refresh(String jobId, OtaFile file) throws InterruptedException {
      try {
        JsonNode doc = jobs.describe(jobId, new DescribeJobExecutionRequest(null, true, null))
            .get(30, TimeUnit.SECONDS).execution().jobDocument();
        return adapter.read(doc).map(d -> d.files().size() > file.index() ? d.files().get(file.index()) : null)
            .map(OtaFile::updateDataUrl);
      } catch (java.util.concurrent.ExecutionException | java.util.concurrent.TimeoutException
          | RuntimeException e) {
        return Optional.empty();
      }
    }
  }

  /** Builds an {@link OtaUpdater}. */
  public static final class Builder {
    private final MqttClient mqtt;
    private final OtaPlatform platform;
    private final Path stateDir;
    private String thingName;
    private OtaConfig config = OtaConfig.defaults();
    private SignatureVerifier verifier;
    private OtaDocumentAdapter adapter = OtaDocumentAdapter.AFR_OTA;
    private OtaListener listener = OtaListener.NONE;
    private Set<OtaProtocol> protocols = EnumSet.allOf(OtaProtocol.class);
    private HttpClient httpClient;
    private Path localFiles;

    private Builder(MqttClient mqtt, OtaPlatform platform, Path stateDir) {
      this.mqtt = Objects.requireNonNull(mqtt, "mqtt");
      this.platform = Objects.requireNonNull(platform, "platform");
      this.stateDir = Objects.requireNonNull(stateDir, "stateDir");
    }

    /** The thing (default: the MQTT client id). */
    public Builder thingName(String value) {
      this.thingName = value;
      return this;
    }

    public Builder config(OtaConfig value) {
      this.config = Objects.requireNonNull(value);
      return this;
    }

    /**
     * What decides that a file may be installed (default: nothing may, every file fails with {@code
     * sig_check_failed}: configure a {@link CodeSigningVerifier}).
     */
    public Builder verifier(SignatureVerifier value) {
      this.verifier = Objects.requireNonNull(value);
      return this;
    }

    /** How OTA requests are read from job documents (default {@link OtaDocumentAdapter#AFR_OTA}). */
    public Builder documentAdapter(OtaDocumentAdapter value) {
      this.adapter = Objects.requireNonNull(value);
      return this;
    }

    public Builder listener(OtaListener value) {
      this.listener = Objects.requireNonNull(value);
      return this;
    }

    /** The protocols this device downloads with (default both; the job's order of preference decides). */
    public Builder protocols(Set<OtaProtocol> value) {
      if (value.isEmpty()) {
        throw new IllegalArgumentException("at least one protocol");
      }
      this.protocols = EnumSet.copyOf(value);
      return this;
    }

    /** The HTTP client for {@code update_data_url} downloads (default: a JDK client of the updater's own). */
    public Builder httpClient(HttpClient value) {
      this.httpClient = value;
      return this;
    }

    /**
     * Where {@link OtaProtocol#FILE} files are read from (default: none, such jobs fail with {@code
     * invalid_protocol}): a document's {@link OtaDocument#localPath} is resolved under this directory and may not
     * leave it.
     */
    public Builder localFiles(Path root) {
      this.localFiles = root;
      return this;
    }

    public OtaUpdater build() {
      return new OtaUpdater(this);
    }
  }
}
