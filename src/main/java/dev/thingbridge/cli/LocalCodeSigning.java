package dev.thingbridge.cli;

import dev.thingbridge.internal.AtomicFiles;
import dev.thingbridge.internal.Pki;
import java.io.IOException;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import java.util.Date;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.operator.OperatorCreationException;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;

/**
 * {@code local}'s code-signing identity, the stand-in for an AWS Signer profile: one PEM file holding a self-signed
 * EC P-256 certificate and its key. The component checks OTA files against the certificate, and the twin signs
 * files with the key when an OTA update names the file as its {@code certificateArn} ({@code file:///...pem}).
 * Made once per state directory and kept, so a restarted {@code local} accepts what it accepted before.
 */
final class LocalCodeSigning {
  static final String FILE_NAME = "code-signing.pem";
  private static final Duration VALIDITY = Duration.ofDays(3650);

  private LocalCodeSigning() {}

  /** The PEM in {@code dir}, made now if it is not there yet. */
  static Path ensure(Path dir) throws IOException {
    Path pem = dir.resolve(FILE_NAME);
    if (Files.isRegularFile(pem)) {
      return pem;
    }
    KeyPair keys = Pki.newEcP256();
    X500Name name = new X500Name("CN=thingbridge local code signing");
    Instant now = Instant.now();
    X509Certificate certificate;
    try {
      certificate = new JcaX509CertificateConverter().getCertificate(new JcaX509v3CertificateBuilder(name,
          BigInteger.valueOf(now.toEpochMilli()), Date.from(now.minusSeconds(300)), Date.from(now.plus(VALIDITY)),
          name, keys.getPublic()).build(new JcaContentSignerBuilder("SHA256withECDSA").build(keys.getPrivate())));
    } catch (GeneralSecurityException | OperatorCreationException e) {
      throw new IOException("cannot make the local code-signing certificate: " + e.getMessage(), e);
    }
    String content = Pki.certificatePem(certificate) + Pki.privateKeyPem(keys);
    Files.createDirectories(dir);
    AtomicFiles.write(pem, content.getBytes(StandardCharsets.US_ASCII), PosixFilePermissions.fromString("rw-------"));
    return pem;
  }
}
