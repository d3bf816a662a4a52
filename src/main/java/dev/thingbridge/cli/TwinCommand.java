package dev.thingbridge.cli;

import dev.thingbridge.mqtt.MqttClient;
import dev.thingbridge.mqtt.MqttException;
import dev.thingbridge.twin.server.TwinServer;
import dev.thingbridge.twin.store.SyncMode;
import dev.thingbridge.twin.store.TwinStoreException;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code thingbridge twin}: the local twin of the AWS IoT cloud attached to an MQTT broker, so that every
 * device on that broker (Mosquitto, say) talks to it as to AWS IoT Core, and scripts drive it through its
 * AWS-compatible HTTP API. Every flag is checked, the API port and the state directory included, before it
 * connects; nothing is reported ready that is not.
 */
@Command(
    name = "twin",
    description = {
      "Run the local twin of the AWS IoT cloud (shadows, jobs, commands, things, MQTT streams, OTA updates, fleet",
      "provisioning, Device Defender) on an MQTT broker, with an AWS-compatible HTTP control plane and, on the next",
      "port, the OTA file server. Stops on Ctrl-C, SIGTERM or after --duration."
    })
public final class TwinCommand implements Callable<Integer> {
  static final Duration STOP_BUDGET = Duration.ofMillis(2500);
  /** Heap in use after loading beyond which {@link #settleLoadedState} collects once (a fresh twin uses ~20 MiB). */
  private static final long LARGE_HEAP_BYTES = 128L * 1024 * 1024;

  @Spec CommandSpec spec;

  @Mixin TwinConnectionOptions connection;

  @Option(names = "--api-port", paramLabel = "PORT", defaultValue = "8443", converter = PortConverter.class,
      description = "Port of the HTTP control plane (0 picks a free one, -1 turns it off). Default: ${DEFAULT-VALUE}.")
  int apiPort;

  @Option(names = "--api-host", paramLabel = "ADDRESS", defaultValue = "127.0.0.1",
      description = "Address the HTTP control plane listens on. Default: ${DEFAULT-VALUE} (loopback only).")
  String apiHost;

  @Option(names = "--state-dir", paramLabel = "DIR",
      description = "Keep shadows, things, jobs, commands, streams, OTA updates, certificates, templates and Defender "
          + "reports in DIR/twin.db and the twin's CA in DIR/ca across restarts (default: in memory); "
          + "DIR/s3/BUCKET/KEY holds the files of S3 locations with a relative key.")
  Path stateDir;

  @Option(names = "--sync", paramLabel = "MODE", converter = SyncModeConverter.class,
      description = "With --state-dir: normal (default) survives a kill at any moment and may lose the last "
          + "moments on power loss; full also fsyncs before every reply.")
  SyncMode sync;

  @Option(names = "--aws-limits",
      description = "Enforce AWS IoT Core's limits: 128 KiB payloads, 100 publishes/s and 512 KiB/s per thing, "
          + "shadow 8 KB and depth 6.")
  boolean awsLimits;

  @Option(names = "--duration", paramLabel = "DURATION", converter = DurationConverter.class,
      description = "Stop by itself after this long (default: until Ctrl-C or SIGTERM).")
  Duration duration;

  /** The twin's connection flags: the client id defaults to {@code thingbridge-twin-<random>}. */
  public static final class TwinConnectionOptions extends BrokerOptions {
    @Option(names = "--client-id", paramLabel = "ID", converter = ClientIdConverter.class,
        description = "MQTT client id (default: a fresh thingbridge-twin-<random>, so that a second twin never takes "
            + "over the first).")
    String clientId;

    @Option(names = "--mqtt-client", paramLabel = "KIND", defaultValue = "auto",
        description = "MQTT client: auto (Java NIO for mqtt://, aws-crt for mqtts://), nio or crt. Default: "
            + "${DEFAULT-VALUE}.")
    MqttClientKind mqttClient;

    @Override
    String clientIdFlag() {
      return clientId;
    }

    @Override
    boolean usesJavaClient() {
      if (mqttClient == MqttClientKind.nio && endpoint().tls()) {
        throw new UsageException("--mqtt-client nio speaks plain TCP only; use mqtt:// or --mqtt-client crt for "
            + endpoint());
      }
      return mqttClient == MqttClientKind.nio || (mqttClient == MqttClientKind.auto && !endpoint().tls());
    }
  }

