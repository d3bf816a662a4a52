package dev.thingbridge.twin.server;

import dev.thingbridge.mqtt.MqttClient;
import dev.thingbridge.twin.Twin;
import dev.thingbridge.twin.TwinLimits;
import dev.thingbridge.twin.TwinScript;
import dev.thingbridge.twin.commands.CommandsService;
import dev.thingbridge.twin.defender.DefenderService;
import dev.thingbridge.twin.http.ControlPlaneServer;
import dev.thingbridge.twin.http.Route;
import dev.thingbridge.twin.jobs.JobsService;
import dev.thingbridge.twin.ota.InMemoryOtaUpdateCatalog;
import dev.thingbridge.twin.ota.OtaFileServer;
import dev.thingbridge.twin.ota.OtaService;
import dev.thingbridge.twin.provisioning.CertificateAuthority;
import dev.thingbridge.twin.provisioning.ProvisioningService;
import dev.thingbridge.twin.shadows.ShadowsService;
import dev.thingbridge.twin.store.SyncMode;
import dev.thingbridge.twin.streams.InMemoryStreamCatalog;
import dev.thingbridge.twin.streams.S3Files;
import dev.thingbridge.twin.streams.StreamsService;
import dev.thingbridge.twin.things.ThingRegistry;
import dev.thingbridge.twin.things.ThingsService;
import dev.thingbridge.twin.web.WebConsole;
import java.io.IOException;
import java.net.InetAddress;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * The whole local cloud in one piece: a {@link Twin} with every service (things, shadows, jobs, commands, MQTT
 * streams, OTA updates, fleet provisioning with its certificate authority, Device Defender) and, optionally, its
 * AWS-shaped HTTP control plane with the OTA file server beside it. This is what {@code thingbridge twin} and {@code
 * thingbridge local} run; tests and embedding applications can start it the same way.
 */
public final class TwinServer implements AutoCloseable {
  private final Twin twin;
  private final ControlPlaneServer http;
  private final OtaFileServer files;
  private final StreamsService streams;
  private final ProvisioningService provisioning;
  private final WebConsole console;

  private TwinServer(Twin twin, ControlPlaneServer http, WebConsole console, OtaFileServer files,
      StreamsService streams, ProvisioningService provisioning) {
    this.twin = twin;
    this.http = http;
    this.console = console;
    this.files = files;
    this.streams = streams;
    this.provisioning = provisioning;
  }

  /**
   * Starts the twin on {@code mqtt} and, if {@code options} ask for it, the HTTP control plane.
   *
   * @throws IOException if the HTTP port cannot be bound
   * @throws dev.thingbridge.twin.store.TwinStoreException if the state directory cannot be used (one line
   *     naming it and the reason)
   * @throws TimeoutException if the twin's subscriptions are not acknowledged within {@code startTimeout}
   */
  public static TwinServer start(MqttClient mqtt, Options options)
      throws IOException, InterruptedException, TimeoutException {
    ThingRegistry registry = new ThingRegistry();
    ThingsService things = new ThingsService(registry);
    // Certificates are checked by real TLS stacks against real time, whatever clock the twin's logic runs on.
    CertificateAuthority ca = options.stateDir == null ? CertificateAuthority.ephemeral(Clock.systemUTC())
        : CertificateAuthority.inDirectory(options.stateDir, Clock.systemUTC());
    ProvisioningService provisioning = new ProvisioningService(things, ca);
    // The OTA file server (update_data_url) runs beside the HTTP API, on the next port (8444 beside 8443), so that
    // the URLs in job documents stay good across a restart with the same flags; beside a free port, on a free port.
    OtaFileServer files = options.apiPort >= 0 ? startFileServer(options) : null;
    StreamsService streams = new StreamsService(new InMemoryStreamCatalog(),
        new S3Files(options.stateDir == null ? null : options.stateDir.resolve("s3")), registry);
    JobsService jobs = new JobsService(registry);
    Twin.Builder builder = Twin.builder(mqtt)
        .clock(options.clock)
        .limits(options.awsLimits ? TwinLimits.AWS : TwinLimits.RELAXED)
        .service(things)
        .service(new ShadowsService())
        .service(jobs)
        .service(new CommandsService())
        .service(streams)
        .service(new OtaService(new InMemoryOtaUpdateCatalog(), streams, jobs, registry, files))
        .service(provisioning)
        .service(new DefenderService());
    if (options.stateDir != null) {
      builder.stateDir(options.stateDir).sync(options.sync);
    }
    if (options.script != null) {
      builder.script(options.script);
    }
    Twin twin = builder.build();
    try {
      twin.start().get(options.startTimeout.toMillis(), TimeUnit.MILLISECONDS);
    } catch (RuntimeException e) {
      closeAll(twin, files, streams, provisioning);
      throw e;
    } catch (ExecutionException e) {
      closeAll(twin, files, streams, provisioning);
      throw new IllegalStateException("the twin could not subscribe: " + e.getCause().getMessage(), e.getCause());
    } catch (TimeoutException | InterruptedException e) {
      closeAll(twin, files, streams, provisioning);
      throw e;
    }
    ControlPlaneServer http = null;
    WebConsole console = null;
    if (options.apiPort >= 0) {
      console = WebConsole.create(twin);
      List<Route> routes = new ArrayList<>(twin.routes());
      routes.addAll(console.routes());
      try {
        http = ControlPlaneServer.start(options.apiAddress, options.apiPort, routes);
        console.mount(http);
      } catch (IOException e) {
        closeAll(twin, files, streams, provisioning);
        throw new IOException("cannot serve the control plane on " + options.apiAddress.getHostAddress() + ":"
            + options.apiPort + ": " + e.getMessage(), e);
      }
    }
    return new TwinServer(twin, http, console, files, streams, provisioning);
  }

