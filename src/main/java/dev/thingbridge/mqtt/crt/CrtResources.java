package dev.thingbridge.mqtt.crt;

import dev.thingbridge.mqtt.MqttEndpoint;
import software.amazon.awssdk.crt.CrtRuntimeException;
import software.amazon.awssdk.crt.io.ExponentialBackoffRetryOptions.JitterMode;
import software.amazon.awssdk.crt.io.SocketOptions;
import software.amazon.awssdk.crt.io.TlsContext;
import software.amazon.awssdk.crt.io.TlsContextOptions;
import software.amazon.awssdk.crt.mqtt5.Mqtt5ClientOptions;
import software.amazon.awssdk.crt.mqtt5.Mqtt5ClientOptions.ClientOfflineQueueBehavior;
import software.amazon.awssdk.crt.mqtt5.Mqtt5ClientOptions.ClientSessionBehavior;
import software.amazon.awssdk.crt.mqtt5.Mqtt5ClientOptions.ExtendedValidationAndFlowControlOptions;
import software.amazon.awssdk.crt.mqtt5.packets.ConnectPacket;

/**
 * The native resources behind one {@link CrtMqttClient} besides the client itself (socket options and TLS
 * context), and the translation of {@link CrtMqttOptions} into the CRT's options. Closing releases them;
 * the CRT client keeps its own references until it has shut down.
 */
final class CrtResources implements AutoCloseable {
  /** The ALPN protocol AWS IoT Core needs for MQTT with client certificates on port 443. */
  private static final String AWS_IOT_MQTT_ALPN = "x-amzn-mqtt-ca";
  private static final long RESET_BACKOFF_AFTER_CONNECTED_MS = 30_000;
  private static final long MAX_PING_TIMEOUT_MS = 30_000;

  private final CrtMqttOptions options;
  private final SocketOptions socket;
  private final TlsContext tls;

  private CrtResources(CrtMqttOptions options, SocketOptions socket, TlsContext tls) {
    this.options = options;
    this.socket = socket;
    this.tls = tls;
  }

  /**
   * Loads the TLS files and prepares the socket options.
   *
   * @throws IllegalArgumentException if the certificate, key or CA cannot be loaded
   */
  static CrtResources open(CrtMqttOptions options) {
    SocketOptions socket = new SocketOptions();
    socket.connectTimeoutMs = (int) options.connectTimeout().toMillis();
    socket.tcpNoDelay = SocketOptions.TcpNoDelay.ON;
    try {
      return new CrtResources(options, socket, options.endpoint().tls() ? tlsContext(options) : null);
    } catch (RuntimeException e) {
      socket.close();
      throw e;
    }
  }

  private static TlsContext tlsContext(CrtMqttOptions options) {
    MqttEndpoint endpoint = options.endpoint();
    try (TlsContextOptions tlsOptions = options.certificate().isPresent()
        ? TlsContextOptions.createWithMtlsFromPath(
            options.certificate().get().toString(), options.privateKey().orElseThrow().toString())
        : TlsContextOptions.createDefaultClient()) {
      options.certificateAuthority().ifPresent(ca -> tlsOptions.overrideDefaultTrustStoreFromPath(null, ca.toString()));
      if (endpoint.port() == 443 && endpoint.isAwsIot() && TlsContextOptions.isAlpnSupported()) {
        tlsOptions.withAlpnList(AWS_IOT_MQTT_ALPN);
      }
      return new TlsContext(tlsOptions);
    } catch (CrtRuntimeException e) {
      throw new IllegalArgumentException("could not load the TLS files (certificate "
          + options.certificate().map(Object::toString).orElse("none") + ", key "
          + options.privateKey().map(Object::toString).orElse("none") + ", CA "
          + options.certificateAuthority().map(Object::toString).orElse("system") + "): " + e.errorName
          + " (" + e.getMessage() + ")", e);
    }
  }

  /** The CRT client options, wired to the given callbacks. */
  Mqtt5ClientOptions clientOptions(
      Mqtt5ClientOptions.LifecycleEvents lifecycle, Mqtt5ClientOptions.PublishEvents publishes) {
    ConnectPacket connect = new ConnectPacket.ConnectPacketBuilder()
        .withClientId(options.clientId())
        .withKeepAliveIntervalSeconds(options.keepAlive().toSeconds())
        .withSessionExpiryIntervalSeconds(options.sessionExpiry().toSeconds())
        .build();
    long pingTimeoutMs = Math.min(MAX_PING_TIMEOUT_MS, options.keepAlive().toMillis() / 2);
    MqttEndpoint endpoint = options.endpoint();
    return new Mqtt5ClientOptions.Mqtt5ClientOptionsBuilder(endpoint.host(), (long) endpoint.port())
        .withSocketOptions(socket)
        .withTlsContext(tls)
        .withConnectOptions(connect)
        .withSessionBehavior(sessionBehavior(options.sessionBehavior()))
        .withExtendedValidationAndFlowControlOptions(options.awsIotFlowControl()
            ? ExtendedValidationAndFlowControlOptions.AWS_IOT_CORE_DEFAULTS
            : ExtendedValidationAndFlowControlOptions.NONE)
        .withOfflineQueueBehavior(ClientOfflineQueueBehavior.FAIL_QOS0_PUBLISH_ON_DISCONNECT)
        .withRetryJitterMode(JitterMode.Full)
        .withMinReconnectDelayMs(options.reconnectMinDelay().toMillis())
        .withMaxReconnectDelayMs(options.reconnectMaxDelay().toMillis())
        .withMinConnectedTimeToResetReconnectDelayMs(RESET_BACKOFF_AFTER_CONNECTED_MS)
        .withPingTimeoutMs(pingTimeoutMs)
        .withConnackTimeoutMs(options.connectTimeout().toMillis())
        .withAckTimeoutSeconds(options.ackTimeout().toSeconds())
        .withLifecycleEvents(lifecycle)
        .withPublishEvents(publishes)
        // The CRT appends SDK metrics to the CONNECT user name, which breaks user-name auth elsewhere.
        .withDisableMetrics(!endpoint.isAwsIot())
        .build();
  }

  private static ClientSessionBehavior sessionBehavior(SessionBehavior behavior) {
    return switch (behavior) {
      case CLEAN -> ClientSessionBehavior.CLEAN;
      case REJOIN_POST_SUCCESS -> ClientSessionBehavior.REJOIN_POST_SUCCESS;
      case REJOIN_ALWAYS -> ClientSessionBehavior.REJOIN_ALWAYS;
    };
  }

  @Override
  public void close() {
    if (tls != null) {
      tls.close();
    }
    socket.close();
  }
}