  /** The MQTT clients the twin can use. */
  enum MqttClientKind {
    auto, nio, crt
  }

  @Override
  public Integer call() throws Exception {
    TwinServer.Options options = TwinServer.Options.defaults().withAwsLimits(awsLimits);
    if (apiPort >= 0) {
      InetAddress address = apiAddress();
      ApiPorts.requireFree("--api-port", address, apiPort);
      options = options.withApi(address, apiPort);
    }
    if (stateDir != null) {
      options = options.withStateDir(StateDirs.check("--state-dir", stateDir)).withSync(syncMode());
    } else if (sync != null) {
      throw new UsageException("--sync goes with --state-dir");
    }
    PrintWriter out = spec.commandLine().getOut();
    ThingBridgeCommand root = ThingBridgeCommand.of(spec);
    try (StopSignal stop = root.exit().stopSignal(STOP_BUDGET);
        MqttClient mqtt = connection.openWatched(ConnectionOptions.clientIdOr(connection.clientId,
            "thingbridge-twin-"), stop);
        TwinServer server = start(mqtt, options)) {
      settleLoadedState();
      out.println("twin: attached to " + connection.endpoint() + " as " + mqtt.clientId()
          + (stateDir == null ? ", state in memory" : ", state in " + stateDir + " (sync " + syncMode().name()
              .toLowerCase(java.util.Locale.ROOT) + ")")
          + (awsLimits ? ", AWS limits on" : ""));
      server.controlPlane().ifPresent(api -> out.println("twin: AWS-compatible HTTP API on " + api.endpoint()));
      server.fileServer().ifPresent(f -> out.println("twin: OTA files (update_data_url) on " + f.endpoint()));
      out.println("twin: certificate authority " + server.certificateAuthority().certificateFile()
          .map(f -> f.toAbsolutePath().toString()).orElse("in memory (new on every start; use --state-dir to keep it)"));
      out.println("ready: the twin answers shadows, jobs, commands, streams, OTA updates, fleet provisioning and "
          + "Device Defender");
      out.flush();
      stop.await(duration);
    }
    out.println("stopped");
    out.flush();
    return ExitCodes.OK;
  }

  /**
   * A large state loaded at start is still in the young generation, and the collector then copies it between
   * survivor spaces in pauses of hundreds of ms during the first minute of service (617 ms and 162 ms with
   * 100,000 shadows, where later young pauses take 2 ms). One full collection before the twin says ready
   * moves it to the old generation at once. This process owns its JVM, so the call is ours to make.
   */
  private static void settleLoadedState() {
    Runtime runtime = Runtime.getRuntime();
    if (runtime.totalMemory() - runtime.freeMemory() > LARGE_HEAP_BYTES) {
      System.gc();
    }
  }

  private SyncMode syncMode() {
    return sync == null ? SyncMode.NORMAL : sync;
  }

  /** Reads {@code --sync} while the flags are parsed: full or normal. */
  static final class SyncModeConverter implements picocli.CommandLine.ITypeConverter<SyncMode> {
    @Override
    public SyncMode convert(String value) {
      try {
        return SyncMode.parse(value);
      } catch (IllegalArgumentException e) {
        throw new picocli.CommandLine.TypeConversionException("'" + value + "' is not a sync mode (full or normal)");
      }
    }
  }

  /**
   * Starts the twin; a state directory or port it cannot use is the user's to fix (exit code 2), reported in
   * one line before anything says "ready".
   */
  static TwinServer start(MqttClient mqtt, TwinServer.Options options) throws Exception {
    try {
      return TwinServer.start(mqtt, options);
    } catch (MqttException e) {
      throw e;
    } catch (IOException | UncheckedIOException | IllegalArgumentException | TwinStoreException e) {
      throw new UsageException("the twin cannot start: " + ExitCodes.message(e), e);
    }
  }

  private InetAddress apiAddress() {
    try {
      return InetAddress.getByName(apiHost);
    } catch (UnknownHostException e) {
      throw new UsageException("--api-host is not an address: " + apiHost);
    }
  }
}
