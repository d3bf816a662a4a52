package dev.thingbridge.internal;

import java.io.IOException;
import java.io.InputStream;
import java.io.StringReader;
import java.io.StringWriter;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.MessageDigest;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.Signature;
import java.security.cert.CertificateEncodingException;
import java.security.cert.CertificateException;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.security.interfaces.ECPublicKey;
import java.security.interfaces.RSAPrivateCrtKey;
import java.security.spec.ECGenParameterSpec;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HexFormat;
import org.bouncycastle.asn1.DERBitString;
import org.bouncycastle.asn1.pkcs.PKCSObjectIdentifiers;
import org.bouncycastle.asn1.pkcs.RSAPrivateKey;
import org.bouncycastle.asn1.sec.ECPrivateKey;
import org.bouncycastle.asn1.sec.SECObjectIdentifiers;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x509.SubjectPublicKeyInfo;
import org.bouncycastle.openssl.PEMKeyPair;
import org.bouncycastle.openssl.PEMParser;
import org.bouncycastle.openssl.jcajce.JcaPEMKeyConverter;
import org.bouncycastle.openssl.jcajce.JcaPEMWriter;
import org.bouncycastle.operator.ContentVerifierProvider;
import org.bouncycastle.operator.OperatorCreationException;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;
import org.bouncycastle.operator.jcajce.JcaContentVerifierProviderBuilder;
import org.bouncycastle.pkcs.PKCS10CertificationRequest;
import org.bouncycastle.pkcs.PKCSException;
import org.bouncycastle.pkcs.jcajce.JcaPKCS10CertificationRequestBuilder;
import org.bouncycastle.util.io.pem.PemObject;

/**
 * Keys, certificates and certificate signing requests as PEM text, written once for the device side
 * (provisioning makes its own key and CSR) and the twin (its CA issues certificates).
 *
 * <p>Private keys come out the way AWS IoT hands them out and OpenSSL, aws-crt and Mosquitto read them: RSA
 * as PKCS#1 ({@code BEGIN RSA PRIVATE KEY}), EC as SEC1 ({@code BEGIN EC PRIVATE KEY}) with the named curve
 * and the public key inside. (The JDK's own PKCS#8 encoding of an EC key leaves the curve out of the inner
 * structure, which OpenSSL refuses.)
 */
public final class Pki {
  private Pki() {}

  /** A fresh EC key pair on NIST P-256 (secp256r1). */
  public static KeyPair newEcP256() {
    try {
      KeyPairGenerator g = KeyPairGenerator.getInstance("EC");
      g.initialize(new ECGenParameterSpec("secp256r1"));
      return g.generateKeyPair();
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("this JVM cannot make EC P-256 keys", e);
    }
  }

  /** A fresh RSA key pair of {@code bits} bits. */
  public static KeyPair newRsa(int bits) {
    try {
      KeyPairGenerator g = KeyPairGenerator.getInstance("RSA");
      g.initialize(bits);
      return g.generateKeyPair();
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("this JVM cannot make RSA keys", e);
    }
  }

  /** The private key of a pair as PEM: SEC1 for EC P-256, PKCS#1 for RSA. */
  public static String privateKeyPem(KeyPair keys) {
    PrivateKey key = keys.getPrivate();
    try {
      PemObject pem;
      if (key instanceof java.security.interfaces.ECPrivateKey ec && keys.getPublic() instanceof ECPublicKey pub) {
        int size = (ec.getParams().getCurve().getField().getFieldSize() + 7) / 8;
        byte[] point = new byte[1 + 2 * size];
        point[0] = 4;
        System.arraycopy(unsigned(pub.getW().getAffineX(), size), 0, point, 1, size);
        System.arraycopy(unsigned(pub.getW().getAffineY(), size), 0, point, 1 + size, size);
        pem = new PemObject("EC PRIVATE KEY", new ECPrivateKey(ec.getParams().getOrder().bitLength(), ec.getS(),
            new DERBitString(point), SECObjectIdentifiers.secp256r1).getEncoded());
      } else if (key instanceof RSAPrivateCrtKey rsa) {
        pem = new PemObject("RSA PRIVATE KEY", new RSAPrivateKey(rsa.getModulus(), rsa.getPublicExponent(),
            rsa.getPrivateExponent(), rsa.getPrimeP(), rsa.getPrimeQ(), rsa.getPrimeExponentP(),
            rsa.getPrimeExponentQ(), rsa.getCrtCoefficient()).getEncoded());
      } else {
        throw new IllegalArgumentException("only EC P-256 and RSA keys are supported: " + key.getAlgorithm());
      }
      return pemText(pem);
    } catch (IOException e) {
      throw new IllegalStateException("cannot encode a private key", e);
    }
  }

  /** Reads a private key (PKCS#1, SEC1 or PKCS#8 PEM) with its public half when the PEM carries it. */
  public static PrivateKey readPrivateKey(String pem) {
    try (PEMParser parser = new PEMParser(new StringReader(pem))) {
      Object o = parser.readObject();
      JcaPEMKeyConverter converter = new JcaPEMKeyConverter();
      if (o instanceof PEMKeyPair pair) {
        return converter.getKeyPair(pair).getPrivate();
      }
      if (o instanceof org.bouncycastle.asn1.pkcs.PrivateKeyInfo info) {
        return converter.getPrivateKey(info);
      }
      throw new IllegalArgumentException("not a PEM private key");
    } catch (IOException e) {
      throw new IllegalArgumentException("not a PEM private key: " + e.getMessage(), e);
    }
  }

  /** A public key as PEM ({@code BEGIN PUBLIC KEY}, X.509 SubjectPublicKeyInfo). */
  public static String publicKeyPem(PublicKey key) {
    return pemText(new PemObject("PUBLIC KEY", key.getEncoded()));
  }

