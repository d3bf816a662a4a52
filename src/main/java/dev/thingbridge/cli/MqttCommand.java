package dev.thingbridge.cli;

import dev.thingbridge.mqtt.QoS;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/** {@code thingbridge mqtt}: publish and subscribe over a direct MQTT 5 connection, like mosquitto_pub/sub. */
@Command(
    name = "mqtt",
    mixinStandardHelpOptions = true,
    description = "Publish and subscribe over a direct MQTT 5 connection (AWS IoT Core or any MQTT 5 broker).",
    subcommands = {MqttPublishCommand.class, MqttSubscribeCommand.class})
public final class MqttCommand implements Runnable {
  @Spec CommandSpec spec;

  @Override
  public void run() {
    spec.commandLine().usage(spec.commandLine().getOut());
  }

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
