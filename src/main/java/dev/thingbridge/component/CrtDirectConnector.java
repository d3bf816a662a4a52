package dev.thingbridge.component;

import dev.thingbridge.mqtt.MqttClient;
import dev.thingbridge.mqtt.MqttEndpoint;
import dev.thingbridge.mqtt.crt.CrtMqttClient;
import dev.thingbridge.mqtt.crt.CrtMqttOptions;

/**
 * Connects outside Greengrass with the aws-crt MQTT 5 backend: mutual TLS to the configured endpoint, and
 * reconnecting for as long as the component runs (a broker that is down at start is not fatal).
 */
public final class CrtDirectConnector implements DirectConnector {
  @Override
  public MqttClient connect(DirectConnectionSettings s) {
    CrtMqttOptions.Builder options = CrtMqttOptions.builder(MqttEndpoint.tls(s.endpoint(), s.port()), s.clientId())
        .clientCertificate(s.certFile(), s.keyFile())
        .limits(s.limits())
        .ackTimeout(s.operationTimeout());
    if (s.caFile() != null) {
      options.certificateAuthority(s.caFile());
    }
    return CrtMqttClient.start(options.build());
  }
}
