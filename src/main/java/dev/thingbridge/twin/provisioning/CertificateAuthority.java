package dev.thingbridge.twin.provisioning;

import dev.thingbridge.internal.AtomicFiles;
import dev.thingbridge.internal.IpLiterals;
import dev.thingbridge.internal.Pki;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.SecureRandom;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Date;
import java.util.EnumSet;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x509.BasicConstraints;
import org.bouncycastle.asn1.x509.ExtendedKeyUsage;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.GeneralName;
import org.bouncycastle.asn1.x509.GeneralNames;
import org.bouncycastle.asn1.x509.KeyPurposeId;
import org.bouncycastle.asn1.x509.KeyUsage;
import org.bouncycastle.cert.X509v3CertificateBuilder;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cert.jcajce.JcaX509ExtensionUtils;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.operator.OperatorCreationException;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;

/**
 * The twin's own certificate authority: it signs every certificate the twin hands out (fleet provisioning,
 * CreateKeysAndCertificate), and can sign a broker's server certificate, so that a Mosquitto that trusts it
 * runs mutual TLS with the twin's devices. Its key is EC P-256; kept in a state directory as {@code
 * ca/ca.pem} (the certificate to give brokers and devices) and {@code ca/ca.key} (mode 0600), created on
 * first use and reused afterwards.
 */
public final class CertificateAuthority {
  /** The CA's certificate file within a state directory. */
  public static final String CA_CERTIFICATE = "ca/ca.pem";
  /** The CA's key file within a state directory. */
  public static final String CA_KEY = "ca/ca.key";

  private static final Duration CA_VALIDITY = Duration.ofDays(3650);
  private final X509Certificate certificate;
  private final PrivateKey key;
  private final Path certificateFile;
  private final Clock clock;
  private final SecureRandom random = new SecureRandom();

  private CertificateAuthority(X509Certificate certificate, PrivateKey key, Path certificateFile, Clock clock) {
    this.certificate = certificate;
    this.key = key;
    this.certificateFile = certificateFile;
    this.clock = clock;
  }

  /** A CA that lives in memory only (a twin without a state directory): new on every start. */
  public static CertificateAuthority ephemeral(Clock clock) {
    KeyPair keys = Pki.newEcP256();
    return new CertificateAuthority(selfSigned(keys, clock), keys.getPrivate(), null, clock);
  }

  /**
   * The CA kept in {@code stateDir}: loaded if {@code ca/ca.pem} and {@code ca/ca.key} exist, created (and
   * written, the key 0600) if neither does.
   *
   * @throws UncheckedIOException if the files cannot be read or written, or only one of them exists
   */
  public static CertificateAuthority inDirectory(Path stateDir, Clock clock) {
    Path certFile = stateDir.resolve(CA_CERTIFICATE);
    Path keyFile = stateDir.resolve(CA_KEY);
    try {
      if (Files.exists(certFile) && Files.exists(keyFile)) {
        X509Certificate cert = Pki.readCertificate(Files.readString(certFile, StandardCharsets.US_ASCII));
        PrivateKey key = Pki.readPrivateKey(Files.readString(keyFile, StandardCharsets.US_ASCII));
        return new CertificateAuthority(cert, key, certFile, clock);
      }
      if (Files.exists(certFile) || Files.exists(keyFile)) {
        throw new IOException("only one of " + certFile + " and " + keyFile + " exists; restore the other or remove both");
      }
      KeyPair keys = Pki.newEcP256();
      X509Certificate cert = selfSigned(keys, clock);
      AtomicFiles.write(keyFile, Pki.privateKeyPem(keys).getBytes(StandardCharsets.US_ASCII),
          EnumSet.of(PosixFilePermission.OWNER_READ, PosixFilePermission.OWNER_WRITE));
      AtomicFiles.write(certFile, Pki.certificatePem(cert).getBytes(StandardCharsets.US_ASCII));
      return new CertificateAuthority(cert, keys.getPrivate(), certFile, clock);
    } catch (IOException e) {
      throw new UncheckedIOException("the twin's CA in " + stateDir.resolve("ca") + ": " + e.getMessage(), e);
    } catch (IllegalArgumentException e) {
      throw new IllegalStateException("the twin's CA in " + stateDir.resolve("ca") + " is unreadable: "
          + e.getMessage(), e);
    }
  }

  /** The CA certificate. */
  public X509Certificate certificate() {
    return certificate;
  }

  /** The CA certificate as PEM. */
  public String certificatePem() {
    return Pki.certificatePem(certificate);
  }

