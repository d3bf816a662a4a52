package dev.thingbridge.mqtt.crt;

import dev.thingbridge.mqtt.MqttEndpoint;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.Reader;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.Principal;
import java.security.PrivateKey;
import java.security.cert.Certificate;
import java.security.cert.CertificateException;
import java.security.cert.CertificateFactory;
import java.security.cert.CertificateParsingException;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.regex.Pattern;
import javax.net.ssl.SNIHostName;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.SSLException;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.TrustManager;
import javax.net.ssl.TrustManagerFactory;
import javax.net.ssl.X509ExtendedKeyManager;
import javax.net.ssl.X509ExtendedTrustManager;
import javax.net.ssl.X509TrustManager;
import org.bouncycastle.asn1.pkcs.PrivateKeyInfo;
import org.bouncycastle.openssl.PEMKeyPair;
import org.bouncycastle.openssl.PEMParser;
import org.bouncycastle.openssl.jcajce.JcaPEMKeyConverter;

/**
 * Finds out why a TLS connection to a broker cannot work, by making the same handshake with the JDK's TLS
 * (same endpoint, same CA, same client certificate and key) and reading its outcome: a broker certificate the
 * CA does not vouch for (with its subject and issuer), a certificate for another host name, a client
 * certificate the broker refuses (its alert), no client certificate where one is required, or a server that
 * does not speak TLS. The CRT reports none of this: an untrusted certificate makes it wait until its own
 * negotiation times out, and the refusals come as a bare "negotiation failed".
 *
 * <p>The probe never sends MQTT. It answers only what it can tell for sure; anything else (a refused or
 * timed-out TCP connection, a handshake that works) gives an empty answer and the caller keeps its own.
 */
final class TlsDiagnosis {
  /** How long the probe waits after its handshake for the broker to refuse the client certificate (TLS 1.3). */
  private static final Duration ALERT_WAIT = Duration.ofMillis(400);
  private static final Pattern ALERT = Pattern.compile("Received fatal alert: ([a-z_]+)");

  private TlsDiagnosis() {}

  /**
   * The reason a TLS connection with {@code options} fails, in one line starting with a lower-case word, or
   * empty if the probe found none within {@code budget}.
   */
  static Optional<String> diagnose(CrtMqttOptions options, Duration budget) {
    MqttEndpoint endpoint = options.endpoint();
    if (!endpoint.tls()) {
      return Optional.empty();
    }
    long deadline = System.nanoTime() + budget.toNanos();
    RecordingTrustManager trust;
    RecordingKeyManager keys = new RecordingKeyManager(options.certificate().orElse(null),
        options.privateKey().orElse(null));
    SSLContext context;
    try {
      trust = new RecordingTrustManager(trustManager(options.certificateAuthority().orElse(null)),
          options.certificateAuthority().map(Path::toString).orElse("the system trust store"));
      context = SSLContext.getInstance("TLS");
      context.init(new RecordingKeyManager[] {keys}, new TrustManager[] {trust}, null);
    } catch (IOException | GeneralSecurityException | RuntimeException e) {
      return Optional.empty(); // unreadable files are reported when the client loads them
    }
    try (Socket tcp = new Socket()) {
      tcp.setTcpNoDelay(true);
      tcp.connect(new InetSocketAddress(endpoint.host(), endpoint.port()), millisLeft(deadline));
      try (SSLSocket tls = (SSLSocket) context.getSocketFactory().createSocket(tcp, endpoint.host(),
          endpoint.port(), false)) {
        SSLParameters parameters = tls.getSSLParameters();
        parameters.setEndpointIdentificationAlgorithm("HTTPS");
        if (!isIpLiteral(endpoint.host())) {
          parameters.setServerNames(List.of(new SNIHostName(endpoint.host())));
        }
        tls.setSSLParameters(parameters);
        tls.setSoTimeout(millisLeft(deadline));
        try {
          tls.startHandshake();
          // TLS 1.3: the broker checks the client certificate after the client's handshake is done; its
          // refusal arrives as an alert on the first read.
          tls.setSoTimeout((int) Math.max(1, Math.min(ALERT_WAIT.toMillis(), millisLeft(deadline))));
          InputStream in = tls.getInputStream();
          in.read();
          return Optional.empty();
        } catch (SocketTimeoutException quietAfterHandshake) {
          return trust.verdict(); // empty unless the handshake itself timed out after a trust verdict
        } catch (IOException e) {
          return trust.verdict().or(() -> fromFailure(e, options, trust, keys.requested()));
        }
      }
    } catch (IOException | RuntimeException e) {
      return Optional.empty(); // no TCP connection: the client's own error says so
    }
  }

