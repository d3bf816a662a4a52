package dev.thingbridge.testing;

import java.io.IOException;
import java.io.Writer;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.PrivateKey;
import java.security.SecureRandom;
import java.security.cert.X509Certificate;
import java.security.spec.ECGenParameterSpec;
import java.time.Duration;
import java.time.Instant;
import java.util.Date;
import java.util.concurrent.atomic.AtomicLong;
import org.bouncycastle.asn1.DERBitString;
import org.bouncycastle.asn1.sec.SECObjectIdentifiers;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x509.BasicConstraints;
import org.bouncycastle.asn1.x509.ExtendedKeyUsage;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.GeneralName;
import org.bouncycastle.asn1.x509.GeneralNames;
import org.bouncycastle.asn1.x509.KeyPurposeId;
import org.bouncycastle.asn1.x509.KeyUsage;
import org.bouncycastle.cert.CertIOException;
import org.bouncycastle.cert.X509v3CertificateBuilder;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cert.jcajce.JcaX509ExtensionUtils;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.openssl.jcajce.JcaPEMWriter;
import org.bouncycastle.operator.ContentSigner;
import org.bouncycastle.operator.OperatorCreationException;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;
import org.bouncycastle.util.io.pem.PemObject;

/**
 * A throw-away public key infrastructure for TLS tests: one CA, a server certificate for 127.0.0.1 and
 * localhost, and client certificates on demand, all written as PEM files into a directory the test owns.
 *
 * <p>Client keys come the way AWS IoT hands them out: RSA keys as PKCS#1 ({@code BEGIN RSA PRIVATE KEY}),
 * EC keys as SEC1 ({@code BEGIN EC PRIVATE KEY}). Two {@code TestPki} instances are two unrelated CAs, so a
 * client certificate of one is refused by a broker trusting the other.
 */
public final class TestPki {
  /** A client's certificate and private key files. */
  public record ClientCredentials(String commonName, Path certificate, Path privateKey) {}

  private static final Duration VALIDITY = Duration.ofDays(2);

  private final Path dir;
  private final String name;
  private final KeyPair caKeys;
  private final X500Name caName;
  private final X509Certificate caCert;
  private final Path caFile;
  private final Path serverCertFile;
  private final Path serverKeyFile;
  private final AtomicLong serials = new AtomicLong(2);
  private final SecureRandom random = new SecureRandom();

  private TestPki(Path dir, String name) throws IOException, GeneralSecurityException {
    this.dir = Files.createDirectories(dir);
    this.name = name;
    this.caKeys = ecKeys();
    this.caName = new X500Name("CN=" + name + " CA,O=thingbridge tests");
    this.caCert = sign(caName, caName, caKeys.getPublic(), caKeys.getPrivate(), BigInteger.ONE, builder -> {
      builder.addExtension(Extension.basicConstraints, true, new BasicConstraints(0));
      builder.addExtension(Extension.keyUsage, true, new KeyUsage(KeyUsage.keyCertSign | KeyUsage.cRLSign));
    });
    this.caFile = write(dir.resolve(name + "-ca.pem"), caCert);

    KeyPair serverKeys = ecKeys();
    X509Certificate server = issue(new X500Name("CN=localhost,O=thingbridge tests"), serverKeys, builder -> {
      builder.addExtension(Extension.subjectAlternativeName, false, new GeneralNames(new GeneralName[] {
          new GeneralName(GeneralName.iPAddress, "127.0.0.1"), new GeneralName(GeneralName.dNSName, "localhost")}));
      builder.addExtension(Extension.extendedKeyUsage, false, new ExtendedKeyUsage(KeyPurposeId.id_kp_serverAuth));
    });
    this.serverCertFile = write(dir.resolve(name + "-server.pem"), server);
    this.serverKeyFile = write(dir.resolve(name + "-server.key"), serverKeys.getPrivate());
  }

  /** A new CA named "test" with its server certificate, writing files into {@code dir}. */
  public static TestPki create(Path dir) {
    return create(dir, "test");
  }

