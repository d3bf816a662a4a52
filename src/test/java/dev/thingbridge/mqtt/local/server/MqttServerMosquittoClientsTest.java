package dev.thingbridge.mqtt.local.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.thingbridge.mqtt.MqttMessage;
import dev.thingbridge.mqtt.QoS;
import dev.thingbridge.mqtt.Subscription;
import dev.thingbridge.mqtt.local.LocalBroker;
import dev.thingbridge.mqtt.local.LocalMqttClient;
import dev.thingbridge.testing.TestPki;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Mosquitto's own command-line clients ({@code mosquitto_pub}, {@code mosquitto_sub}, Debian package
 * mosquitto-clients) against the server, in MQTT 3.1.1 (their default) and MQTT 5, plain and with mutual
 * TLS.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class MqttServerMosquittoClientsTest {
  private static final Duration WAIT = Duration.ofSeconds(20);

  @TempDir Path dir;
  private LocalBroker bus;
  private MqttServer server;
  private LocalMqttClient inProcess;
  private final List<Process> processes = new ArrayList<>();

  @BeforeEach
  void start() throws IOException {
    bus = new LocalBroker();
    server = MqttServer.start(bus, MqttServerOptions.builder().port(0).build());
    inProcess = bus.connect("in-process");
  }

  @AfterEach
  void stop() {
    processes.forEach(Process::destroyForcibly);
    inProcess.close();
    server.close();
  }

  private Process run(List<String> command) throws IOException {
    Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
    processes.add(p);
    return p;
  }

  private List<String> base(String tool, MqttServer target, String version) {
    return new ArrayList<>(List.of(tool, "-h", "127.0.0.1", "-p", Integer.toString(target.port()), "-V", version));
  }

  /** Runs to the end and returns its output; fails on a non-zero exit. */
  private String runToEnd(List<String> command) throws Exception {
    Process p = run(command);
    if (!p.waitFor(WAIT.toSeconds(), TimeUnit.SECONDS)) {
      p.destroyForcibly();
      throw new AssertionError(command + " did not finish within " + WAIT);
    }
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertThat(p.exitValue()).as("%s said: %s", command, out).isZero();
    return out;
  }

  /** Starts mosquitto_sub and waits until the server holds its subscription to {@code filter}. */
  private Process subscriber(List<String> command, String clientId, String filter) throws IOException {
    return subscriber(server, command, clientId, filter);
  }

  private Process subscriber(MqttServer target, List<String> command, String clientId, String filter)
      throws IOException {
    Process p = run(command);
    await().atMost(WAIT).until(() -> target.session(clientId)
        .map(s -> s.filters().contains(filter)).orElse(false));
    return p;
  }

  private static String output(Process p) throws Exception {
    if (!p.waitFor(WAIT.toSeconds(), TimeUnit.SECONDS)) {
      p.destroyForcibly();
      throw new AssertionError("mosquitto_sub did not finish within " + WAIT);
    }
    return new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
  }

  @ParameterizedTest
  @ValueSource(strings = {"mqttv311", "mqttv5"})
  void mosquitto_sub_receives_what_mosquitto_pub_and_in_process_clients_publish(String version) throws Exception {
    List<String> sub = base("mosquitto_sub", server, version);
    sub.addAll(List.of("-i", "sub-" + version, "-t", "m/#", "-q", "1", "-C", "2", "-v", "-W", "20"));
    Process s = subscriber(sub, "sub-" + version, "m/#");
    List<String> pub = base("mosquitto_pub", server, version);
    pub.addAll(List.of("-t", "m/cli", "-m", "from-cli", "-q", "1"));
    runToEnd(pub);
    inProcess.publish("m/bus", "from-bus".getBytes(), QoS.AT_LEAST_ONCE, false).get(5, TimeUnit.SECONDS);
    assertThat(output(s).lines()).containsExactly("m/cli from-cli", "m/bus from-bus");
  }

  @Test
  void retained_messages_and_the_dollar_rule_as_mosquitto_sub_sees_them() throws Exception {
    inProcess.publish("$aws/things/t1/shadow/update/accepted", "{}".getBytes(), QoS.AT_LEAST_ONCE, true)
        .get(5, TimeUnit.SECONDS);
    List<String> pub = base("mosquitto_pub", server, "mqttv311");
    pub.addAll(List.of("-t", "r/state", "-m", "on", "-r", "-q", "1"));
    runToEnd(pub);
    List<String> everything = base("mosquitto_sub", server, "mqttv5");
    everything.addAll(List.of("-t", "#", "-C", "1", "-v", "-W", "20"));
    assertThat(runToEnd(everything).strip()).as("# sees the retained r/state, not $aws").isEqualTo("r/state on");
    List<String> reserved = base("mosquitto_sub", server, "mqttv311");
    reserved.addAll(List.of("-t", "$aws/things/+/shadow/#", "-C", "1", "-v", "-W", "20"));
    assertThat(runToEnd(reserved).strip()).isEqualTo("$aws/things/t1/shadow/update/accepted {}");
  }

  @Test
  void mqtt5_properties_from_mosquitto_pub_reach_in_process_clients_and_mosquitto_sub() throws Exception {
    Subscription s = inProcess.subscribe("p/#", QoS.AT_LEAST_ONCE).get(5, TimeUnit.SECONDS);
    List<String> sub = base("mosquitto_sub", server, "mqttv5");
    sub.addAll(List.of("-i", "props-sub", "-t", "p/#", "-C", "1", "-F", "%t|%C|%R|%P|%p", "-W", "20"));
    Process printer = subscriber(sub, "props-sub", "p/#");
    List<String> pub = base("mosquitto_pub", server, "mqttv5");
    pub.addAll(List.of("-t", "p/1", "-m", "{\"x\":1}", "-q", "1", "-D", "publish", "content-type", "application/json",
        "-D", "publish", "response-topic", "p/reply", "-D", "publish", "user-property", "k", "v",
        "-D", "publish", "correlation-data", "abc"));
    runToEnd(pub);
    MqttMessage m = s.next(WAIT);
    assertThat(m.properties().contentType()).contains("application/json");
    assertThat(m.properties().responseTopic()).contains("p/reply");
    assertThat(m.properties().correlationData()).hasValueSatisfying(
        b -> assertThat(new String(b, StandardCharsets.UTF_8)).isEqualTo("abc"));
    assertThat(m.properties().userProperties()).extracting(u -> u.name() + "=" + u.value()).containsExactly("k=v");
    assertThat(output(printer).strip()).isEqualTo("p/1|application/json|p/reply|k:v|{\"x\":1}");
  }

  @Test
  void a_killed_mosquitto_sub_leaves_its_will_and_a_persistent_session_gets_what_it_missed() throws Exception {
    Subscription wills = inProcess.subscribe("status/#", QoS.AT_LEAST_ONCE).get(5, TimeUnit.SECONDS);
    List<String> sub = base("mosquitto_sub", server, "mqttv311");
    sub.addAll(List.of("-i", "keeper", "-c", "-q", "1", "-t", "cmd/keeper", "--will-topic", "status/keeper",
        "--will-payload", "offline", "--will-qos", "1"));
    Process first = subscriber(sub, "keeper", "cmd/keeper");
    first.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
    assertThat(wills.next(WAIT).payloadAsString()).isEqualTo("offline");

    await().atMost(WAIT).until(() -> server.stats().connections() == 0);
    inProcess.publish("cmd/keeper", "while-away".getBytes(), QoS.AT_LEAST_ONCE, false).get(5, TimeUnit.SECONDS);
    List<String> again = base("mosquitto_sub", server, "mqttv311");
    again.addAll(List.of("-i", "keeper", "-c", "-q", "1", "-t", "cmd/keeper", "-C", "1", "-W", "20"));
    assertThat(runToEnd(again).strip()).isEqualTo("while-away");
  }

  @Test
  void mosquitto_clients_connect_with_mutual_tls_and_are_refused_without_a_certificate() throws Exception {
    TestPki pki = TestPki.create(dir.resolve("pki"));
    TestPki.ClientCredentials device = pki.newEcClient("cli-device");
    try (MqttServer tls = MqttServer.start(bus, MqttServerOptions.builder().port(0)
        .tls(ServerTls.fromPem(pki.serverCertificateFile(), pki.serverKeyFile(), pki.caFile(),
            ServerTls.ClientAuth.REQUIRED)).build())) {
      List<String> tlsArgs = List.of("--cafile", pki.caFile().toString(), "--cert", device.certificate().toString(),
          "--key", device.privateKey().toString());
      List<String> sub = base("mosquitto_sub", tls, "mqttv5");
      sub.addAll(tlsArgs);
      sub.addAll(List.of("-i", "tls-sub", "-t", "secure", "-C", "1", "-W", "20"));
      Process s = subscriber(tls, sub, "tls-sub", "secure");
      List<String> pub = base("mosquitto_pub", tls, "mqttv311");
      pub.addAll(tlsArgs);
      pub.addAll(List.of("-t", "secure", "-m", "over-mtls", "-q", "1"));
      runToEnd(pub);
      assertThat(output(s).strip()).isEqualTo("over-mtls");

      List<String> noCert = base("mosquitto_pub", tls, "mqttv5");
      noCert.addAll(List.of("--cafile", pki.caFile().toString(), "-t", "secure", "-m", "x", "-q", "1"));
      Process refused = run(noCert);
      assertThat(refused.waitFor(WAIT.toSeconds(), TimeUnit.SECONDS)).isTrue();
      assertThat(refused.exitValue()).isNotZero();
    }
  }
}
