package dev.thingbridge.twin.provisioning;

import dev.thingbridge.internal.Pki;
import java.security.KeyPair;
import java.security.PublicKey;
import java.security.SecureRandom;
import java.security.cert.X509Certificate;
import java.time.Instant;
import java.util.Base64;
import java.util.List;
import java.util.function.Function;

/**
 * Makes certificates and ownership tokens. {@link #newKeys} and {@link #sign} are pure work for any thread;
 * {@link #record} and {@link #newToken} change the store and run under the twin's lock.
 */
final class Issuer {
  private final CertificateAuthority ca;
  private final ProvisioningStore store;
  private final ProvisioningSettings settings;
  private final Function<String, String> arns;
  private final SecureRandom random = new SecureRandom();

  /**
   * @param arns makes an ARN of this account and region from a resource part ({@code cert/<id>})
   */
  public Issuer(CertificateAuthority ca, ProvisioningStore store, ProvisioningSettings settings,
      Function<String, String> arns) {
    this.ca = ca;
    this.store = store;
    this.settings = settings;
    this.arns = arns;
  }

  /** A key pair as CreateKeysAndCertificate hands out (RSA 2048, or EC P-256 if so set). */
  public KeyPair newKeys() {
    return settings.rsaKeys() ? Pki.newRsa(2048) : Pki.newEcP256();
  }

  /** A device certificate for {@code key}, signed by the twin's CA. */
  public X509Certificate sign(PublicKey key) {
    return ca.issueClient(key, "thingbridge device " + Long.toHexString(random.nextLong() & Long.MAX_VALUE),
        settings.certificateValidity());
  }

  /** A temporary claim certificate for provisioning by trusted user with {@code templateName}. */
  public X509Certificate signClaim(PublicKey key, String templateName, java.time.Duration validity) {
    return ca.issueClient(key, "thingbridge claim " + templateName, validity);
  }

  /** Registers an issued certificate in the store with a status. */
  public TwinCertificate record(X509Certificate certificate, CertificateStatus status, Instant now) {
    String id = Pki.certificateId(certificate);
    TwinCertificate c = new TwinCertificate(id, arns.apply("cert/" + id), Pki.certificatePem(certificate), status,
        now, now, null, List.of());
    store.putCertificate(c);
    return c;
  }

  /**
   * A new ownership token for a certificate, valid for the token lifetime from {@code now}; the store keeps
   * its hash.
   *
   * @return the token itself, for the device
   */
  public String newToken(String certificateId, Instant now) {
    byte[] b = new byte[48];
    random.nextBytes(b);
    String token = Base64.getUrlEncoder().withoutPadding().encodeToString(b);
    store.putToken(new OwnershipToken(OwnershipToken.hash(token), certificateId, now,
        now.plus(settings.tokenLifetime()), null, null));
    return token;
  }
}