  /** A new CA with the given name (a file prefix too), writing files into {@code dir}. */
  public static TestPki create(Path dir, String name) {
    try {
      return new TestPki(dir, name);
    } catch (IOException | GeneralSecurityException e) {
      throw new IllegalStateException("could not create the test PKI in " + dir, e);
    }
  }

  /** The CA certificate (PEM): what clients and the broker trust. */
  public Path caFile() {
    return caFile;
  }

  /** The broker's certificate (PEM), valid for 127.0.0.1 and localhost. */
  public Path serverCertificateFile() {
    return serverCertFile;
  }

  /** The broker's private key (PEM). */
  public Path serverKeyFile() {
    return serverKeyFile;
  }

  /**
   * Another server certificate of this CA, valid only for {@code dnsNames} (no IP address): a broker that
   * shows it on 127.0.0.1 fails a client's host-name check.
   */
  public ClientCredentials newServer(String commonName, String... dnsNames) {
    try {
      KeyPair keys = ecKeys();
      GeneralName[] names = new GeneralName[dnsNames.length];
      for (int i = 0; i < dnsNames.length; i++) {
        names[i] = new GeneralName(GeneralName.dNSName, dnsNames[i]);
      }
      X509Certificate cert = issue(new X500Name("CN=" + commonName + ",O=thingbridge tests"), keys, builder -> {
        builder.addExtension(Extension.subjectAlternativeName, false, new GeneralNames(names));
        builder.addExtension(Extension.extendedKeyUsage, false, new ExtendedKeyUsage(KeyPurposeId.id_kp_serverAuth));
      });
      String base = name + "-server-" + commonName.replaceAll("[^A-Za-z0-9_.-]", "_");
      return new ClientCredentials(commonName, write(dir.resolve(base + ".pem"), cert),
          write(dir.resolve(base + ".key"), keys.getPrivate()));
    } catch (IOException | GeneralSecurityException e) {
      throw new IllegalStateException("could not issue a server certificate for " + commonName, e);
    }
  }

  /** A client certificate with an RSA-2048 key written as PKCS#1, like the keys AWS IoT creates. */
  public ClientCredentials newClient(String commonName) {
    return newClient(commonName, false);
  }

  /** A client certificate with an EC P-256 key written as SEC1 ({@code BEGIN EC PRIVATE KEY}). */
  public ClientCredentials newEcClient(String commonName) {
    return newClient(commonName, true);
  }

  private ClientCredentials newClient(String commonName, boolean ec) {
    try {
      KeyPair keys = ec ? ecKeys() : rsaKeys();
      X509Certificate cert = issue(new X500Name("CN=" + commonName + ",O=thingbridge tests"), keys,
          builder -> builder.addExtension(
              Extension.extendedKeyUsage, false, new ExtendedKeyUsage(KeyPurposeId.id_kp_clientAuth)));
      String base = name + "-client-" + commonName.replaceAll("[^A-Za-z0-9_.-]", "_");
      return new ClientCredentials(commonName, write(dir.resolve(base + ".pem"), cert),
          write(dir.resolve(base + ".key"), keys.getPrivate()));
    } catch (IOException | GeneralSecurityException e) {
      throw new IllegalStateException("could not issue a client certificate for " + commonName, e);
    }
  }

  private X509Certificate issue(X500Name subject, KeyPair keys, Extensions extensions)
      throws GeneralSecurityException, IOException {
    BigInteger serial = BigInteger.valueOf(serials.getAndIncrement()).shiftLeft(32)
        .or(BigInteger.valueOf(random.nextInt() & 0x7fffffffL));
    return sign(caName, subject, keys.getPublic(), caKeys.getPrivate(), serial, builder -> {
      builder.addExtension(Extension.basicConstraints, true, new BasicConstraints(false));
      builder.addExtension(Extension.authorityKeyIdentifier, false,
          new JcaX509ExtensionUtils().createAuthorityKeyIdentifier(caCert));
      builder.addExtension(Extension.keyUsage, true,
          new KeyUsage(KeyUsage.digitalSignature | KeyUsage.keyEncipherment | KeyUsage.keyAgreement));
      extensions.add(builder);
    });
  }