  private static Optional<String> fromFailure(IOException e, CrtMqttOptions options, RecordingTrustManager trust,
      boolean clientCertificateRequested) {
    boolean serverTrusted = trust.checked();
    String alert = alertOf(e);
    if (alert != null) {
      switch (alert) {
        case "certificate_required":
          return Optional.of("the broker requires a client certificate and none was given (TLS alert "
              + alert + ")");
        case "bad_certificate", "unknown_ca", "certificate_unknown", "unsupported_certificate",
            "certificate_revoked", "certificate_expired", "access_denied", "decrypt_error":
          return Optional.of("the broker refused the client certificate " + describeClient(options)
              + " (TLS alert " + alert + ")");
        case "handshake_failure":
          return options.certificate().isEmpty()
              ? Optional.of("the broker ended the TLS handshake (alert handshake_failure); it may require a "
                  + "client certificate, and none was given")
              : Optional.of("the broker ended the TLS handshake (alert handshake_failure): no common protocol "
                  + "version or cipher, or it refused the client certificate " + describeClient(options));
        default:
          return Optional.empty();
      }
    }
    if (serverTrusted && clientCertificateRequested) {
      // The broker asked for a certificate, then closed the connection (often with the alert still unread
      // behind a failed write): it did not accept what it got.
      return Optional.of(options.certificate().isPresent()
          ? "the broker refused the client certificate " + describeClient(options)
              + " (it closed the connection after receiving it)"
          : "the broker requires a client certificate and none was given");
    }
    String message = String.valueOf(e.getMessage()).toLowerCase(Locale.ROOT);
    boolean closed = e instanceof java.net.SocketException || hasCause(e, EOFException.class)
        || message.contains("remote host terminated the handshake");
    if (!trust.sawCertificate() && (closed || message.contains("unsupported or unrecognized ssl message")
        || message.contains("plaintext connection"))) {
      return Optional.of("the server at " + options.endpoint().host() + ":" + options.endpoint().port()
          + " does not speak TLS (it closed the connection on the TLS hello; a plain MQTT listener? then use "
          + "mqtt://)");
    }
    return Optional.empty();
  }

  private static String alertOf(Throwable e) {
    for (Throwable t = e; t != null; t = t.getCause()) {
      if (t.getMessage() != null) {
        var m = ALERT.matcher(t.getMessage());
        if (m.find()) {
          return m.group(1);
        }
      }
    }
    return null;
  }

  private static boolean hasCause(Throwable e, Class<? extends Throwable> type) {
    for (Throwable t = e; t != null; t = t.getCause()) {
      if (type.isInstance(t)) {
        return true;
      }
    }
    return false;
  }

  private static String describeClient(CrtMqttOptions options) {
    try {
      X509Certificate cert = certificates(options.certificate().orElseThrow()).get(0);
      return "(subject " + cert.getSubjectX500Principal().getName() + ", issuer "
          + cert.getIssuerX500Principal().getName() + ")";
    } catch (IOException | GeneralSecurityException | RuntimeException e) {
      return options.certificate().map(Path::toString).orElse("");
    }
  }

  private static int millisLeft(long deadline) {
    long left = (deadline - System.nanoTime()) / 1_000_000;
    if (left <= 0) {
      throw new IllegalStateException("out of time");
    }
    return (int) Math.min(Integer.MAX_VALUE, left);
  }

  private static boolean isIpLiteral(String host) {
    return host.contains(":") || host.matches("[0-9.]+");
  }

  private static X509TrustManager trustManager(Path caFile) throws IOException, GeneralSecurityException {
    TrustManagerFactory factory = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
    if (caFile == null) {
      factory.init((KeyStore) null);
    } else {
      KeyStore store = KeyStore.getInstance(KeyStore.getDefaultType());
      store.load(null, null);
      int i = 0;
      for (X509Certificate ca : certificates(caFile)) {
        store.setCertificateEntry("ca-" + i++, ca);
      }
      factory.init(store);
    }
    for (TrustManager tm : factory.getTrustManagers()) {
      if (tm instanceof X509TrustManager x) {
        return x;
      }
    }
    throw new GeneralSecurityException("no X.509 trust manager");
  }

  static List<X509Certificate> certificates(Path pem) throws IOException, GeneralSecurityException {
    List<X509Certificate> out = new ArrayList<>();
    try (InputStream in = Files.newInputStream(pem)) {
      for (Certificate c : CertificateFactory.getInstance("X.509").generateCertificates(in)) {
        out.add((X509Certificate) c);
      }
    }
    if (out.isEmpty()) {
      throw new GeneralSecurityException("no certificate in " + pem);
    }
    return out;
  }

  private static PrivateKey privateKey(Path pem) throws IOException {
    try (Reader r = Files.newBufferedReader(pem, StandardCharsets.US_ASCII); PEMParser parser = new PEMParser(r)) {
      JcaPEMKeyConverter converter = new JcaPEMKeyConverter();
      for (Object o = parser.readObject(); o != null; o = parser.readObject()) {
        if (o instanceof PEMKeyPair pair) {
          return converter.getKeyPair(pair).getPrivate();
        }
        if (o instanceof PrivateKeyInfo info) {
          return converter.getPrivateKey(info);
        }
      }
    }
    throw new IOException("no private key in " + pem);
  }

  /**
   * Offers the client certificate whatever CAs the broker names, as the CRT does, and notes whether the
   * broker asked for one. The key is read only when it is asked for.
   */
  private static final class RecordingKeyManager extends X509ExtendedKeyManager {
    private static final String ALIAS = "client";
    private final Path certificate;
    private final Path privateKey;
    private volatile boolean requested;

