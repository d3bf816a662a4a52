package dev.thingbridge.mqtt.crt;

import dev.thingbridge.mqtt.MqttEndpoint;
import dev.thingbridge.mqtt.MqttLimits;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Objects;
import java.util.Optional;

/**
 * How a {@link CrtMqttClient} connects: endpoint, identity, TLS files, keep-alive, session and reconnect
 * policy. Immutable; build with {@link #builder(MqttEndpoint, String)} and change a copy with {@link
 * #toBuilder()}.
 *
 * <p>For AWS IoT Core, the endpoint is the account's {@code -ats} data endpoint, the client id is normally
 * the thing name, and TLS uses the device certificate and private key AWS issued (PEM, the key as PKCS#1
 * {@code BEGIN RSA PRIVATE KEY} or SEC1 {@code BEGIN EC PRIVATE KEY}) with Amazon Root CA 1.
 */
public final class CrtMqttOptions {
  /** Keep-alive: a dead link is noticed within about 1.5 times this. */
  public static final Duration DEFAULT_KEEP_ALIVE = Duration.ofSeconds(60);
  /** How long the broker keeps the session after a disconnect (AWS IoT Core's default maximum is 1 h). */
  public static final Duration DEFAULT_SESSION_EXPIRY = Duration.ofHours(1);
  /** First reconnect delay; it doubles per failed attempt, with full jitter. */
  public static final Duration DEFAULT_RECONNECT_MIN_DELAY = Duration.ofSeconds(1);
  /** Ceiling of the reconnect delay. */
  public static final Duration DEFAULT_RECONNECT_MAX_DELAY = Duration.ofMinutes(2);
  /** Limit for the TCP connect and, separately, for the CONNACK. */
  public static final Duration DEFAULT_CONNECT_TIMEOUT = Duration.ofSeconds(10);
  /** How long a sent QoS 1 PUBLISH, SUBSCRIBE or UNSUBSCRIBE may wait for its acknowledgement. */
  public static final Duration DEFAULT_ACK_TIMEOUT = Duration.ofSeconds(60);

  private final MqttEndpoint endpoint;
  private final String clientId;
  private final Path certificate;
  private final Path privateKey;
  private final Path certificateAuthority;
  private final Duration keepAlive;
  private final Duration sessionExpiry;
  private final SessionBehavior sessionBehavior;
  private final Duration reconnectMinDelay;
  private final Duration reconnectMaxDelay;
  private final Duration connectTimeout;
  private final Duration ackTimeout;
  private final MqttLimits limits;
  private final boolean awsIotFlowControl;

  private CrtMqttOptions(Builder b) {
    this.endpoint = b.endpoint;
    this.clientId = b.clientId;
    this.certificate = b.certificate;
    this.privateKey = b.privateKey;
    this.certificateAuthority = b.certificateAuthority;
    this.keepAlive = b.keepAlive;
    this.sessionExpiry = b.sessionExpiry;
    this.sessionBehavior = b.sessionBehavior;
    this.reconnectMinDelay = b.reconnectMinDelay;
    this.reconnectMaxDelay = b.reconnectMaxDelay;
    this.connectTimeout = b.connectTimeout;
    this.ackTimeout = b.ackTimeout;
    this.limits = b.limits;
    this.awsIotFlowControl = b.awsIotFlowControl;
  }

  /** A builder for a client with this endpoint and client id; everything else has a named default. */
  public static Builder builder(MqttEndpoint endpoint, String clientId) {
    return new Builder(endpoint, clientId);
  }

  /** A builder pre-filled with these options. */
  public Builder toBuilder() {
    Builder b = new Builder(endpoint, clientId);
    b.certificate = certificate;
    b.privateKey = privateKey;
    b.certificateAuthority = certificateAuthority;
    b.keepAlive = keepAlive;
    b.sessionExpiry = sessionExpiry;
    b.sessionBehavior = sessionBehavior;
    b.reconnectMinDelay = reconnectMinDelay;
    b.reconnectMaxDelay = reconnectMaxDelay;
    b.connectTimeout = connectTimeout;
    b.ackTimeout = ackTimeout;
    b.limits = limits;
    b.awsIotFlowControl = awsIotFlowControl;
    return b;
  }

  public MqttEndpoint endpoint() {
    return endpoint;
  }

  public String clientId() {
    return clientId;
  }

  /** The client certificate (PEM) for mutual TLS, if any. */
  public Optional<Path> certificate() {
    return Optional.ofNullable(certificate);
  }

  /** The client private key (PEM), present exactly when {@link #certificate()} is. */
  public Optional<Path> privateKey() {
    return Optional.ofNullable(privateKey);
  }

  /** The CA bundle (PEM) that signs the broker's certificate; without it the system trust store is used. */
  public Optional<Path> certificateAuthority() {
    return Optional.ofNullable(certificateAuthority);
  }

  public Duration keepAlive() {
    return keepAlive;
  }

  public Duration sessionExpiry() {
    return sessionExpiry;
  }

  public SessionBehavior sessionBehavior() {
    return sessionBehavior;
  }

  public Duration reconnectMinDelay() {
    return reconnectMinDelay;
  }

  public Duration reconnectMaxDelay() {
    return reconnectMaxDelay;
  }

  public Duration connectTimeout() {
    return connectTimeout;
  }

  public Duration ackTimeout() {
    return ackTimeout;
  }

  public MqttLimits limits() {
    return limits;
  }

