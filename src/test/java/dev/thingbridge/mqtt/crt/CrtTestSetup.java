package dev.thingbridge.mqtt.crt;

import dev.thingbridge.testing.Mosquitto;
import dev.thingbridge.testing.TestPki;
import java.time.Duration;

/** Options for test clients of a {@link Mosquitto}: mutual TLS when the broker has a PKI, fast reconnects. */
final class CrtTestSetup {
  private CrtTestSetup() {}

  static CrtMqttOptions.Builder options(Mosquitto broker, TestPki.ClientCredentials credentials, String clientId) {
    CrtMqttOptions.Builder b = CrtMqttOptions.builder(broker.endpoint(), clientId)
        .reconnectDelay(Duration.ofMillis(50), Duration.ofMillis(500))
        .connectTimeout(Duration.ofSeconds(5));
    if (broker.pki() != null) {
      b.certificateAuthority(broker.pki().caFile());
      if (credentials != null) {
        b.clientCertificate(credentials.certificate(), credentials.privateKey());
      }
    }
    return b;
  }
}
