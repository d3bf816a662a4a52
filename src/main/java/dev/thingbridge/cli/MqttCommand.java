package dev.thingbridge.cli;

import dev.thingbridge.mqtt.QoS;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/** {@code thingbridge mqtt}: publish and subscribe over a direct MQTT 5 connection, like mosquitto_pub/sub. */
@Command(
    name = "mqtt",
    description = "Publish and subscribe over a direct MQTT 5 connection (AWS IoT Core or any MQTT 5 broker).",
    subcommands = {MqttPublishCommand.class, MqttSubscribeCommand.class})
public final class MqttCommand {
  /** Parses {@code --qos}: 0 or 1, as AWS IoT Core supports. */
  static final class QosConverter implements CommandLine.ITypeConverter<QoS> {
    @Override
    public QoS convert(String value) {
      try {
        return QoS.of(Integer.parseInt(value.trim()));
      } catch (IllegalArgumentException e) {
        throw new CommandLine.TypeConversionException("QoS must be 0 or 1, got " + value);
      }
    }
  }
}