  /**
   * Whether the CRT's AWS IoT Core flow control is on: at most 100 publishes/s and 512 KiB/s out, as the
   * service enforces per connection. Off by default; the CRT overcounts small messages (every write costs
   * at least 4 KiB of budget), so turn it on only to stay clear of AWS throttling on a busy device.
   */
  public boolean awsIotFlowControl() {
    return awsIotFlowControl;
  }

  @Override
  public String toString() {
    return "CrtMqttOptions[" + endpoint + ", clientId=" + clientId
        + (certificate == null ? "" : ", cert=" + certificate)
        + (certificateAuthority == null ? "" : ", ca=" + certificateAuthority)
        + ", keepAlive=" + keepAlive.toSeconds() + "s, session=" + sessionBehavior + "/"
        + sessionExpiry.toSeconds() + "s, reconnect=" + reconnectMinDelay.toMillis() + ".."
        + reconnectMaxDelay.toMillis() + "ms]";
  }

  /** Builds {@link CrtMqttOptions}. Setters check their argument; {@link #build()} checks the combination. */
  public static final class Builder {
    private final MqttEndpoint endpoint;
    private final String clientId;
    private Path certificate;
    private Path privateKey;
    private Path certificateAuthority;
    private Duration keepAlive = DEFAULT_KEEP_ALIVE;
    private Duration sessionExpiry = DEFAULT_SESSION_EXPIRY;
    private SessionBehavior sessionBehavior = SessionBehavior.REJOIN_POST_SUCCESS;
    private Duration reconnectMinDelay = DEFAULT_RECONNECT_MIN_DELAY;
    private Duration reconnectMaxDelay = DEFAULT_RECONNECT_MAX_DELAY;
    private Duration connectTimeout = DEFAULT_CONNECT_TIMEOUT;
    private Duration ackTimeout = DEFAULT_ACK_TIMEOUT;
    private MqttLimits limits = MqttLimits.AWS_IOT_CORE;
    private boolean awsIotFlowControl;

    private Builder(MqttEndpoint endpoint, String clientId) {
      this.endpoint = Objects.requireNonNull(endpoint, "endpoint");
      Objects.requireNonNull(clientId, "clientId");
      if (clientId.isEmpty() || clientId.length() > 65_535) {
        throw new IllegalArgumentException("client id must be 1..65535 characters");
      }
      this.clientId = clientId;
    }

    /** Mutual TLS with this certificate and private key (PEM files). */
    public Builder clientCertificate(Path certificate, Path privateKey) {
      this.certificate = Objects.requireNonNull(certificate, "certificate");
      this.privateKey = Objects.requireNonNull(privateKey, "privateKey");
      return this;
    }

    /** Trust this CA bundle (PEM) instead of the system trust store. */
    public Builder certificateAuthority(Path caFile) {
      this.certificateAuthority = caFile;
      return this;
    }

    public Builder keepAlive(Duration value) {
      this.keepAlive = inRange("keep-alive", value, Duration.ofSeconds(5), Duration.ofSeconds(65_535));
      return this;
    }

    /** Zero means the broker discards the session at disconnect; then no reconnect resumes anything. */
    public Builder sessionExpiry(Duration value) {
      this.sessionExpiry = inRange("session expiry", value, Duration.ZERO, Duration.ofSeconds(0xFFFF_FFFFL));
      return this;
    }

    public Builder sessionBehavior(SessionBehavior value) {
      this.sessionBehavior = Objects.requireNonNull(value, "sessionBehavior");
      return this;
    }

    /** The reconnect backoff: starts at {@code min}, doubles per failure up to {@code max}, full jitter. */
    public Builder reconnectDelay(Duration min, Duration max) {
      inRange("minimum reconnect delay", min, Duration.ofMillis(10), Duration.ofDays(1));
      inRange("maximum reconnect delay", max, min, Duration.ofDays(1));
      this.reconnectMinDelay = min;
      this.reconnectMaxDelay = max;
      return this;
    }

    public Builder connectTimeout(Duration value) {
      this.connectTimeout = inRange("connect timeout", value, Duration.ofMillis(100), Duration.ofMinutes(10));
      return this;
    }

    public Builder ackTimeout(Duration value) {
      this.ackTimeout = inRange("ack timeout", value, Duration.ofSeconds(1), Duration.ofDays(1));
      return this;
    }

    public Builder limits(MqttLimits value) {
      this.limits = Objects.requireNonNull(value, "limits");
      return this;
    }

    /** See {@link CrtMqttOptions#awsIotFlowControl()}. */
    public Builder awsIotFlowControl(boolean value) {
      this.awsIotFlowControl = value;
      return this;
    }

    /**
     * The options.
     *
     * @throws IllegalArgumentException if TLS files are given for a plain endpoint, or a file is missing
     */
    public CrtMqttOptions build() {
      if (!endpoint.tls() && (certificate != null || certificateAuthority != null)) {
        throw new IllegalArgumentException(
            "TLS files were given but the endpoint " + endpoint + " is plain TCP; use mqtts://");
      }
      requireReadable("certificate", certificate);
      requireReadable("private key", privateKey);
      requireReadable("CA", certificateAuthority);
      return new CrtMqttOptions(this);
    }

    private static void requireReadable(String what, Path file) {
      if (file != null && !Files.isReadable(file)) {
        throw new IllegalArgumentException(what + " file is missing or unreadable: " + file);
      }
    }

    private static Duration inRange(String what, Duration value, Duration min, Duration max) {
      Objects.requireNonNull(value, what);
      if (value.compareTo(min) < 0 || value.compareTo(max) > 0) {
        throw new IllegalArgumentException(what + " must be between " + min + " and " + max + ": " + value);
      }
      return value;
    }
  }
}
