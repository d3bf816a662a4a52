package dev.thingbridge.provisioning;

import java.util.Objects;

/**
 * The accepted reply of CreateKeysAndCertificate or CreateCertificateFromCsr: a certificate in
 * PENDING_ACTIVATION and the token that lets RegisterThing activate it. {@link #toString()} shows neither the
 * private key nor the token.
 *
 * @param certificateId AWS's id of the certificate (64 hex digits on AWS)
 * @param certificatePem the certificate, PEM
 * @param privateKeyPem the private key AWS made (CreateKeysAndCertificate), null for a CSR
 * @param ownershipToken the certificate ownership token (1-512 characters), valid for one hour
 */
public record IssuedCertificate(String certificateId, String certificatePem, String privateKeyPem,
    String ownershipToken) {
  public IssuedCertificate {
    Objects.requireNonNull(certificateId, "certificateId");
    Objects.requireNonNull(certificatePem, "certificatePem");
    Objects.requireNonNull(ownershipToken, "ownershipToken");
  }

  @Override
  public String toString() {
    return "IssuedCertificate[certificateId=" + certificateId + ", privateKey="
        + (privateKeyPem == null ? "none" : "(hidden)") + ", ownershipToken=(hidden)]";
  }
}