  /** A certificate as PEM. */
  public static String certificatePem(X509Certificate certificate) {
    try {
      return pemText(new PemObject("CERTIFICATE", certificate.getEncoded()));
    } catch (CertificateEncodingException e) {
      throw new IllegalStateException("cannot encode a certificate", e);
    }
  }

  /**
   * Reads the first certificate of a PEM text.
   *
   * @throws IllegalArgumentException if there is none or it does not parse
   */
  public static X509Certificate readCertificate(String pem) {
    try {
      CertificateFactory f = CertificateFactory.getInstance("X.509");
      return (X509Certificate) f.generateCertificate(
          new java.io.ByteArrayInputStream(pem.getBytes(java.nio.charset.StandardCharsets.US_ASCII)));
    } catch (CertificateException | ClassCastException e) {
      throw new IllegalArgumentException("not a PEM certificate: " + e.getMessage(), e);
    }
  }

  /** AWS IoT's certificate id: the SHA-256 of the DER encoding, 64 lower-case hex digits. */
  public static String certificateId(X509Certificate certificate) {
    try {
      return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(certificate.getEncoded()));
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("cannot hash a certificate", e);
    }
  }

  /** A PKCS#10 request signed by {@code keys} (SHA-256 with ECDSA or RSA) for {@code subject}. */
  public static PKCS10CertificationRequest newCsr(KeyPair keys, X500Name subject) {
    String algorithm = keys.getPrivate().getAlgorithm().equals("EC") ? "SHA256withECDSA" : "SHA256withRSA";
    try {
      return new JcaPKCS10CertificationRequestBuilder(subject, keys.getPublic())
          .build(new JcaContentSignerBuilder(algorithm).build(keys.getPrivate()));
    } catch (OperatorCreationException e) {
      throw new IllegalStateException("cannot sign a CSR with " + algorithm, e);
    }
  }

  /** A CSR as PEM. */
  public static String csrPem(PKCS10CertificationRequest csr) {
    try {
      return pemText(new PemObject("CERTIFICATE REQUEST", csr.getEncoded()));
    } catch (IOException e) {
      throw new IllegalStateException("cannot encode a CSR", e);
    }
  }

  /**
   * Reads a PEM CSR and checks its self-signature.
   *
   * @throws IllegalArgumentException if it is not a CSR or its signature does not verify
   */
  public static PKCS10CertificationRequest readCsr(String pem) {
    Object o;
    try (PEMParser parser = new PEMParser(new StringReader(pem))) {
      o = parser.readObject();
    } catch (IOException | RuntimeException e) {
      throw new IllegalArgumentException("not a PEM certificate signing request", e);
    }
    if (!(o instanceof PKCS10CertificationRequest csr)) {
      throw new IllegalArgumentException("not a PEM certificate signing request");
    }
    try {
      ContentVerifierProvider verifier = new JcaContentVerifierProviderBuilder().build(publicKey(csr.getSubjectPublicKeyInfo()));
      if (!csr.isSignatureValid(verifier)) {
        throw new IllegalArgumentException("the CSR's signature does not verify");
      }
    } catch (OperatorCreationException | PKCSException | RuntimeException e) {
      throw new IllegalArgumentException("the CSR's signature cannot be checked: " + e.getMessage(), e);
    }
    return csr;
  }

  /** The public key a CSR asks to certify. */
  public static PublicKey publicKey(PKCS10CertificationRequest csr) {
    return publicKey(csr.getSubjectPublicKeyInfo());
  }

  /** A JCA public key from its ASN.1 form. */
  public static PublicKey publicKey(SubjectPublicKeyInfo info) {
    try {
      return new JcaPEMKeyConverter().getPublicKey(info);
    } catch (IOException e) {
      throw new IllegalArgumentException("unsupported public key: " + e.getMessage(), e);
    }
  }

  /** Whether a key is RSA (as opposed to EC), from its ASN.1 algorithm. */
  public static boolean isRsa(SubjectPublicKeyInfo info) {
    return info.getAlgorithm().getAlgorithm().equals(PKCSObjectIdentifiers.rsaEncryption);
  }

  private static String pemText(PemObject pem) {
    StringWriter out = new StringWriter();
    try (JcaPEMWriter w = new JcaPEMWriter(out)) {
      w.writeObject(pem);
    } catch (IOException e) {
      throw new IllegalStateException("cannot write PEM", e);
    }
    return out.toString();
  }

  private static byte[] unsigned(java.math.BigInteger value, int size) {
    byte[] raw = value.toByteArray();
    byte[] out = new byte[size];
    int copy = Math.min(raw.length, size);
    System.arraycopy(raw, raw.length - copy, out, size - copy, copy);
    return out;
  }

  /** Whether a private key is an elliptic-curve key (files are signed SHA256withECDSA) rather than RSA. */
  public static boolean isEc(PrivateKey key) {
    return key.getAlgorithm().startsWith("EC");
  }

  /**
   * Signs a file's bytes, read as a stream, with SHA-256 and the key's algorithm: SHA256withECDSA for an EC key
   * (DER signature), SHA256withRSA otherwise. This is the signature AWS code signing puts in an OTA job.
   */
  public static byte[] signFile(PrivateKey key, Path file) throws GeneralSecurityException, IOException {
    Signature s = Signature.getInstance(isEc(key) ? "SHA256withECDSA" : "SHA256withRSA");
    s.initSign(key);
    byte[] buf = new byte[64 * 1024];
    try (InputStream in = Files.newInputStream(file)) {
      int n;
      while ((n = in.read(buf)) > 0) {
        s.update(buf, 0, n);
      }
    }
    return s.sign();
  }
}
