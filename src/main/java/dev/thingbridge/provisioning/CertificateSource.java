package dev.thingbridge.provisioning;

import dev.thingbridge.internal.Pki;
import java.util.Objects;

/**
 * Where a device's new certificate and key come from. The three ways AWS IoT offers:
 *
 * <ul>
 *   <li>{@link #cloudKeys()}: CreateKeysAndCertificate; AWS makes the key pair and sends the private key.
 *   <li>{@link #generatedKey(KeyAlgorithm)}: thingbridge makes the key pair and a CSR on the device and calls
 *       CreateCertificateFromCsr; the private key never leaves the device.
 *   <li>{@link #csr(String)}: the user's own CSR (a key kept in a secure element, say); no private key is
 *       handled or stored at all.
 * </ul>
 */
public sealed interface CertificateSource {
  /** CreateKeysAndCertificate (the cloud makes the key). */
  static CertificateSource cloudKeys() {
    return new CloudKeys();
  }

  /** An EC P-256 key pair made on the device (the default kind), and CreateCertificateFromCsr. */
  static CertificateSource generatedKey() {
    return new GeneratedKey(KeyAlgorithm.EC_P256);
  }

  /** A key pair made on the device, and CreateCertificateFromCsr. */
  static CertificateSource generatedKey(KeyAlgorithm algorithm) {
    return new GeneratedKey(algorithm);
  }

  /**
   * The caller's own CSR, sent as is.
   *
   * @throws IllegalArgumentException if it is not a PEM CSR or its signature does not verify
   */
  static CertificateSource csr(String csrPem) {
    return new OwnCsr(csrPem);
  }

  /** CreateKeysAndCertificate. */
  record CloudKeys() implements CertificateSource {}

  /** CreateCertificateFromCsr with a key pair thingbridge makes. */
  record GeneratedKey(KeyAlgorithm algorithm) implements CertificateSource {
    public GeneratedKey {
      Objects.requireNonNull(algorithm, "algorithm");
    }
  }

  /** CreateCertificateFromCsr with the caller's CSR. */
  record OwnCsr(String csrPem) implements CertificateSource {
    public OwnCsr {
      Pki.readCsr(Objects.requireNonNull(csrPem, "csrPem"));
    }
  }
}
