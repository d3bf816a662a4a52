package dev.thingbridge.transfer;

import java.io.IOException;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.InvalidKeyException;
import java.security.PublicKey;
import java.security.Signature;
import java.security.SignatureException;
import java.security.cert.CertificateException;
import java.security.cert.X509Certificate;
import java.security.interfaces.ECPublicKey;
import java.security.interfaces.RSAPublicKey;
import java.util.Objects;
import org.bouncycastle.asn1.x509.SubjectPublicKeyInfo;
import org.bouncycastle.cert.X509CertificateHolder;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.openssl.PEMParser;
import org.bouncycastle.openssl.jcajce.JcaPEMKeyConverter;

/**
 * Checks AWS IoT code signatures: the file's {@code sig-sha256-ecdsa} or {@code sig-sha256-rsa} (and, when
 * allowed, {@code sig-sha1-ecdsa} / {@code sig-sha1-rsa}) over the whole file, with the code-signing
 * certificate's public key, as the FreeRTOS PAL does (ECDSA signatures in DER, as AWS Signer produces them, or
 * as raw {@code r||s}).
 *
 * <p>The key comes from the job's {@code certfile} when it names a certificate in the trust directory (FreeRTOS
 * names the device's certificate that way), else from the configured certificate. An unsigned file, an unknown
 * key, a key of the wrong type or a signature that does not match is refused with {@code sig_check_failed}.
 * Certificate dates are not checked: a device may be offline long after a certificate expired, and the
 * signature is what proves the file.
 */
public final class CodeSigningVerifier implements SignatureVerifier {
  /** DER of DigestInfo {sha256, NULL} up to the 32 digest bytes (RFC 8017 §9.2, note 1). */
  private static final byte[] SHA256_DIGEST_INFO = {0x30, 0x31, 0x30, 0x0d, 0x06, 0x09, 0x60, (byte) 0x86, 0x48, 0x01,
      0x65, 0x03, 0x04, 0x02, 0x01, 0x05, 0x00, 0x04, 0x20};

  private final PublicKey configured;
  private final Path trustDirectory;
  private final boolean allowSha1;

  private CodeSigningVerifier(Builder b) {
    this.configured = b.key;
    this.trustDirectory = b.trustDirectory == null ? null : b.trustDirectory.toAbsolutePath().normalize();
    this.allowSha1 = b.allowSha1;
  }

  public static Builder builder() {
    return new Builder();
  }

  @Override
  public Check begin(OtaFile file) throws OtaException {
    CodeSignature sig = chooseSignature(file);
    PublicKey key = keyFor(file);
    boolean ec = key instanceof ECPublicKey || "EC".equals(key.getAlgorithm());
    boolean rsa = key instanceof RSAPublicKey || "RSA".equals(key.getAlgorithm());
    if (sig.algorithm().isEcdsa() ? !ec : !rsa) {
      throw refused(file, "the certificate's " + key.getAlgorithm() + " key cannot check " + sig.algorithm().documentKey());
    }
    byte[] sigBytes;
    try {
      sigBytes = sig.bytes();
    } catch (IllegalArgumentException e) {
      throw refused(file, sig.algorithm().documentKey() + " is not base64");
    }
    // With SHA-256 the check takes the digest the download computes anyway, so the file is hashed once, not twice:
    // ECDSA signs the digest itself; PKCS#1 v1.5 RSA signs the digest's DigestInfo, which NONEwithRSA is given
    // whole. The SHA-1 forms hash what they are fed.
    boolean prehashed = sig.algorithm() == SignatureAlgorithm.SHA256_ECDSA
        || sig.algorithm() == SignatureAlgorithm.SHA256_RSA;
    boolean rsaDigestInfo = sig.algorithm() == SignatureAlgorithm.SHA256_RSA;
    String jca = !prehashed ? sig.algorithm().jcaName() : rsaDigestInfo ? "NONEwithRSA" : "NONEwithECDSA";
    if (sig.algorithm().isEcdsa() && !isDerSignature(sigBytes)) {
      jca += "inP1363Format"; // raw r||s instead of DER
    }
    Signature s;
    try {
      s = Signature.getInstance(jca);
      s.initVerify(key);
    } catch (InvalidKeyException e) {
      throw refused(file, "the key cannot verify " + jca + ": " + e.getMessage());
    } catch (GeneralSecurityException e) {
      throw refused(file, jca + " is not available: " + e.getMessage());
    }
    return new Check() {
      @Override
      public void update(byte[] bytes, int offset, int length) {
        if (prehashed) {
          return;
        }
        try {
          s.update(bytes, offset, length);
        } catch (SignatureException e) {
          throw new IllegalStateException(e);
        }
      }

      @Override
      public void verify(byte[] sha256) throws OtaException {
        boolean ok;
        try {
          if (rsaDigestInfo) {
            s.update(SHA256_DIGEST_INFO);
          }
          if (prehashed) {
            s.update(sha256);
          }
          ok = s.verify(sigBytes);
        } catch (SignatureException e) {
          throw refused(file, "malformed " + sig.algorithm().documentKey() + ": " + e.getMessage());
        }
        if (!ok) {
          throw refused(file, sig.algorithm().documentKey() + " does not match the file");
        }
      }
    };
  }

