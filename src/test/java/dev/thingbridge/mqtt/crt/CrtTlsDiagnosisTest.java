package dev.thingbridge.mqtt.crt;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import dev.thingbridge.mqtt.MqttEndpoint;
import dev.thingbridge.mqtt.MqttNotConnectedException;
import dev.thingbridge.testing.Mosquitto;
import dev.thingbridge.testing.TestPki;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * A TLS connection that cannot work says why, in one line and long before the CRT's own negotiation timeout,
 * against a real Mosquitto: a broker
 * certificate the CA does not vouch for, a certificate for another host name, a client certificate the broker
 * refuses, no client certificate where one is required. (The CRT alone reports nothing until its negotiation
 * times out.)
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class CrtTlsDiagnosisTest {
  private static final Duration CONNECT_TIMEOUT = Duration.ofSeconds(20);
  /**
   * The verdict must come from the probe, not from the timeout. (The target, under 3 s from the start of the
   * command on loopback, is measured with the packaged jar by CliStartupBench; a timed unit test would fail
   * whenever the shared machine is loaded.)
   */
  private static final Duration WITHIN = CONNECT_TIMEOUT.dividedBy(2);

  @TempDir static Path dir;
  private static TestPki pki;
  private static TestPki stranger;
  private static TestPki.ClientCredentials device;
  private static Mosquitto broker;
  private static Mosquitto misnamed;

  @BeforeAll
  static void start() throws Exception {
    pki = TestPki.create(dir.resolve("pki"));
    stranger = TestPki.create(dir.resolve("stranger"), "stranger");
    device = pki.newClient("device-1");
    broker = Mosquitto.tls(dir.resolve("broker"), pki);
    misnamed = Mosquitto.builder(dir.resolve("misnamed")).tls(pki)
        .serverCertificate(pki.newServer("elsewhere", "broker.example.com")).start();
  }

  @AfterAll
  static void stop() {
    broker.close();
    misnamed.close();
  }

  private static CrtMqttOptions.Builder options(MqttEndpoint endpoint, String id) {
    return CrtMqttOptions.builder(endpoint, id).connectTimeout(CONNECT_TIMEOUT);
  }

  /** Connects, expecting a failure; returns it after checking that the probe, not the timeout, ended the wait. */
  private static MqttNotConnectedException failure(CrtMqttOptions options) {
    long start = System.nanoTime();
    Throwable thrown = catchThrowable(() -> CrtMqttClient.connect(options, CONNECT_TIMEOUT).close());
    Duration took = Duration.ofNanos(System.nanoTime() - start);
    assertThat(thrown).isInstanceOf(MqttNotConnectedException.class);
    assertThat(took).as("time to the verdict").isLessThan(WITHIN);
    assertThat(thrown.getMessage()).doesNotContain("\n").startsWith("could not connect to " + options.endpoint());
    return (MqttNotConnectedException) thrown;
  }

  @Test
  void an_untrusted_broker_certificate_is_named_with_its_subject_and_issuer() {
    MqttNotConnectedException e = failure(options(broker.endpoint(), "untrusted")
        .clientCertificate(device.certificate(), device.privateKey())
        .certificateAuthority(stranger.caFile()).build());
    assertThat(e.getMessage()).contains("not trusted")
        .contains("CN=localhost").contains("CN=test CA").contains(stranger.caFile().toString());
  }

  @Test
  void a_certificate_for_another_host_name_is_a_host_name_mismatch() {
    MqttNotConnectedException e = failure(options(misnamed.endpoint(), "misnamed")
        .clientCertificate(device.certificate(), device.privateKey())
        .certificateAuthority(pki.caFile()).build());
    assertThat(e.getMessage()).contains("host name").contains("127.0.0.1").contains("broker.example.com");
  }

  @Test
  void a_client_certificate_the_broker_refuses_is_named() {
    TestPki.ClientCredentials foreign = stranger.newClient("foreign");
    MqttNotConnectedException e = failure(options(broker.endpoint(), "foreign")
        .clientCertificate(foreign.certificate(), foreign.privateKey())
        .certificateAuthority(pki.caFile()).build());
    assertThat(e.getMessage()).contains("refused the client certificate").contains("CN=foreign")
        .contains("CN=stranger CA");
  }

  @Test
  void no_client_certificate_where_the_broker_requires_one_is_named() {
    MqttNotConnectedException e = failure(options(broker.endpoint(), "anonymous")
        .certificateAuthority(pki.caFile()).build());
    assertThat(e.getMessage()).contains("requires a client certificate");
  }

  @Test
  void tls_against_a_plain_listener_is_named() throws Exception {
    try (Mosquitto plain = Mosquitto.plain(dir.resolve("plain"))) {
      MqttNotConnectedException e = failure(options(MqttEndpoint.tls("127.0.0.1", plain.port()), "plain")
          .certificateAuthority(pki.caFile()).build());
      assertThat(e.getMessage()).contains("does not speak TLS");
    }
  }

  @Test
  void a_good_configuration_still_connects() throws Exception {
    try (CrtMqttClient c = CrtMqttClient.connect(options(broker.endpoint(), "good")
        .clientCertificate(device.certificate(), device.privateKey())
        .certificateAuthority(pki.caFile()).build(), CONNECT_TIMEOUT)) {
      assertThat(c.state()).isEqualTo(dev.thingbridge.mqtt.ConnectionState.CONNECTED);
    }
  }

  @Test
  void the_probe_alone_finds_nothing_wrong_with_a_good_configuration() throws Exception {
    assertThat(TlsDiagnosis.diagnose(options(broker.endpoint(), "probe")
        .clientCertificate(device.certificate(), device.privateKey())
        .certificateAuthority(pki.caFile()).build(), Duration.ofSeconds(3))).isEmpty();
  }
}