  private static X509Certificate sign(X500Name issuer, X500Name subject, java.security.PublicKey subjectKey,
      PrivateKey signingKey, BigInteger serial, Extensions extensions) throws GeneralSecurityException, IOException {
    Instant now = Instant.now();
    X509v3CertificateBuilder builder = new JcaX509v3CertificateBuilder(issuer, serial,
        Date.from(now.minus(Duration.ofHours(1))), Date.from(now.plus(VALIDITY)), subject, subjectKey);
    builder.addExtension(Extension.subjectKeyIdentifier, false,
        new JcaX509ExtensionUtils().createSubjectKeyIdentifier(subjectKey));
    extensions.add(builder);
    try {
      ContentSigner signer = new JcaContentSignerBuilder("SHA256withECDSA").build(signingKey);
      return new JcaX509CertificateConverter().getCertificate(builder.build(signer));
    } catch (OperatorCreationException e) {
      throw new GeneralSecurityException(e);
    }
  }

  private static KeyPair ecKeys() throws GeneralSecurityException {
    KeyPairGenerator g = KeyPairGenerator.getInstance("EC");
    g.initialize(new ECGenParameterSpec("secp256r1"));
    return g.generateKeyPair();
  }

  private static KeyPair rsaKeys() throws GeneralSecurityException {
    KeyPairGenerator g = KeyPairGenerator.getInstance("RSA");
    g.initialize(2048);
    return g.generateKeyPair();
  }

  /**
   * Writes one object as PEM. RSA keys come out as PKCS#1. EC keys are written as SEC1 by hand, because
   * the JDK's encoding leaves the curve out of the inner structure and OpenSSL then cannot read the key.
   */
  private static Path write(Path file, Object pemObject) throws IOException {
    Object out = pemObject;
    if (pemObject instanceof java.security.interfaces.ECPrivateKey ec) {
      out = new PemObject("EC PRIVATE KEY", sec1(ec));
    }
    try (Writer w = Files.newBufferedWriter(file, StandardCharsets.US_ASCII);
        JcaPEMWriter pem = new JcaPEMWriter(w)) {
      pem.writeObject(out);
    }
    return file;
  }

  private static byte[] sec1(java.security.interfaces.ECPrivateKey key) throws IOException {
    java.security.spec.ECParameterSpec params = key.getParams();
    java.security.spec.ECPoint w = publicPoint(key);
    int size = (params.getCurve().getField().getFieldSize() + 7) / 8;
    byte[] point = new byte[1 + 2 * size];
    point[0] = 4;
    System.arraycopy(unsigned(w.getAffineX(), size), 0, point, 1, size);
    System.arraycopy(unsigned(w.getAffineY(), size), 0, point, 1 + size, size);
    return new org.bouncycastle.asn1.sec.ECPrivateKey(params.getOrder().bitLength(), key.getS(),
        new DERBitString(point), SECObjectIdentifiers.secp256r1).getEncoded();
  }

  private static java.security.spec.ECPoint publicPoint(java.security.interfaces.ECPrivateKey key) {
    org.bouncycastle.jce.spec.ECParameterSpec bc = org.bouncycastle.jcajce.provider.asymmetric.util.EC5Util
        .convertSpec(key.getParams());
    org.bouncycastle.math.ec.ECPoint q = bc.getG().multiply(key.getS()).normalize();
    return new java.security.spec.ECPoint(
        q.getAffineXCoord().toBigInteger(), q.getAffineYCoord().toBigInteger());
  }

  private static byte[] unsigned(BigInteger value, int size) {
    byte[] raw = value.toByteArray();
    byte[] out = new byte[size];
    int copy = Math.min(raw.length, size);
    System.arraycopy(raw, raw.length - copy, out, size - copy, copy);
    return out;
  }

  @FunctionalInterface
  private interface Extensions {
    void add(X509v3CertificateBuilder builder) throws CertIOException, GeneralSecurityException;
  }
}
