package dev.thingbridge.provisioning;

import java.util.Objects;

/**
 * What a device must keep from provisioning: its new certificate and, unless the user brought a CSR of their
 * own, its private key. {@link #toString()} never shows the key.
 *
 * @param certificateId the certificate's id
 * @param certificatePem the certificate, PEM
 * @param privateKeyPem the private key, PEM; null when the key never left the user's hands (own CSR)
 */
public record DeviceCredentials(String certificateId, String certificatePem, String privateKeyPem) {
  public DeviceCredentials {
    Objects.requireNonNull(certificateId, "certificateId");
    Objects.requireNonNull(certificatePem, "certificatePem");
  }

  @Override
  public String toString() {
    return "DeviceCredentials[certificateId=" + certificateId + ", privateKey="
        + (privateKeyPem == null ? "none" : "(hidden)") + "]";
  }
}
