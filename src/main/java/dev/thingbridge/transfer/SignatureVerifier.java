package dev.thingbridge.transfer;

/**
 * Decides whether a downloaded file may be installed. The download reads the file once, in order, feeding every
 * byte to the {@link Check} that {@link #begin} returns, together with a SHA-256 it computes on the way; then it
 * calls {@link Check#verify}. A refusal is an {@link OtaException} with {@link OtaErrorCode#SIG_CHECK_FAILED},
 * reported to the cloud as {@code sig_check_failed} / 1001.
 *
 * <p>{@link CodeSigningVerifier} checks AWS code-signing signatures ({@code sig-sha256-ecdsa}, {@code
 * sig-sha256-rsa}, optionally the SHA-1 forms) against a certificate. Implement this interface for anything
 * else (a custom signing scheme, a hardware security module); {@link #ofDigest} suits checks that need only the
 * digest.
 */
public interface SignatureVerifier {
  /** Starts checking one file. Throwing here refuses it before it is read. */
  Check begin(OtaFile file) throws OtaException;

  /** The check of one file: fed every byte, in order, then asked for its verdict. */
  interface Check {
    void update(byte[] bytes, int offset, int length);

    /**
     * Accepts the file or throws.
     *
     * @param sha256 the SHA-256 of the whole file
     */
    void verify(byte[] sha256) throws OtaException;
  }

  /** A check of the file's description and digest only (no bytes needed). */
  @FunctionalInterface
  interface DigestCheck {
    void verify(OtaFile file, byte[] sha256) throws OtaException;
  }

  /** A verifier that only looks at the file's entry and its SHA-256. */
  static SignatureVerifier ofDigest(DigestCheck check) {
    return file -> new Check() {
      @Override
      public void update(byte[] bytes, int offset, int length) {}

      @Override
      public void verify(byte[] sha256) throws OtaException {
        check.verify(file, sha256);
      }
    };
  }

  /** Accepts every file, signed or not. For tests and for trusted networks only; say so in your logs. */
  SignatureVerifier NONE = ofDigest((file, sha256) -> {});
}