    RecordingKeyManager(Path certificate, Path privateKey) {
      this.certificate = certificate;
      this.privateKey = privateKey;
    }

    boolean requested() {
      return requested;
    }

    @Override
    public String[] getClientAliases(String keyType, Principal[] issuers) {
      return certificate == null ? new String[0] : new String[] {ALIAS};
    }

    @Override
    public String chooseClientAlias(String[] keyType, Principal[] issuers, Socket socket) {
      requested = true;
      return certificate == null ? null : ALIAS;
    }

    @Override
    public String chooseEngineClientAlias(String[] keyType, Principal[] issuers, SSLEngine engine) {
      requested = true;
      return certificate == null ? null : ALIAS;
    }

    @Override
    public String[] getServerAliases(String keyType, Principal[] issuers) {
      return new String[0];
    }

    @Override
    public String chooseServerAlias(String keyType, Principal[] issuers, Socket socket) {
      return null;
    }

    @Override
    public X509Certificate[] getCertificateChain(String alias) {
      try {
        return certificate == null ? null : certificates(certificate).toArray(X509Certificate[]::new);
      } catch (IOException | GeneralSecurityException e) {
        return null;
      }
    }

    @Override
    public PrivateKey getPrivateKey(String alias) {
      try {
        return privateKey == null ? null : privateKey(privateKey);
      } catch (IOException | RuntimeException e) {
        return null;
      }
    }
  }

  /**
   * Checks the broker's chain in two steps, trust and then host name, so that a failure says which; keeps the
   * verdict for {@link #diagnose}.
   */
  private static final class RecordingTrustManager extends X509ExtendedTrustManager {
    private final X509TrustManager delegate;
    private final String trustedBy;
    private volatile String verdict;
    private volatile boolean checked;
    private volatile boolean sawCertificate;

    RecordingTrustManager(X509TrustManager delegate, String trustedBy) {
      this.delegate = delegate;
      this.trustedBy = trustedBy;
    }

    Optional<String> verdict() {
      return Optional.ofNullable(verdict);
    }

    /** Whether the broker's chain was checked and passed (so the broker speaks TLS and is trusted). */
    boolean checked() {
      return checked && verdict == null;
    }

    /** Whether the broker showed a certificate at all (it speaks TLS). */
    boolean sawCertificate() {
      return sawCertificate;
    }

    @Override
    public void checkServerTrusted(X509Certificate[] chain, String authType, Socket socket)
        throws CertificateException {
      checkTrust(chain, authType);
      try {
        ((X509ExtendedTrustManager) delegate).checkServerTrusted(chain, authType, socket);
      } catch (CertificateException e) {
        String host = socket instanceof SSLSocket s && s.getHandshakeSession() != null
            ? s.getHandshakeSession().getPeerHost() : "the endpoint";
        verdict = "the broker's certificate (subject " + chain[0].getSubjectX500Principal().getName()
            + ", names " + names(chain[0]) + ") does not match the host name " + host;
        throw e;
      }
      checked = true;
    }

    @Override
    public void checkServerTrusted(X509Certificate[] chain, String authType, SSLEngine engine)
        throws CertificateException {
      checkTrust(chain, authType);
      ((X509ExtendedTrustManager) delegate).checkServerTrusted(chain, authType, engine);
    }

    @Override
    public void checkServerTrusted(X509Certificate[] chain, String authType) throws CertificateException {
      checkTrust(chain, authType);
    }

    private void checkTrust(X509Certificate[] chain, String authType) throws CertificateException {
      sawCertificate = true;
      try {
        delegate.checkServerTrusted(chain, authType);
      } catch (CertificateException e) {
        verdict = "the broker's certificate is not trusted by " + trustedBy + " (subject "
            + chain[0].getSubjectX500Principal().getName() + ", issuer "
            + chain[0].getIssuerX500Principal().getName() + ")";
        throw e;
      }
    }

    @Override
    public void checkClientTrusted(X509Certificate[] chain, String authType, Socket socket)
        throws CertificateException {
      throw new CertificateException("a client does not check clients");
    }

    @Override
    public void checkClientTrusted(X509Certificate[] chain, String authType, SSLEngine engine)
        throws CertificateException {
      throw new CertificateException("a client does not check clients");
    }

    @Override
    public void checkClientTrusted(X509Certificate[] chain, String authType) throws CertificateException {
      throw new CertificateException("a client does not check clients");
    }

    @Override
    public X509Certificate[] getAcceptedIssuers() {
      return delegate.getAcceptedIssuers();
    }

    private static String names(X509Certificate cert) {
      List<String> names = new ArrayList<>();
      try {
        Collection<List<?>> sans = cert.getSubjectAlternativeNames();
        if (sans != null) {
          for (List<?> san : sans) {
            names.add(String.valueOf(san.get(1)));
          }
        }
      } catch (CertificateParsingException e) {
        names.add("unreadable");
      }
      return names.isEmpty() ? "none" : String.join(", ", names);
    }
  }
}
