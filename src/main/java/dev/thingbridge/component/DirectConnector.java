package dev.thingbridge.component;

import dev.thingbridge.mqtt.MqttClient;

/**
 * Makes the direct MQTT client used outside Greengrass ({@link CrtDirectConnector} in production); a seam so
 * that tests can hand {@code run} another client.
 */
public interface DirectConnector {
  /** Connects (or starts connecting) and returns the client; the caller closes it. */
  MqttClient connect(DirectConnectionSettings settings);
}