  private static OtaFileServer startFileServer(Options options) throws IOException {
    int port = options.apiPort > 0 && options.apiPort < 65535 ? options.apiPort + 1 : 0;
    try {
      return OtaFileServer.start(options.apiAddress, port, options.clock);
    } catch (IOException e) {
      throw new IOException("cannot serve OTA files on " + options.apiAddress.getHostAddress() + ":" + port
          + " (the port after the API's): " + e.getMessage(), e);
    }
  }

  private static void closeAll(Twin twin, OtaFileServer files, StreamsService streams,
      ProvisioningService provisioning) {
    twin.close();
    streams.close();
    provisioning.close();
    if (files != null) {
      files.close();
    }
  }

  /** The twin, for its services' plain-Java APIs ({@code twin().service(JobsService.class)}). */
  public Twin twin() {
    return twin;
  }

  /**
   * The twin's certificate authority: it signs the certificates fleet provisioning issues; with a state
   * directory its certificate is {@code ca/ca.pem} there, for brokers and devices to trust.
   */
  public CertificateAuthority certificateAuthority() {
    return provisioning.certificateAuthority();
  }

  /** The HTTP control plane, when one was asked for. */
  public Optional<ControlPlaneServer> controlPlane() {
    return Optional.ofNullable(http);
  }

  /** The OTA file server for {@code update_data_url}, running when the control plane is. */
  public Optional<OtaFileServer> fileServer() {
    return Optional.ofNullable(files);
  }

  /** The web console at {@code /} of the control plane, when the control plane runs. */
  public Optional<WebConsole> console() {
    return Optional.ofNullable(console);
  }

  @Override
  public void close() {
    if (console != null) {
      console.close();
    }
    if (http != null) {
      http.close();
    }
    closeAll(twin, files, streams, provisioning);
  }

  /** How to run a {@link TwinServer}. Immutable; start from {@link #defaults()}. */
  public static final class Options {
    private final InetAddress apiAddress;
    private final int apiPort;
    private final Path stateDir;
    private final SyncMode sync;
    private final boolean awsLimits;
    private final Clock clock;
    private final Duration startTimeout;
    private final TwinScript script;

    private Options(InetAddress apiAddress, int apiPort, Path stateDir, SyncMode sync, boolean awsLimits,
        Clock clock, Duration startTimeout, TwinScript script) {
      this.apiAddress = Objects.requireNonNull(apiAddress);
      this.apiPort = apiPort;
      this.stateDir = stateDir;
      this.sync = Objects.requireNonNull(sync);
      this.awsLimits = awsLimits;
      this.clock = Objects.requireNonNull(clock);
      this.startTimeout = Objects.requireNonNull(startTimeout);
      this.script = script;
    }

    /** No HTTP API, state in memory, relaxed limits, system clock, 30 s to start. */
    public static Options defaults() {
      return new Options(InetAddress.getLoopbackAddress(), -1, null, SyncMode.NORMAL, false, Clock.systemUTC(),
          Duration.ofSeconds(30), null);
    }

    /** Serve the control plane on {@code address:port} (port 0 picks a free one). */
    public Options withApi(InetAddress address, int port) {
      if (port < 0 || port > 65535) {
        throw new IllegalArgumentException("API port must be 0..65535: " + port);
      }
      return new Options(address, port, stateDir, sync, awsLimits, clock, startTimeout, script);
    }

    /** Keep shadows, things, jobs and commands in {@code twin.db} in this directory across restarts. */
    public Options withStateDir(Path dir) {
      return new Options(apiAddress, apiPort, dir, sync, awsLimits, clock, startTimeout, script);
    }

    /** How commits are synced to disk with a state directory ({@code --sync}; default normal). */
    public Options withSync(SyncMode value) {
      return new Options(apiAddress, apiPort, stateDir, value, awsLimits, clock, startTimeout, script);
    }

    /** Enforce AWS IoT Core's limits ({@link TwinLimits#AWS}). */
    public Options withAwsLimits(boolean on) {
      return new Options(apiAddress, apiPort, stateDir, sync, on, clock, startTimeout, script);
    }

    /** The clock for timestamps and timeouts. */
    public Options withClock(Clock value) {
      return new Options(apiAddress, apiPort, stateDir, sync, awsLimits, value, startTimeout, script);
    }

    /** A script for tests: scripted replies, faults on topics, a refusing disk ({@link TwinScript}). */
    public Options withScript(TwinScript value) {
      return new Options(apiAddress, apiPort, stateDir, sync, awsLimits, clock, startTimeout, value);
    }
  }
}
