package dev.thingbridge.mqtt.local.server;

import dev.thingbridge.internal.Pki;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.PrivateKey;
import java.security.Signature;
import java.security.cert.Certificate;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.TrustManagerFactory;

/**
 * TLS for the MQTT server, from PEM files the way AWS IoT devices hold them: the server's certificate chain
 * and private key (PKCS#1, SEC1 or PKCS#8), and optionally the CA certificates whose client certificates are
 * accepted. With {@link ClientAuth#REQUIRED} a client without a certificate signed by one of those CAs fails
 * the handshake, as on AWS IoT Core's mutual-TLS endpoint. TLS 1.2 and 1.3 only.
 */
public final class ServerTls {
  /** Whether clients must show a certificate. */
  public enum ClientAuth {
    /** No client certificate is asked for. */
    NONE,
    /** A client certificate signed by a trusted CA is required (mutual TLS). */
    REQUIRED
  }

  private static final String[] PROTOCOLS = {"TLSv1.3", "TLSv1.2"};

  private final SSLContext context;
  private final ClientAuth clientAuth;
  private final String subject;

  private ServerTls(SSLContext context, ClientAuth clientAuth, String subject) {
    this.context = context;
    this.clientAuth = clientAuth;
    this.subject = subject;
  }

  /** Server-authenticated TLS only: clients check the server, the server asks for no certificate. */
  public static ServerTls fromPem(Path certificateChain, Path privateKey) {
    return fromPem(certificateChain, privateKey, null, ClientAuth.NONE);
  }

  /**
   * TLS from PEM files.
   *
   * @param certificateChain the server certificate, then any intermediates
   * @param privateKey the server certificate's key
   * @param clientCertificateAuthorities CA certificates trusted for client certificates; required with
   *     {@link ClientAuth#REQUIRED}
   * @throws IllegalArgumentException naming the file that is missing or unreadable, or a key that does not
   *     match the certificate
   */
  public static ServerTls fromPem(Path certificateChain, Path privateKey, Path clientCertificateAuthorities,
      ClientAuth clientAuth) {
    Objects.requireNonNull(clientAuth, "clientAuth");
    if (clientAuth == ClientAuth.REQUIRED && clientCertificateAuthorities == null) {
      throw new IllegalArgumentException("client certificates are required but no CA file to check them is given");
    }
    List<X509Certificate> chain = certificates(certificateChain, "server certificate");
    PrivateKey key = privateKey(privateKey);
    requireMatch(chain.get(0), key, certificateChain, privateKey);
    try {
      KeyStore keys = KeyStore.getInstance("PKCS12");
      keys.load(null, null);
      char[] password = new char[0];
      keys.setKeyEntry("server", key, password, chain.toArray(Certificate[]::new));
      KeyManagerFactory kmf = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
      kmf.init(keys, password);
      TrustManagerFactory tmf = null;
      if (clientCertificateAuthorities != null) {
        KeyStore trusted = KeyStore.getInstance("PKCS12");
        trusted.load(null, null);
        int n = 0;
        for (X509Certificate ca : certificates(clientCertificateAuthorities, "client CA")) {
          trusted.setCertificateEntry("ca-" + n++, ca);
        }
        tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
        tmf.init(trusted);
      }
      SSLContext context = SSLContext.getInstance("TLS");
      context.init(kmf.getKeyManagers(), tmf == null ? null : tmf.getTrustManagers(), null);
      return new ServerTls(context, clientAuth, chain.get(0).getSubjectX500Principal().getName());
    } catch (GeneralSecurityException | IOException e) {
      throw new IllegalArgumentException("cannot set up TLS with " + certificateChain + " and " + privateKey
          + ": " + e.getMessage(), e);
    }
  }

  /** Whether clients must show a certificate. */
  public ClientAuth clientAuth() {
    return clientAuth;
  }

  /** The server certificate's subject, for logs. */
  public String subject() {
    return subject;
  }

  /** A server-side engine for one connection. */
  SSLEngine newEngine() {
    SSLEngine engine = context.createSSLEngine();
    engine.setUseClientMode(false);
    SSLParameters params = engine.getSSLParameters();
    params.setProtocols(PROTOCOLS);
    params.setNeedClientAuth(clientAuth == ClientAuth.REQUIRED);
    engine.setSSLParameters(params);
    return engine;
  }

  /** Signs and verifies a probe, so that a key of another certificate fails here and not in every handshake. */
  private static void requireMatch(X509Certificate certificate, PrivateKey key, Path certFile, Path keyFile) {
    String algorithm = "EC".equals(key.getAlgorithm()) ? "SHA256withECDSA" : "SHA256with" + key.getAlgorithm();
    try {
      byte[] probe = "thingbridge".getBytes(StandardCharsets.US_ASCII);
      Signature signer = Signature.getInstance(algorithm);
      signer.initSign(key);
      signer.update(probe);
      byte[] signature = signer.sign();
      Signature verifier = Signature.getInstance(algorithm);
      verifier.initVerify(certificate.getPublicKey());
      verifier.update(probe);
      if (verifier.verify(signature)) {
        return;
      }
    } catch (GeneralSecurityException e) {
      // falls through: a key the certificate's public key cannot verify is a mismatch too
    }
    throw new IllegalArgumentException("private key " + keyFile + " does not belong to the certificate in " + certFile);
  }

  private static List<X509Certificate> certificates(Path file, String what) {
    try (InputStream in = Files.newInputStream(file)) {
      List<X509Certificate> out = new ArrayList<>();
      for (Certificate c : CertificateFactory.getInstance("X.509").generateCertificates(in)) {
        out.add((X509Certificate) c);
      }
      if (out.isEmpty()) {
        throw new IllegalArgumentException(what + " file " + file + " holds no PEM certificate");
      }
      return out;
    } catch (IOException e) {
      throw new IllegalArgumentException("cannot read the " + what + " file " + file + ": " + e.getMessage(), e);
    } catch (GeneralSecurityException | ClassCastException e) {
      throw new IllegalArgumentException(what + " file " + file + " is not PEM certificates: " + e.getMessage(), e);
    }
  }

  private static PrivateKey privateKey(Path file) {
    try {
      return Pki.readPrivateKey(Files.readString(file, StandardCharsets.US_ASCII));
    } catch (IOException e) {
      throw new IllegalArgumentException("cannot read the private key file " + file + ": " + e.getMessage(), e);
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException("private key file " + file + ": " + e.getMessage(), e);
    }
  }
}
