package dev.thingbridge.provisioning;

import dev.thingbridge.mqtt.MqttException;
import dev.thingbridge.provisioning.ProvisioningTopics.Operation;

/**
 * Provisioning failed at one of its steps for a reason of provisioning's own: the service rejected the
 * request ({@link ProvisioningRejectedException}) or the credentials could not be stored ({@link
 * CredentialStorageException}). Transport failures stay the MQTT layer's ({@code MqttTimeoutException} and
 * friends); a reply that does not decode is an {@code MqttReplyDecodeException}.
 */
public class ProvisioningException extends MqttException {
  private final Operation operation;

  public ProvisioningException(Operation operation, String message, Throwable cause) {
    super(message, cause);
    this.operation = operation;
  }

  /** The step that failed. */
  public Operation operation() {
    return operation;
  }
}
