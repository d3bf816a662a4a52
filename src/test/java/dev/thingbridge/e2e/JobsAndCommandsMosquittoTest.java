package dev.thingbridge.e2e;

import dev.thingbridge.mqtt.MqttClient;
import dev.thingbridge.mqtt.crt.CrtMqttClient;
import dev.thingbridge.mqtt.crt.CrtMqttOptions;
import dev.thingbridge.testing.Mosquitto;
import dev.thingbridge.testing.TestPki;
import java.nio.file.Path;
import java.time.Duration;

/**
 * Issue 4's end-to-end scenarios with the twin and the device each attached to a real Mosquitto over mutual
 * TLS through the direct aws-crt backend, as a gateway and a cloud twin on one broker would be.
 */
class JobsAndCommandsMosquittoTest extends JobsAndCommandsEndToEnd {
  private static final Duration CONNECT = Duration.ofSeconds(10);

  @Override
  Setup createSetup(Path dir) throws Exception {
    TestPki pki = TestPki.create(dir.resolve("pki"));
    Mosquitto mosquitto = Mosquitto.tls(dir.resolve("mosquitto"), pki);
    return new Setup() {
      private MqttClient twin;

      @Override
      public MqttClient twinClient() throws Exception {
        twin = connect("twin");
        return twin;
      }

      @Override
      public MqttClient connect(String clientId) throws Exception {
        TestPki.ClientCredentials credentials = pki.newClient(clientId);
        return CrtMqttClient.connect(CrtMqttOptions.builder(mosquitto.endpoint(), clientId)
            .clientCertificate(credentials.certificate(), credentials.privateKey())
            .certificateAuthority(pki.caFile())
            .build(), CONNECT);
      }

      @Override
      public void close() {
        if (twin != null) {
          twin.close();
        }
        mosquitto.close();
      }
    };
  }
}
