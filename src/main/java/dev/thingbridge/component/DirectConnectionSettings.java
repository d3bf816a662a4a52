package dev.thingbridge.component;

import dev.thingbridge.mqtt.MqttEndpoint;
import dev.thingbridge.mqtt.MqttLimits;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Objects;

/**
 * What a direct MQTT connection to AWS IoT Core needs (mutual TLS with a device certificate), handed to a
 * {@link DirectConnector}.
 *
 * @param endpoint the ATS data endpoint host
 * @param port the MQTT port, 8883 unless the endpoint says otherwise
 * @param certFile the device certificate (PEM)
 * @param keyFile the private key (PEM); never logged
 * @param caFile the root CA (PEM), or null for the system trust store
 * @param clientId the MQTT client id
 * @param limits the limits to check before sending
 * @param operationTimeout the timeout of each MQTT operation
 */
public record DirectConnectionSettings(
    String endpoint, int port, Path certFile, Path keyFile, Path caFile, String clientId, MqttLimits limits,
    Duration operationTimeout) {
  public DirectConnectionSettings {
    Objects.requireNonNull(endpoint, "endpoint");
    Objects.requireNonNull(certFile, "certFile");
    Objects.requireNonNull(keyFile, "keyFile");
    Objects.requireNonNull(clientId, "clientId");
    Objects.requireNonNull(limits, "limits");
    Objects.requireNonNull(operationTimeout, "operationTimeout");
    if (port <= 0 || port > 65535) {
      throw new IllegalArgumentException("port must be 1..65535: " + port);
    }
  }

  /**
   * Settings from a configuration's {@code connection} section, {@code clientId} unless it names one. The
   * endpoint may be {@code mqtts://host[:port]}, {@code host} or {@code host:port}.
   */
  public static DirectConnectionSettings from(ComponentConfig.Connection c, String clientId, ComponentConfig config) {
    String host = c.endpoint().strip();
    int port = 8883;
    if (host.contains("://")) {
      MqttEndpoint uri;
      try {
        uri = MqttEndpoint.parse(host);
      } catch (IllegalArgumentException e) {
        throw ComponentConfig.bad("connection.endpoint", "must be mqtts://host[:port], host or host:port", host);
      }
      if (!uri.tls()) {
        throw ComponentConfig.bad("connection.endpoint", "must use TLS (mqtts://)", host);
      }
      host = uri.host();
      port = uri.port();
    } else {
      int colon = host.lastIndexOf(':');
      if (colon > 0) {
        try {
          port = Integer.parseInt(host.substring(colon + 1));
        } catch (NumberFormatException e) {
          throw ComponentConfig.bad("connection.endpoint", "must be mqtts://host[:port], host or host:port", host);
        }
        host = host.substring(0, colon);
      }
    }
    if (port <= 0 || port > 65535) {
      throw ComponentConfig.bad("connection.endpoint", "has a port outside 1..65535", c.endpoint());
    }
    return new DirectConnectionSettings(host, port, Path.of(c.certFile()), Path.of(c.keyFile()),
        c.caFile() == null ? null : Path.of(c.caFile()), c.clientId() != null ? c.clientId() : clientId,
        new MqttLimits(config.mqtt().maxPayloadBytes(), 256),
        Duration.ofSeconds(config.mqtt().operationTimeoutSeconds()));
  }
}
