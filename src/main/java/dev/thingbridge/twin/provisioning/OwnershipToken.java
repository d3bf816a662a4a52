package dev.thingbridge.twin.provisioning;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.Instant;
import java.util.Objects;

/**
 * A certificate ownership token: proof, for one hour, that a device holds a certificate the twin issued.
 * Once RegisterThing succeeds with it, it remembers the result, so a device that lost the reply and asks
 * again gets the same answer instead of an error. The twin keeps only the token's SHA-256, so its database
 * holds nothing a device could present.
 *
 * @param tokenHash the SHA-256 (hex) of the opaque token the device received ({@link #hash})
 * @param certificateId the certificate it stands for
 * @param issuedAt when the certificate was issued
 * @param expiresAt when the token stops being accepted
 * @param thingName the registered thing, null until RegisterThing succeeded
 * @param deviceConfiguration the device configuration sent then, null before (or when there was none)
 */
public record OwnershipToken(String tokenHash, String certificateId, Instant issuedAt, Instant expiresAt,
    String thingName, JsonNode deviceConfiguration) {
  public OwnershipToken {
    Objects.requireNonNull(tokenHash, "tokenHash");
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
    return new OwnershipToken(tokenHash, certificateId, issuedAt, expiresAt, thing, configuration);
  }

  /** The key a token is kept under. */
  public static String hash(String token) {
    try {
      return java.util.HexFormat.of().formatHex(java.security.MessageDigest.getInstance("SHA-256")
          .digest(token.getBytes(java.nio.charset.StandardCharsets.UTF_8)));
    } catch (java.security.NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 is missing", e);
    }
  }

  @Override
  public String toString() {
    return "OwnershipToken[certificateId=" + certificateId + ", expiresAt=" + expiresAt + ", thing=" + thingName + "]";
  }
}
