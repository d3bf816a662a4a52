package dev.thingbridge.transfer;

import java.util.Base64;
import java.util.Objects;

/**
 * A file's code signature as the job document carries it: the algorithm (from the key's name) and the
 * base64 text of the signature.
 *
 * @param algorithm the algorithm the key names
 * @param base64 the signature, base64 as found in the document
 */
public record CodeSignature(SignatureAlgorithm algorithm, String base64) {
  public CodeSignature {
    Objects.requireNonNull(algorithm, "algorithm");
    Objects.requireNonNull(base64, "base64");
  }

  /**
   * The signature bytes (white space and line breaks in the base64 text are ignored).
   *
   * @throws IllegalArgumentException if the text is not base64
   */
  public byte[] bytes() {
    return Base64.getMimeDecoder().decode(base64);
  }

  @Override
  public String toString() {
    return "CodeSignature[" + algorithm.documentKey() + ", " + base64.length() + " chars]";
  }
}
