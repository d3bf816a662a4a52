package dev.thingbridge.transfer;

import com.fasterxml.jackson.databind.JsonNode;
import dev.thingbridge.jobs.JobAgent;
import dev.thingbridge.jobs.JobAgentListener;
import dev.thingbridge.jobs.JobDocumentType;
import dev.thingbridge.jobs.JobHandler;
import dev.thingbridge.mqtt.MqttClient;
import java.net.http.HttpClient;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.CompletableFuture;

/**
 * Takes the OTA jobs of one thing from AWS IoT Jobs and applies them: a {@link JobAgent} running an {@link
 * OtaJobHandler} over an {@link OtaUpdater}. It claims each {@code afr_ota} job, downloads its files over the
 * job's MQTT stream or HTTP URL, checks their signatures, installs them through the {@link OtaPlatform},
 * activates firmware and commits it after its self-test, and resumes all of that after a restart.
 *
 * <pre>{@code
 * GatewayPlatform platform = GatewayPlatform.builder(stateDir).build();
 * try (OtaAgent ota = OtaAgent.builder(mqtt, platform, stateDir)
 *     .verifier(CodeSigningVerifier.builder().certificate(Path.of("codesign.pem")).build())
 *     .listener(progressBar)
 *     .build()) {
 *   ota.start().get(10, TimeUnit.SECONDS);
 *   ...
 * }
 * }</pre>
 *
 * <p>State: {@code <stateDir>/ota/jobs} (the running execution), {@code <stateDir>/ota/downloads} (partial files).
 */
public final class OtaAgent implements AutoCloseable {
  private final OtaUpdater updater;
  private final JobAgent<JsonNode> jobs;

  private OtaAgent(Builder b) {
    this.updater = b.updater.build();
    OtaJobHandler handler = new OtaJobHandler(updater, b.others);
    JobAgent.Builder<JsonNode> jb = JobAgent.builder(b.mqtt, JobDocumentType.JSON, handler)
        .thingName(updater.thingName())
        .stateDir(b.stateDir.resolve("ota").resolve("jobs"))
        .listener(b.jobListener);
    if (b.stepTimeout != null) {
      jb.stepTimeout(b.stepTimeout);
    }
    if (b.replyTimeout != null) {
      jb.replyTimeout(b.replyTimeout);
    }
    this.jobs = jb.build();
  }

  public static Builder builder(MqttClient mqtt, OtaPlatform platform, Path stateDir) {
    return new Builder(mqtt, platform, stateDir);
  }

  /** Subscribes and looks for a job; completes once subscribed. */
  public CompletableFuture<Void> start() {
    return jobs.start();
  }

  /** The thing it updates. */
  public String thingName() {
    return updater.thingName();
  }

  /** The updater, for {@link OtaUpdater#checkForJob()} and the settings. */
  public OtaUpdater updater() {
    return updater;
  }

  /** Stops at once: a download in progress stops and resumes at the next start; nothing is reported. */
  @Override
  public void close() {
    jobs.close();
    updater.close();
  }

  /** Builds an {@link OtaAgent}. */
  public static final class Builder {
    private final MqttClient mqtt;
    private final Path stateDir;
    private final OtaUpdater.Builder updater;
    private JobHandler<JsonNode> others;
    private JobAgentListener jobListener = JobAgentListener.NONE;
    private Duration stepTimeout;
    private Duration replyTimeout;

    private Builder(MqttClient mqtt, OtaPlatform platform, Path stateDir) {
      this.mqtt = Objects.requireNonNull(mqtt, "mqtt");
      this.stateDir = Objects.requireNonNull(stateDir, "stateDir");
      this.updater = OtaUpdater.builder(mqtt, platform, stateDir);
    }

    public Builder thingName(String value) {
      updater.thingName(value);
      return this;
    }

    public Builder config(OtaConfig value) {
      updater.config(value);
      return this;
    }

    public Builder verifier(SignatureVerifier value) {
      updater.verifier(value);
      return this;
    }

    public Builder documentAdapter(OtaDocumentAdapter value) {
      updater.documentAdapter(value);
      return this;
    }

    /** See {@link OtaUpdater.Builder#localFiles}. */
    public Builder localFiles(Path root) {
      updater.localFiles(root);
      return this;
    }

    public Builder listener(OtaListener value) {
      updater.listener(value);
      return this;
    }

    public Builder protocols(Set<OtaProtocol> value) {
      updater.protocols(value);
      return this;
    }

    public Builder httpClient(HttpClient value) {
      updater.httpClient(value);
      return this;
    }

    /** The handler for jobs that are not OTA jobs (default: they are REJECTED). */
    public Builder otherJobs(JobHandler<JsonNode> value) {
      this.others = value;
      return this;
    }

    /** Observes the underlying job agent. */
    public Builder jobListener(JobAgentListener value) {
      this.jobListener = Objects.requireNonNull(value);
      return this;
    }

    /** The step timeout sent when a job is claimed (default none). */
    public Builder stepTimeout(Duration value) {
      this.stepTimeout = value;
      return this;
    }

    /** How long to wait for each Jobs reply (default 5 s). */
    public Builder replyTimeout(Duration value) {
      this.replyTimeout = value;
      return this;
    }

    public OtaAgent build() {
      return new OtaAgent(this);
    }
  }
}
