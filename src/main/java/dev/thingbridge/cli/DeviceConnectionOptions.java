package dev.thingbridge.cli;

import dev.thingbridge.mqtt.MqttClient;
import picocli.CommandLine.Option;

/**
 * The connection flags of a long-running device role ({@code jobs handle}, {@code commands handle},
 * {@code shadow watch --ack}): the client id defaults to the thing name, as AWS IoT policies commonly
 * require ({@code iot:Connect} on {@code client/${iot:Connection.Thing.ThingName}}). A second process with
 * the same id takes the connection over; the command then stops with one error line and exit code 3.
 */
public final class DeviceConnectionOptions extends BrokerOptions {
  @Option(names = "--client-id", paramLabel = "ID", converter = ClientIdConverter.class,
      description = "MQTT client id (default: the thing name when acting as the device, as AWS IoT policies expect, "
          + "else a fresh random id; two processes with one id take each other's connection, which stops this "
          + "command with exit code 3).")
  String clientId;

  @Override
  String clientIdFlag() {
    return clientId;
  }

  /** Connects as {@code --client-id} or {@code deviceId}, watching for a takeover until {@code stop} ends. */
  public MqttClient connect(String deviceId, StopSignal stop) throws InterruptedException {
    return openWatched(clientId != null ? clientId : deviceId, stop);
  }

  /** Connects as {@code --client-id} or a fresh random id: for a command that watches without acting as the device. */
  public MqttClient connectAsObserver(StopSignal stop) throws InterruptedException {
    return openWatched(ConnectionOptions.clientIdOr(clientId, "thingbridge-cli-"), stop);
  }
}
