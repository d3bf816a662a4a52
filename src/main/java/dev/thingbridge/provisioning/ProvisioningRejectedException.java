package dev.thingbridge.provisioning;

import dev.thingbridge.provisioning.ProvisioningTopics.Operation;

/**
 * The service answered a provisioning step on its {@code rejected} topic: a template that refused the
 * parameters, a pre-provisioning hook that said no ({@code AccessDenied}), an expired ownership token, a
 * throttled request.
 */
public final class ProvisioningRejectedException extends ProvisioningException {
  private final transient ProvisioningError error;

  public ProvisioningRejectedException(Operation operation, ProvisioningError error) {
    super(operation, operation.apiName() + " rejected: " + error.statusCode() + " "
        + (error.errorCode() == null ? "(no code)" : error.errorCode())
        + (error.errorMessage() == null ? "" : ": " + error.errorMessage()), null);
    this.error = error;
  }

  /** The error document. */
  public ProvisioningError error() {
    return error;
  }

  /** The HTTP-like status ({@code statusCode}), 0 when the reply had none. */
  public int statusCode() {
    return error.statusCode();
  }

  /** AWS's {@code errorCode}, or null. */
  public String errorCode() {
    return error.errorCode();
  }

  /** AWS's {@code errorMessage}, or null. */
  public String errorMessage() {
    return error.errorMessage();
  }
}
