package dev.thingbridge.cli;

import dev.thingbridge.mqtt.MqttClient;
import dev.thingbridge.twin.TwinServer;
import java.io.PrintWriter;
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
 * AWS-compatible HTTP API.
 */
@Command(
    name = "twin",
    mixinStandardHelpOptions = true,
    description = {
      "Run the local twin of the AWS IoT cloud (shadows, jobs, commands, things) on an MQTT broker,",
      "with an AWS-compatible HTTP control plane. Stops on Ctrl-C, SIGTERM or after --duration."
    })
public final class TwinCommand implements Callable<Integer> {
  static final Duration STOP_BUDGET = Duration.ofMillis(2500);

  @Spec CommandSpec spec;

  @Mixin ConnectionOptions connection;

  @Option(names = "--api-port", paramLabel = "PORT", defaultValue = "8443",
      description = "Port of the HTTP control plane (0 picks a free one, -1 turns it off). Default: ${DEFAULT-VALUE}.")
  int apiPort;

  @Option(names = "--api-host", paramLabel = "ADDRESS", defaultValue = "127.0.0.1",
      description = "Address the HTTP control plane listens on. Default: ${DEFAULT-VALUE} (loopback only).")
  String apiHost;

  @Option(names = "--state-dir", paramLabel = "DIR",
      description = "Keep shadows, things, jobs and commands here across restarts (default: in memory).")
  Path stateDir;

  @Option(names = "--aws-limits",
      description = "Enforce AWS IoT Core's limits: 128 KiB payloads, 100 publishes/s and 512 KiB/s per thing, "
          + "shadow 8 KB and depth 6.")
  boolean awsLimits;

  @Option(names = "--duration", paramLabel = "DURATION", converter = DurationConverter.class,
      description = "Stop by itself after this long (default: until Ctrl-C or SIGTERM).")
  Duration duration;

  @Override
  public Integer call() throws Exception {
    TwinServer.Options options = TwinServer.Options.defaults().withAwsLimits(awsLimits);
    if (apiPort >= 0) {
      options = options.withApi(apiAddress(), apiPort);
    } else if (apiPort != -1) {
      throw new UsageException("--api-port must be 0..65535, or -1 for no HTTP API: " + apiPort);
    }
    if (stateDir != null) {
      options = options.withStateDir(stateDir);
    }
    PrintWriter out = spec.commandLine().getOut();
    try (StopSignal stop = new StopSignal(STOP_BUDGET);
        MqttClient mqtt = connection.defaultClientId("thingbridge-twin").connect();
        TwinServer server = TwinServer.start(mqtt, options)) {
      out.println("twin: attached to " + connection.endpoint() + " as " + mqtt.clientId()
          + (stateDir == null ? ", state in memory" : ", state in " + stateDir)
          + (awsLimits ? ", AWS limits on" : ""));
      server.controlPlane().ifPresent(api -> out.println("twin: AWS-compatible HTTP API on " + api.endpoint()));
      server.fileServer().ifPresent(f -> out.println("twin: OTA files (update_data_url) on " + f.endpoint()));
      out.println("ready: the twin answers shadows, jobs, commands, streams and OTA updates");
      out.flush();
      stop.await(duration);
    }
    out.println("stopped");
    out.flush();
    return ExitCodes.OK;
  }

  private InetAddress apiAddress() {
    try {
      return InetAddress.getByName(apiHost);
    } catch (UnknownHostException e) {
      throw new UsageException("--api-host is not an address: " + apiHost);
    }
  }
}
