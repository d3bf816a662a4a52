package dev.thingbridge.mqtt.nio;

import dev.thingbridge.mqtt.MqttEndpoint;
import dev.thingbridge.mqtt.MqttLimits;
import dev.thingbridge.mqtt.crt.CrtMqttOptions;
import dev.thingbridge.mqtt.crt.SessionBehavior;
import java.time.Duration;
import java.util.Objects;

/**
 * How a {@link NioMqttClient} connects: a plain-TCP MQTT 5 endpoint, the client id, and the timings of the
 * session, keep-alive, reconnects and acknowledgements. Immutable; made with {@link #builder} or taken from the
 * direct backend's options with {@link #from}.
 */
public final class NioMqttOptions {
  private final MqttEndpoint endpoint;
  private final String clientId;
  private final Duration keepAlive;
  private final Duration sessionExpiry;
  private final SessionBehavior sessionBehavior;
  private final Duration reconnectMinDelay;
  private final Duration reconnectMaxDelay;
  private final Duration connectTimeout;
  private final Duration ackTimeout;
  private final MqttLimits limits;

  private NioMqttOptions(Builder b) {
    this.endpoint = b.endpoint;
    this.clientId = b.clientId;
    this.keepAlive = b.keepAlive;
    this.sessionExpiry = b.sessionExpiry;
    this.sessionBehavior = b.sessionBehavior;
    this.reconnectMinDelay = b.reconnectMinDelay;
    this.reconnectMaxDelay = b.reconnectMaxDelay;
    this.connectTimeout = b.connectTimeout;
    this.ackTimeout = b.ackTimeout;
    this.limits = b.limits;
  }

  /**
   * A builder for {@code endpoint} and {@code clientId}, with the direct backend's defaults.
   *
   * @throws IllegalArgumentException if the endpoint uses TLS: this client speaks plain TCP only
   */
  public static Builder builder(MqttEndpoint endpoint, String clientId) {
    return new Builder(endpoint, clientId);
  }

  /**
   * The same connection as the direct backend's {@code options} describe: endpoint, client id, keep-alive,
   * session expiry and behaviour, reconnect delays, timeouts and limits.
   *
   * @throws IllegalArgumentException if they name a TLS endpoint or client certificate
   */
  public static NioMqttOptions from(CrtMqttOptions options) {
    if (options.certificate().isPresent() || options.certificateAuthority().isPresent()) {
      throw new IllegalArgumentException("the plain-TCP client takes no certificates; use the direct backend for TLS");
    }
    return builder(options.endpoint(), options.clientId())
        .keepAlive(options.keepAlive())
        .sessionExpiry(options.sessionExpiry())
        .sessionBehavior(options.sessionBehavior())
        .reconnectDelay(options.reconnectMinDelay(), options.reconnectMaxDelay())
        .connectTimeout(options.connectTimeout())
        .ackTimeout(options.ackTimeout())
        .limits(options.limits())
        .build();
  }

  /** The broker. */
  public MqttEndpoint endpoint() {
    return endpoint;
  }

  /** The MQTT client id. */
  public String clientId() {
    return clientId;
  }

  /** The keep-alive announced in CONNECT (the broker's CONNACK may override it). */
  public Duration keepAlive() {
    return keepAlive;
  }

  /** How long the broker keeps the session after a disconnection. */
  public Duration sessionExpiry() {
    return sessionExpiry;
  }

  /** When a CONNECT asks to resume the session (as in the direct backend; default: after a first success). */
  public SessionBehavior sessionBehavior() {
    return sessionBehavior;
  }

  /** The first delay before a reconnect attempt; it doubles per failed attempt. */
  public Duration reconnectMinDelay() {
    return reconnectMinDelay;
  }

  /** The longest delay between reconnect attempts. */
  public Duration reconnectMaxDelay() {
    return reconnectMaxDelay;
  }

  /** How long one attempt may take from TCP connect to CONNACK. */
  public Duration connectTimeout() {
    return connectTimeout;
  }

  /** How long a publish, subscribe or unsubscribe waits for its acknowledgement, connection included. */
  public Duration ackTimeout() {
    return ackTimeout;
  }

