package dev.thingbridge.provisioning;

/**
 * The error document of every provisioning {@code rejected} topic: {@code {"statusCode":400,
 * "errorCode":"InvalidCertificateOwnershipToken","errorMessage":"..."}}.
 *
 * @param statusCode the HTTP-like status (0 when the reply had none)
 * @param errorCode AWS's error code, null when absent
 * @param errorMessage the message, null when absent
 */
public record ProvisioningError(int statusCode, String errorCode, String errorMessage) {
  /** Whether the service asked the device to slow down (429, or a throttling code). */
  public boolean isThrottling() {
    return statusCode == 429 || (errorCode != null && errorCode.toLowerCase(java.util.Locale.ROOT).contains("throttl"));
  }

  /** Whether the service failed on its side (5xx): worth another try. */
  public boolean isServerError() {
    return statusCode >= 500 && statusCode <= 599;
  }
}
