package dev.thingbridge.testing;

import java.io.InputStream;
import java.io.OutputStream;
import java.io.Writer;
import java.math.BigInteger;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.MessageDigest;
import java.security.Signature;
import java.security.spec.ECGenParameterSpec;
import java.time.Duration;
import java.time.Instant;
import java.util.Date;
import java.util.Random;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.openssl.jcajce.JcaPEMWriter;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;

/** Files, code-signing keys and certificates for OTA tests and benchmarks that run devices as processes. */
public final class OtaFixtures {
  private OtaFixtures() {}

  /** A fresh P-256 key pair. */
  public static KeyPair ecKey() {
    try {
      KeyPairGenerator g = KeyPairGenerator.getInstance("EC");
      g.initialize(new ECGenParameterSpec("secp256r1"));
      return g.generateKeyPair();
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException(e);
    }
  }

  /** A self-signed code-signing certificate for {@code key}, valid from a minute ago for {@code validity}, as PEM. */
  public static Path writeCertificate(Path file, KeyPair key, String commonName, Duration validity) throws Exception {
    X500Name name = new X500Name("CN=" + commonName);
    Instant now = Instant.now();
    try (Writer w = Files.newBufferedWriter(file); JcaPEMWriter pem = new JcaPEMWriter(w)) {
      pem.writeObject(new JcaX509v3CertificateBuilder(name, BigInteger.ONE, Date.from(now.minusSeconds(60)),
          Date.from(now.plus(validity)), name, key.getPublic())
          .build(new JcaContentSignerBuilder("SHA256withECDSA").build(key.getPrivate())));
    }
    return file;
  }

  /** {@code size} random bytes (seeded by the size, so a size always gives the same file). */
  public static Path randomFile(Path file, long size) throws Exception {
    byte[] chunk = new byte[1 << 20];
    Random random = new Random(size);
    try (OutputStream out = Files.newOutputStream(file)) {
      for (long written = 0; written < size; written += chunk.length) {
        random.nextBytes(chunk);
        out.write(chunk, 0, (int) Math.min(chunk.length, size - written));
      }
    }
    return file;
  }

  /** The DER SHA256withECDSA signature of a file, read in pieces. */
  public static byte[] sign(KeyPair key, Path file) throws Exception {
    Signature s = Signature.getInstance("SHA256withECDSA");
    s.initSign(key.getPrivate());
    byte[] buf = new byte[1 << 20];
    try (InputStream in = Files.newInputStream(file)) {
      int n;
      while ((n = in.read(buf)) > 0) {
        s.update(buf, 0, n);
      }
    }
    return s.sign();
  }

  /** The SHA-256 of a file, read in pieces. */
  public static byte[] sha256(Path file) throws Exception {
    MessageDigest d = MessageDigest.getInstance("SHA-256");
    byte[] buf = new byte[1 << 20];
    try (InputStream in = Files.newInputStream(file)) {
      int n;
      while ((n = in.read(buf)) > 0) {
        d.update(buf, 0, n);
      }
    }
    return d.digest();
  }

  /**
   * How many whole blocks of {@code content} a partial download's file holds at their places: what a device wrote,
   * whether or not a checkpoint recorded it (random content never matches the zeros of a block not written).
   */
  public static int blocksOnDisk(Path partial, byte[] content, int blockSize) throws Exception {
    byte[] disk = Files.readAllBytes(partial);
    int n = 0;
    for (int off = 0; off < content.length; off += blockSize) {
      int end = Math.min(content.length, off + blockSize);
      if (end <= disk.length && java.util.Arrays.equals(disk, off, end, content, off, end)) {
        n++;
      }
    }
    return n;
  }
}
