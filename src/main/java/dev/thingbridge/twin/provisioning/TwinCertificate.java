package dev.thingbridge.twin.provisioning;

import java.time.Instant;
import java.util.List;
import java.util.Objects;

/**
 * A certificate the twin issued, as DescribeCertificate shows it.
 *
 * @param certificateId the SHA-256 of the DER encoding, 64 hex digits (as on AWS)
 * @param certificateArn {@code arn:aws:iot:<region>:<account>:cert/<id>}
 * @param certificatePem the certificate
 * @param status its status
 * @param creationDate when it was issued
 * @param lastModifiedDate when its status last changed
 * @param thingName the thing it is attached to, or null
 * @param policyNames the policies a template attached to it (the twin records them; it enforces none)
 */
public record TwinCertificate(String certificateId, String certificateArn, String certificatePem,
    CertificateStatus status, Instant creationDate, Instant lastModifiedDate, String thingName,
    List<String> policyNames) {
  public TwinCertificate {
    Objects.requireNonNull(certificateId, "certificateId");
    Objects.requireNonNull(certificateArn, "certificateArn");
    Objects.requireNonNull(certificatePem, "certificatePem");
    Objects.requireNonNull(status, "status");
    Objects.requireNonNull(creationDate, "creationDate");
    Objects.requireNonNull(lastModifiedDate, "lastModifiedDate");
    policyNames = List.copyOf(policyNames);
  }

  /** This certificate with another status. */
  public TwinCertificate withStatus(CertificateStatus value, Instant at) {
    return new TwinCertificate(certificateId, certificateArn, certificatePem, value, creationDate, at, thingName,
        policyNames);
  }

  /** This certificate attached to a thing with policies. */
  public TwinCertificate attached(String thing, List<String> policies, Instant at) {
    return new TwinCertificate(certificateId, certificateArn, certificatePem, status, creationDate, at, thing, policies);
  }
}
