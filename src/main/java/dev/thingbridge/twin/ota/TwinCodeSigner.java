package dev.thingbridge.twin.ota;

import dev.thingbridge.internal.Pki;
import dev.thingbridge.twin.http.AwsApiException;
import java.io.IOException;
import java.io.Reader;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.PrivateKey;
import java.util.Base64;
import org.bouncycastle.asn1.pkcs.PrivateKeyInfo;
import org.bouncycastle.cert.X509CertificateHolder;
import org.bouncycastle.openssl.PEMKeyPair;
import org.bouncycastle.openssl.PEMParser;
import org.bouncycastle.openssl.jcajce.JcaPEMKeyConverter;

/**
 * The twin's stand-in for AWS Signer: a {@code certificateArn} given as {@code file:///path.pem}, a PEM holding the
 * code-signing certificate and its private key (PKCS#8, or SEC1 for EC), makes the twin sign the file itself with
 * SHA-256 and the key's algorithm (ECDSA, DER-encoded as AWS Signer does, or RSA).
 */
final class TwinCodeSigner {
  /** A signature as the job document carries it. */
  public record Signed(String documentKey, String base64) {}

  private TwinCodeSigner() {}

  /** Whether a certificate ARN names a local PEM file. */
  public static boolean isLocal(String certificateArn) {
    return certificateArn != null && certificateArn.startsWith("file:");
  }

  /** Signs {@code file} with the key of the PEM {@code certificateArn} names. */
  public static Signed sign(String certificateArn, Path file) {
    Path pem;
    try {
      pem = Path.of(URI.create(certificateArn));
    } catch (IllegalArgumentException e) {
      throw AwsApiException.invalidRequest("certificateArn is not a valid file: URI: " + certificateArn);
    }
    PrivateKey key = readKey(pem);
    boolean ec = Pki.isEc(key);
    try {
      byte[] signature = Pki.signFile(key, file);
      return new Signed(ec ? "sig-sha256-ecdsa" : "sig-sha256-rsa", Base64.getEncoder().encodeToString(signature));
    } catch (GeneralSecurityException | IOException e) {
      throw AwsApiException.invalidRequest("signing " + file.getFileName() + " failed: " + e.getMessage());
    }
  }

  private static PrivateKey readKey(Path pem) {
    boolean certificate = false;
    PrivateKey key = null;
    try (Reader r = Files.newBufferedReader(pem, StandardCharsets.US_ASCII); PEMParser p = new PEMParser(r)) {
      Object o;
      JcaPEMKeyConverter converter = new JcaPEMKeyConverter();
      while ((o = p.readObject()) != null) {
        if (o instanceof X509CertificateHolder) {
          certificate = true;
        } else if (o instanceof PrivateKeyInfo info) {
          key = converter.getPrivateKey(info);
        } else if (o instanceof PEMKeyPair pair) {
          key = converter.getKeyPair(pair).getPrivate();
        }
      }
    } catch (IOException e) {
      throw AwsApiException.invalidRequest("certificateArn " + pem + " is unreadable: " + e.getMessage());
    }
    if (key == null || !certificate) {
      throw AwsApiException.invalidRequest("certificateArn " + pem
          + " must hold the code-signing certificate and its PKCS#8 private key");
    }
    return key;
  }
}
