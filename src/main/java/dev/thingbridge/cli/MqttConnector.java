package dev.thingbridge.cli;

import dev.thingbridge.mqtt.MqttClient;

/**
 * Opens the MQTT connection a {@code jobs} or {@code commands} subcommand works through. The connection
 * flags' mixin provides it in the packaged CLI; tests give an in-process client.
 */
@FunctionalInterface
public interface MqttConnector {
  /** A connected client; the caller closes it. */
  MqttClient connect(String thingName);
}