  /**
   * Whether {@code b} is a DER SEQUENCE of two INTEGERs, the form AWS Signer writes. Looking at the first byte
   * alone is not enough: one raw {@code r||s} signature in 256 starts with 0x30 too.
   */
  static boolean isDerSignature(byte[] b) {
    if (b.length < 8 || b[0] != 0x30) {
      return false;
    }
    int at = 1;
    int length = b[at++] & 0xff;
    if (length == 0x81) {
      length = b[at++] & 0xff;
    } else if (length > 0x7f) {
      return false;
    }
    if (at + length != b.length) {
      return false;
    }
    for (int integer = 0; integer < 2; integer++) {
      if (at + 2 > b.length || b[at] != 0x02) {
        return false;
      }
      int size = b[at + 1] & 0xff;
      if (size == 0 || size > 0x7f) {
        return false;
      }
      at += 2 + size;
    }
    return at == b.length;
  }

  private CodeSignature chooseSignature(OtaFile file) throws OtaException {
    for (SignatureAlgorithm a : SignatureAlgorithm.values()) {
      if (file.signatures().containsKey(a) && (allowSha1 || !a.isSha1())) {
        return new CodeSignature(a, file.signatures().get(a));
      }
    }
    throw refused(file, file.signatures().isEmpty() ? "the file is not signed"
        : "it is signed with SHA-1 only, which this device refuses");
  }

  private PublicKey keyFor(OtaFile file) throws OtaException {
    if (file.certfile() != null && trustDirectory != null && !file.certfile().isBlank()) {
      Path p;
      try {
        p = trustDirectory.resolve(file.certfile()).normalize();
      } catch (java.nio.file.InvalidPathException e) {
        p = null;
      }
      if (p != null && p.startsWith(trustDirectory) && Files.isRegularFile(p)) {
        try {
          return readPublicKey(p);
        } catch (IOException e) {
          throw refused(file, "certfile " + file.certfile() + " is unreadable: " + e.getMessage());
        }
      }
    }
    if (configured == null) {
      throw refused(file, "no code-signing certificate is configured"
          + (file.certfile() == null ? "" : " and certfile " + file.certfile() + " is not in the trust directory"));
    }
    return configured;
  }

  private static OtaException refused(OtaFile file, String why) {
    return new OtaException(OtaErrorCode.SIG_CHECK_FAILED, file.filepath() + ": " + why);
  }

  /**
   * The public key of the first certificate or public key in a PEM file.
   *
   * @throws IOException if the file holds neither
   */
  public static PublicKey readPublicKey(Path pem) throws IOException {
    try (Reader r = Files.newBufferedReader(pem, StandardCharsets.US_ASCII); PEMParser parser = new PEMParser(r)) {
      Object o;
      while ((o = parser.readObject()) != null) {
        if (o instanceof X509CertificateHolder holder) {
          return certificate(holder).getPublicKey();
        }
        if (o instanceof SubjectPublicKeyInfo info) {
          return new JcaPEMKeyConverter().getPublicKey(info);
        }
      }
    }
    throw new IOException(pem.getFileName() + " holds no certificate or public key");
  }

  private static X509Certificate certificate(X509CertificateHolder holder) throws IOException {
    try {
      return new JcaX509CertificateConverter().getCertificate(holder);
    } catch (CertificateException e) {
      throw new IOException("unusable certificate: " + e.getMessage(), e);
    }
  }

  /** Builds a {@link CodeSigningVerifier}. */
  public static final class Builder {
    private PublicKey key;
    private Path trustDirectory;
    private boolean allowSha1;

    private Builder() {}

    /** The code-signing certificate (or public key) in a PEM file. */
    public Builder certificate(Path pem) throws IOException {
      this.key = readPublicKey(pem);
      return this;
    }

    public Builder certificate(X509Certificate certificate) {
      this.key = certificate.getPublicKey();
      return this;
    }

    public Builder publicKey(PublicKey value) {
      this.key = Objects.requireNonNull(value);
      return this;
    }

    /** Where a job's {@code certfile} is looked up (names outside it are ignored). */
    public Builder trustDirectory(Path dir) {
      this.trustDirectory = dir;
      return this;
    }

    /** Accept the {@code sig-sha1-*} forms (off by default: SHA-1 is broken for signatures). */
    public Builder allowSha1(boolean value) {
      this.allowSha1 = value;
      return this;
    }

    public CodeSigningVerifier build() {
      if (key == null && trustDirectory == null) {
        throw new IllegalStateException("a code-signing verifier needs a certificate or a trust directory");
      }
      return new CodeSigningVerifier(this);
    }
  }
}