  /** Payload and topic limits checked before anything is sent. */
  public MqttLimits limits() {
    return limits;
  }

  @Override
  public String toString() {
    return "NioMqttOptions{endpoint=" + endpoint + ", clientId=" + clientId + ", keepAlive=" + keepAlive
        + ", sessionExpiry=" + sessionExpiry + ", ackTimeout=" + ackTimeout + "}";
  }

  /** Builds {@link NioMqttOptions}; every setter checks its value. */
  public static final class Builder {
    private final MqttEndpoint endpoint;
    private final String clientId;
    private Duration keepAlive = CrtMqttOptions.DEFAULT_KEEP_ALIVE;
    private Duration sessionExpiry = CrtMqttOptions.DEFAULT_SESSION_EXPIRY;
    private SessionBehavior sessionBehavior = SessionBehavior.REJOIN_POST_SUCCESS;
    private Duration reconnectMinDelay = CrtMqttOptions.DEFAULT_RECONNECT_MIN_DELAY;
    private Duration reconnectMaxDelay = CrtMqttOptions.DEFAULT_RECONNECT_MAX_DELAY;
    private Duration connectTimeout = CrtMqttOptions.DEFAULT_CONNECT_TIMEOUT;
    private Duration ackTimeout = CrtMqttOptions.DEFAULT_ACK_TIMEOUT;
    private MqttLimits limits = MqttLimits.AWS_IOT_CORE;

    private Builder(MqttEndpoint endpoint, String clientId) {
      this.endpoint = Objects.requireNonNull(endpoint, "endpoint");
      if (endpoint.tls()) {
        throw new IllegalArgumentException("the plain-TCP client cannot connect to " + endpoint
            + "; use the direct backend (CrtMqttClient) for TLS");
      }
      this.clientId = Objects.requireNonNull(clientId, "clientId");
      if (clientId.isEmpty()) {
        throw new IllegalArgumentException("clientId must not be empty");
      }
    }

    /** Keep-alive, 1 s to 65,535 s. */
    public Builder keepAlive(Duration value) {
      long s = value.toSeconds();
      if (s < 1 || s > 65_535) {
        throw new IllegalArgumentException("keep-alive must be 1 s to 65535 s: " + value);
      }
      this.keepAlive = value;
      return this;
    }

    /** Session expiry, 0 to 2^32-1 s. */
    public Builder sessionExpiry(Duration value) {
      if (value.isNegative() || value.toSeconds() > 0xFFFF_FFFFL) {
        throw new IllegalArgumentException("session expiry out of range: " + value);
      }
      this.sessionExpiry = value;
      return this;
    }

    /** When to resume the session. */
    public Builder sessionBehavior(SessionBehavior value) {
      this.sessionBehavior = Objects.requireNonNull(value, "sessionBehavior");
      return this;
    }

    /** Reconnect backoff bounds; {@code min} positive and not above {@code max}. */
    public Builder reconnectDelay(Duration min, Duration max) {
      if (min.isNegative() || min.isZero() || max.compareTo(min) < 0) {
        throw new IllegalArgumentException("reconnect delays must satisfy 0 < min <= max: " + min + ", " + max);
      }
      this.reconnectMinDelay = min;
      this.reconnectMaxDelay = max;
      return this;
    }

    /** Positive. */
    public Builder connectTimeout(Duration value) {
      this.connectTimeout = positive("connect timeout", value);
      return this;
    }

    /** Positive. */
    public Builder ackTimeout(Duration value) {
      this.ackTimeout = positive("acknowledgement timeout", value);
      return this;
    }

    /** The payload and topic limits. */
    public Builder limits(MqttLimits value) {
      this.limits = Objects.requireNonNull(value, "limits");
      return this;
    }

    public NioMqttOptions build() {
      return new NioMqttOptions(this);
    }

    private static Duration positive(String what, Duration value) {
      if (value.isNegative() || value.isZero()) {
        throw new IllegalArgumentException(what + " must be positive: " + value);
      }
      return value;
    }
  }
}
