package dev.thingbridge.cli;

import dev.thingbridge.mqtt.MqttClient;
import java.security.SecureRandom;
import java.util.HexFormat;
import picocli.CommandLine.Option;

/**
 * The connection flags of a one-off command ({@code shadow get}, {@code jobs list}, {@code mqtt pub}...): a
 * picocli mixin. The client id defaults to a fresh random {@code thingbridge-cli-xxxxxxxx}, so that a
 * one-off command never takes the connection of a device that runs under the thing's name.
 */
public final class ConnectionOptions extends BrokerOptions {
  @Option(names = "--client-id", paramLabel = "ID", converter = ClientIdConverter.class,
      description = "MQTT client id (default: a fresh thingbridge-cli-<random>, so that a one-off command never "
          + "takes over a device's connection).")
  String clientId;

  @Override
  String clientIdFlag() {
    return clientId;
  }

  /** The client id given, or a random one with this prefix ({@code thingbridge-cli-}, say). */
  static String clientIdOr(String given, String prefix) {
    if (given != null) {
      return given;
    }
    byte[] random = new byte[4];
    new SecureRandom().nextBytes(random);
    return prefix + HexFormat.of().formatHex(random);
  }

  /** Connects with {@code --client-id} or a random id; the caller closes the client. */
  public MqttClient connect() throws InterruptedException {
    return open(clientIdOr(clientId, "thingbridge-cli-"));
  }

  /** {@link #connect()} for a command that runs until stopped: a takeover ends {@code stop} with an error. */
  MqttClient connect(StopSignal stop) throws InterruptedException {
    return openWatched(clientIdOr(clientId, "thingbridge-cli-"), stop);
  }
}
