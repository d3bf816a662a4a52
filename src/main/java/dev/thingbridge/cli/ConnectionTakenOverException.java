package dev.thingbridge.cli;

import dev.thingbridge.mqtt.MqttNotConnectedException;

/** Another client with the same client id took this command's connection over (exit code 3). */
public final class ConnectionTakenOverException extends MqttNotConnectedException {
  public ConnectionTakenOverException(String message) {
    super(message);
  }
}
