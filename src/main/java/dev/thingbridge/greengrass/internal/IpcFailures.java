package dev.thingbridge.greengrass.internal;

import dev.thingbridge.mqtt.MqttException;
import java.time.Duration;

/**
 * How the connection reports a failure. The exception types are the public package's ({@code
 * GreengrassIpcException} and its kinds), which this package does not import: the public package hands the
 * connection an implementation.
 */
public interface IpcFailures {
  /** The connection was closed by its owner. */
  RuntimeException closed(String message);

  /** The nucleus cannot be reached right now (connecting, reconnecting, or the socket refused us). */
  RuntimeException notConnected(String message, Throwable cause);

  /** The nucleus refused the component's IPC token. */
  RuntimeException unauthorized(String message, Throwable cause);

  /** The nucleus did not answer within the operation timeout. */
  RuntimeException timeout(String message);

  /** What a failed IPC operation (not MQTT) becomes; a failure this interface made is returned as it is. */
  RuntimeException toIpc(Throwable error, String operation);

  /** What a failed {@code PublishToIoTCore} or {@code SubscribeToIoTCore} becomes. */
  MqttException toMqtt(Throwable error, String operation, Duration timeout);
}
