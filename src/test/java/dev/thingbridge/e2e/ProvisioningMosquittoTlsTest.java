package dev.thingbridge.e2e;

import dev.thingbridge.internal.Pki;
import dev.thingbridge.mqtt.MqttClient;
import dev.thingbridge.mqtt.MqttEndpoint;
import dev.thingbridge.mqtt.crt.CrtMqttClient;
import dev.thingbridge.mqtt.crt.CrtMqttOptions;
import dev.thingbridge.testing.Mosquitto;
import dev.thingbridge.twin.provisioning.CertificateAuthority;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.time.Duration;
import java.util.List;

/**
 * The offline fleet rehearsal: a real Mosquitto whose TLS listener trusts only the twin's CA and requires
 * client certificates; the twin and the claim certificate are issued by that CA; a provisioned device
 * disconnects and connects again with the certificate and key it received, and proves it with a round trip.
 */
class ProvisioningMosquittoTlsTest extends ProvisioningEndToEnd {
  private static final Duration CONNECT = Duration.ofSeconds(15);

  @Override
  Setup createSetup(Path dir, CertificateAuthority ca) throws Exception {
    Path tls = Files.createDirectories(dir.resolve("tls"));
    Path caFile = ca.certificateFile().orElseThrow();
    Path serverCert = write(tls, "server", ca, List.of("127.0.0.1", "localhost"), null);
    Path twinCert = write(tls, "twin", ca, List.of(), "thingbridge-twin");
    Path claimCert = write(tls, "claim", ca, List.of(), "claim");
    Mosquitto broker = Mosquitto.builder(dir.resolve("mosquitto"))
        .config("cafile " + caFile.toAbsolutePath())
        .config("certfile " + serverCert.toAbsolutePath())
        .config("keyfile " + tls.resolve("server.key").toAbsolutePath())
        .config("require_certificate true")
        .config("use_identity_as_username true")
        .start();
    MqttEndpoint endpoint = new MqttEndpoint("127.0.0.1", broker.port(), true);
    return new Setup() {
      @Override
      public MqttClient twinClient() throws Exception {
        return own(connect("thingbridge-twin", twinCert, tls.resolve("twin.key")));
      }

      @Override
      public MqttClient claimDevice(String clientId) throws Exception {
        return connect(clientId, claimCert, tls.resolve("claim.key"));
      }

      @Override
      public MqttClient reconnect(String clientId, Path certificateFile, Path keyFile) throws Exception {
        return connect(clientId, certificateFile, keyFile);
      }

      private MqttClient connect(String clientId, Path cert, Path key) throws InterruptedException {
        return CrtMqttClient.connect(CrtMqttOptions.builder(endpoint, clientId).clientCertificate(cert, key)
            .certificateAuthority(caFile).connectTimeout(CONNECT).build(), CONNECT);
      }

      @Override
      public void close() {
        broker.close();
      }
    };
  }

  /** A certificate of the twin's CA and its key, as {@code name.pem} and {@code name.key}. */
  private static Path write(Path dir, String name, CertificateAuthority ca, List<String> hosts, String clientName)
      throws Exception {
    KeyPair keys = Pki.newEcP256();
    var cert = clientName == null ? ca.issueServer(keys.getPublic(), hosts, Duration.ofDays(1))
        : ca.issueClient(keys.getPublic(), clientName, Duration.ofDays(1));
    Files.writeString(dir.resolve(name + ".key"), Pki.privateKeyPem(keys));
    return Files.writeString(dir.resolve(name + ".pem"), Pki.certificatePem(cert));
  }
}
