package dev.thingbridge.twin.provisioning;

import java.time.Duration;
import java.util.Objects;

/**
 * How the twin's fleet provisioning behaves.
 *
 * @param tokenLifetime how long a certificate ownership token is accepted, and a certificate left
 *     PENDING_ACTIVATION kept (AWS: one hour)
 * @param hookTimeout how long a pre-provisioning hook may take before it counts as a denial (AWS: 5 s)
 * @param certificateValidity how long issued device certificates are valid
 * @param rsaKeys whether CreateKeysAndCertificate makes RSA 2048 keys as AWS does (true) or EC P-256 keys
 *     (false: much faster to make, for load tests)
 * @param maxRequestsPerSecond provisioning requests per second over all devices before the twin answers 429
 *     ThrottlingException; 0 for no limit
 */
public record ProvisioningSettings(Duration tokenLifetime, Duration hookTimeout, Duration certificateValidity,
    boolean rsaKeys, int maxRequestsPerSecond) {
  /** AWS's behaviour: 1 h tokens, 5 s hooks, RSA keys, no rate limit; certificates valid 20 years. */
  public static final ProvisioningSettings DEFAULTS =
      new ProvisioningSettings(Duration.ofHours(1), Duration.ofSeconds(5), Duration.ofDays(7300), true, 0);

  public ProvisioningSettings {
    Objects.requireNonNull(tokenLifetime, "tokenLifetime");
    Objects.requireNonNull(hookTimeout, "hookTimeout");
    Objects.requireNonNull(certificateValidity, "certificateValidity");
    if (maxRequestsPerSecond < 0) {
      throw new IllegalArgumentException("maxRequestsPerSecond must not be negative");
    }
  }

  /** These settings with another rate limit. */
  public ProvisioningSettings withMaxRequestsPerSecond(int value) {
    return new ProvisioningSettings(tokenLifetime, hookTimeout, certificateValidity, rsaKeys, value);
  }

  /** These settings with EC keys (false) or RSA keys (true) for CreateKeysAndCertificate. */
  public ProvisioningSettings withRsaKeys(boolean value) {
    return new ProvisioningSettings(tokenLifetime, hookTimeout, certificateValidity, value, maxRequestsPerSecond);
  }

  /** These settings with another hook time limit. */
  public ProvisioningSettings withHookTimeout(Duration value) {
    return new ProvisioningSettings(tokenLifetime, value, certificateValidity, rsaKeys, maxRequestsPerSecond);
  }
}
