package dev.thingbridge.e2e;

import dev.thingbridge.mqtt.MqttClient;
import dev.thingbridge.mqtt.local.LocalBroker;
import dev.thingbridge.twin.provisioning.CertificateAuthority;
import java.nio.file.Path;

/** The provisioning and Defender scenarios on the in-process bus (no TLS, so no reconnect check). */
class ProvisioningInProcessTest extends ProvisioningEndToEnd {
  @Override
  Setup createSetup(Path dir, CertificateAuthority ca) {
    LocalBroker broker = new LocalBroker();
    return new Setup() {
      @Override
      public MqttClient twinClient() {
        return own(broker.connect("twin"));
      }

      @Override
      public MqttClient claimDevice(String clientId) {
        return broker.connect(clientId);
      }

      @Override
      public MqttClient reconnect(String clientId, Path certificateFile, Path keyFile) {
        return null;
      }

      @Override
      public void close() {
        broker.stop();
      }
    };
  }
}
