package dev.thingbridge.provisioning;

import dev.thingbridge.provisioning.ProvisioningTopics.Operation;

/**
 * The new credentials could not be stored, so provisioning stopped before RegisterThing: a certificate the
 * device cannot keep is never activated (it expires with its ownership token).
 */
public final class CredentialStorageException extends ProvisioningException {
  public CredentialStorageException(Operation operation, String message, Throwable cause) {
    super(operation, message, cause);
  }
}
