package dev.thingbridge.cli;

import dev.thingbridge.mqtt.MqttClient;
import java.net.URI;
import java.util.Objects;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/** {@code thingbridge ota}: OTA updates, device side ({@code run}) and on the twin ({@code create}, {@code status}). */
@Command(name = "ota", mixinStandardHelpOptions = true,
    description = "OTA updates: apply them on this device, create them on the twin, follow them.",
    subcommands = {OtaRunCommand.class, OtaCreateCommand.class, OtaStatusCommand.class})
public final class OtaCommand implements Runnable {
  /** The twin's API when none is given: what {@code thingbridge local} and {@code twin} serve by default. */
  static final URI DEFAULT_API = URI.create("http://127.0.0.1:8443");

  @Spec CommandSpec spec;

  private final MqttConnector connector;

  /** The packaged CLI's form: {@code ota run} connects with the connection flags. */
  public OtaCommand() {
    this.connector = null;
  }

  /** {@code ota run} connects through {@code connector} (tests use the in-process bus). */
  public OtaCommand(MqttConnector connector) {
    this.connector = Objects.requireNonNull(connector, "connector");
  }

  @Override
  public void run() {
    spec.commandLine().usage(spec.commandLine().getOut());
  }

  /** A connected client for {@code thing}, or null when the connection flags decide. */
  MqttClient connectThroughTestBus(String thing) {
    return connector == null ? null : connector.connect(thing);
  }
}
