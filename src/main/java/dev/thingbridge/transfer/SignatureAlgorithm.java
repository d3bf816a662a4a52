package dev.thingbridge.transfer;

import java.util.Optional;

/**
 * The code-signing algorithms an {@code afr_ota} file entry can name, each with its job-document key and its
 * JCA algorithm name. The SHA-1 forms are verified only when the verifier is told to accept them.
 */
public enum SignatureAlgorithm {
  SHA256_ECDSA("sig-sha256-ecdsa", "SHA256withECDSA", false),
  SHA256_RSA("sig-sha256-rsa", "SHA256withRSA", false),
  SHA1_ECDSA("sig-sha1-ecdsa", "SHA1withECDSA", true),
  SHA1_RSA("sig-sha1-rsa", "SHA1withRSA", true);

  private final String documentKey;
  private final String jcaName;
  private final boolean sha1;

  SignatureAlgorithm(String documentKey, String jcaName, boolean sha1) {
    this.documentKey = documentKey;
    this.jcaName = jcaName;
    this.sha1 = sha1;
  }

  /** The key of the signature in a file entry, e.g. {@code sig-sha256-ecdsa}. */
  public String documentKey() {
    return documentKey;
  }

  /** The JCA signature algorithm, e.g. {@code SHA256withECDSA}. */
  public String jcaName() {
    return jcaName;
  }

  /** Whether the digest is SHA-1 (refused unless asked for). */
  public boolean isSha1() {
    return sha1;
  }

  /** Whether the key is an elliptic-curve key. */
  public boolean isEcdsa() {
    return this == SHA256_ECDSA || this == SHA1_ECDSA;
  }

  /** The algorithm of a file-entry key, if it is a signature key. */
  public static Optional<SignatureAlgorithm> fromDocumentKey(String key) {
    for (SignatureAlgorithm a : values()) {
      if (a.documentKey.equals(key)) {
        return Optional.of(a);
      }
    }
    return Optional.empty();
  }
}
