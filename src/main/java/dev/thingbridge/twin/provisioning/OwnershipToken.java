package dev.thingbridge.twin.provisioning;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.Instant;
import java.util.Objects;

/**
 * A certificate ownership token: proof, for one hour, that a device holds a certificate the twin issued.
 * Once RegisterThing succeeds with it, it remembers the result, so a device that lost the reply and asks
 * again gets the same answer instead of an error.
 *
 * @param token the opaque token the device received
 * @param certificateId the certificate it stands for
 * @param issuedAt when the certificate was issued
 * @param expiresAt when the token stops being accepted
 * @param thingName the registered thing, null until RegisterThing succeeded
 * @param deviceConfiguration the device configuration sent then, null before (or when there was none)
 */
public record OwnershipToken(String token, String certificateId, Instant issuedAt, Instant expiresAt,
    String thingName, JsonNode deviceConfiguration) {
  public OwnershipToken {
    Objects.requireNonNull(token, "token");
    Objects.requireNonNull(certificateId, "certificateId");
    Objects.requireNonNull(issuedAt, "issuedAt");
    Objects.requireNonNull(expiresAt, "expiresAt");
  }

  /** Whether the token is past its hour at {@code now}. */
  public boolean expiredAt(Instant now) {
    return !now.isBefore(expiresAt);
  }

  /** The token after a successful RegisterThing. */
  public OwnershipToken registered(String thing, JsonNode configuration) {
    return new OwnershipToken(token, certificateId, issuedAt, expiresAt, thing, configuration);
  }

  @Override
  public String toString() {
    return "OwnershipToken[certificateId=" + certificateId + ", expiresAt=" + expiresAt + ", thing=" + thingName + "]";
  }
}
