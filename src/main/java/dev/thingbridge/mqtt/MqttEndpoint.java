package dev.thingbridge.mqtt;

import java.net.URI;
import java.net.URISyntaxException;
import java.util.Locale;
import java.util.Objects;

/**
 * Where an MQTT broker listens: {@code mqtt://host:port} (plain TCP, default port 1883) or {@code
 * mqtts://host:port} (TLS, default port 8883). An AWS IoT Core data endpoint is {@code
 * mqtts://<prefix>-ats.iot.<region>.amazonaws.com:8883}.
 *
 * @param host a host name or IP address (IPv6 literals without brackets)
 * @param port the TCP port, 1..65535
 * @param tls whether the connection uses TLS
 */
public record MqttEndpoint(String host, int port, boolean tls) {
  /** The IANA port for MQTT over plain TCP. */
  public static final int DEFAULT_PLAIN_PORT = 1883;
  /** The IANA port for MQTT over TLS. */
  public static final int DEFAULT_TLS_PORT = 8883;

  public MqttEndpoint {
    Objects.requireNonNull(host, "host");
    if (host.isBlank()) {
      throw new IllegalArgumentException("endpoint host must not be empty");
    }
    if (port < 1 || port > 65_535) {
      throw new IllegalArgumentException("endpoint port must be 1..65535: " + port);
    }
  }

  /**
   * Parses {@code mqtt://host[:port]} or {@code mqtts://host[:port]}.
   *
   * @throws IllegalArgumentException with a message naming the problem, for anything else (another scheme,
   *     a path, user info, a missing host, a bad port)
   */
  public static MqttEndpoint parse(String text) {
    Objects.requireNonNull(text, "endpoint");
    URI uri;
    try {
      uri = new URI(text.trim());
    } catch (URISyntaxException e) {
      throw new IllegalArgumentException("not an endpoint URI (mqtt://host:port or mqtts://host:port): " + text);
    }
    String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
    boolean tls = switch (scheme) {
      case "mqtt" -> false;
      case "mqtts" -> true;
      default -> throw new IllegalArgumentException(
          "endpoint must start with mqtt:// or mqtts://, got: " + text);
    };
    if (uri.getRawUserInfo() != null) {
      throw new IllegalArgumentException("endpoint must not carry user info: " + scheme + "://...");
    }
    String host = uri.getHost();
    if (host == null || host.isEmpty()) {
      throw new IllegalArgumentException("endpoint has no host (or the port is not a number): " + text);
    }
    if ((uri.getRawPath() != null && !uri.getRawPath().isEmpty() && !uri.getRawPath().equals("/"))
        || uri.getRawQuery() != null || uri.getRawFragment() != null) {
      throw new IllegalArgumentException("endpoint must be only scheme, host and port: " + text);
    }
    if (host.startsWith("[") && host.endsWith("]")) {
      host = host.substring(1, host.length() - 1);
    }
    int port = uri.getPort() == -1 ? (tls ? DEFAULT_TLS_PORT : DEFAULT_PLAIN_PORT) : uri.getPort();
    return new MqttEndpoint(host, port, tls);
  }

  /** A plain-TCP endpoint. */
  public static MqttEndpoint plain(String host, int port) {
    return new MqttEndpoint(host, port, false);
  }

  /** A TLS endpoint. */
  public static MqttEndpoint tls(String host, int port) {
    return new MqttEndpoint(host, port, true);
  }

  /** Whether this is an AWS IoT Core endpoint (the host ends with {@code amazonaws.com}). */
  public boolean isAwsIot() {
    return host.toLowerCase(Locale.ROOT).endsWith("amazonaws.com");
  }

  /** The URI form, {@code mqtt://host:port} or {@code mqtts://host:port}. */
  @Override
  public String toString() {
    String h = host.indexOf(':') >= 0 ? "[" + host + "]" : host;
    return (tls ? "mqtts://" : "mqtt://") + h + ":" + port;
  }
}