  /** The file holding the CA certificate, when the CA lives in a state directory. */
  public Optional<Path> certificateFile() {
    return Optional.ofNullable(certificateFile);
  }

  /** A device (TLS client) certificate for {@code key}, valid for {@code validity}. */
  public X509Certificate issueClient(PublicKey subjectKey, String commonName, Duration validity) {
    return issue(subjectKey, commonName, validity, new ExtendedKeyUsage(KeyPurposeId.id_kp_clientAuth), List.of());
  }

  /**
   * A broker (TLS server) certificate for {@code key}, naming each host (DNS name or IP literal) as a
   * subject alternative name.
   */
  public X509Certificate issueServer(PublicKey subjectKey, List<String> hosts, Duration validity) {
    return issue(subjectKey, hosts.isEmpty() ? "broker" : hosts.get(0), validity,
        new ExtendedKeyUsage(new KeyPurposeId[] {KeyPurposeId.id_kp_serverAuth, KeyPurposeId.id_kp_clientAuth}),
        hosts);
  }

  private X509Certificate issue(PublicKey subjectKey, String commonName, Duration validity, ExtendedKeyUsage usage,
      List<String> hosts) {
    Instant now = clock.instant();
    try {
      X509v3CertificateBuilder b = new JcaX509v3CertificateBuilder(certificate, serial(),
          Date.from(now.minus(Duration.ofMinutes(5))), Date.from(now.plus(validity)),
          new X500Name("CN=" + commonName.replaceAll("[,+=\"\\\\<>;#]", "_") + ",O=thingbridge twin"), subjectKey);
      JcaX509ExtensionUtils ext = new JcaX509ExtensionUtils();
      b.addExtension(Extension.basicConstraints, true, new BasicConstraints(false));
      b.addExtension(Extension.keyUsage, true,
          new KeyUsage(KeyUsage.digitalSignature | KeyUsage.keyEncipherment | KeyUsage.keyAgreement));
      b.addExtension(Extension.extendedKeyUsage, false, usage);
      b.addExtension(Extension.subjectKeyIdentifier, false, ext.createSubjectKeyIdentifier(subjectKey));
      b.addExtension(Extension.authorityKeyIdentifier, false, ext.createAuthorityKeyIdentifier(certificate));
      if (!hosts.isEmpty()) {
        List<GeneralName> names = new ArrayList<>();
        for (String h : hosts) {
          names.add(IpLiterals.isIp(h) ? new GeneralName(GeneralName.iPAddress, h) : new GeneralName(GeneralName.dNSName, h));
        }
        b.addExtension(Extension.subjectAlternativeName, false, new GeneralNames(names.toArray(GeneralName[]::new)));
      }
      return new JcaX509CertificateConverter().getCertificate(b.build(new JcaContentSignerBuilder("SHA256withECDSA").build(key)));
    } catch (GeneralSecurityException | OperatorCreationException | IOException e) {
      throw new IllegalStateException("the twin's CA could not sign a certificate: " + e.getMessage(), e);
    }
  }

  private BigInteger serial() {
    byte[] b = new byte[16];
    random.nextBytes(b);
    b[0] &= 0x7f;
    return new BigInteger(1, b).max(BigInteger.ONE);
  }

  private static X509Certificate selfSigned(KeyPair keys, Clock clock) {
    Instant now = clock.instant();
    byte[] id = new byte[4];
    new SecureRandom().nextBytes(id);
    X500Name name = new X500Name("CN=thingbridge twin CA " + HexFormat.of().formatHex(id) + ",O=thingbridge twin");
    try {
      X509v3CertificateBuilder b = new JcaX509v3CertificateBuilder(name, BigInteger.ONE,
          Date.from(now.minus(Duration.ofHours(1))), Date.from(now.plus(CA_VALIDITY)), name, keys.getPublic());
      JcaX509ExtensionUtils ext = new JcaX509ExtensionUtils();
      b.addExtension(Extension.basicConstraints, true, new BasicConstraints(0));
      b.addExtension(Extension.keyUsage, true, new KeyUsage(KeyUsage.keyCertSign | KeyUsage.cRLSign));
      b.addExtension(Extension.subjectKeyIdentifier, false, ext.createSubjectKeyIdentifier(keys.getPublic()));
      return new JcaX509CertificateConverter().getCertificate(
          b.build(new JcaContentSignerBuilder("SHA256withECDSA").build(keys.getPrivate())));
    } catch (GeneralSecurityException | OperatorCreationException | IOException e) {
      throw new IllegalStateException("cannot create the twin's CA: " + e.getMessage(), e);
    }
  }
}
