package dev.thingbridge.mqtt;

import java.time.Duration;

/** An operation did not complete within its timeout. */
public class MqttTimeoutException extends MqttException {
  private final Duration timeout;

  public MqttTimeoutException(String operation, Duration timeout) {
    super(operation + " timed out after " + timeout.toMillis() + " ms");
    this.timeout = timeout;
  }

  /** The timeout that ran out. */
  public Duration timeout() {
    return timeout;
  }
}
