package dev.thingbridge.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.thingbridge.testing.ChildProcess;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/** {@code java -jar thingbridge.jar local} as a user runs it, stopped the ways a user or init stops it. */
class LocalCommandIT {
  private static final String JAR = System.getProperty("thingbridge.jar", "target/thingbridge.jar");
  private static final Duration START = Duration.ofSeconds(30);
  private static final Duration STOP = Duration.ofSeconds(5);

  @Test
  void ctrl_c_stops_it_cleanly_within_5_seconds() throws Exception {
    try (ChildProcess jar = ChildProcess.start(ChildProcess.javaJar(JAR, "local", "--api-port", "0", "--mqtt-port", "0"))) {
      jar.awaitLine(l -> l.startsWith("ready: 1 thing running"), START);
      long signalled = System.nanoTime();
      ChildProcess.signal(jar.pid(), "INT");
      int exit = jar.awaitExit(STOP);
      assertThat(Duration.ofNanos(System.nanoTime() - signalled)).isLessThan(STOP);
      assertThat(exit).as("128 + SIGINT").isEqualTo(130);
      assertThat(jar.output()).contains("stopped after").doesNotContain("Exception");
    }
  }

  @Test
  void sigterm_stops_it_cleanly_within_5_seconds() throws Exception {
    try (ChildProcess jar = ChildProcess.start(ChildProcess.javaJar(JAR, "local", "--api-port", "0", "--mqtt-port", "0", "--thing", "gw-1,mcu-1"))) {
      jar.awaitLine(l -> l.startsWith("ready: 2 things running"), START);
      ChildProcess.signal(jar.pid(), "TERM");
      assertThat(jar.awaitExit(STOP)).as("128 + SIGTERM").isEqualTo(143);
      assertThat(jar.output()).contains("thing gw-1:", "thing mcu-1:", "stopped after").doesNotContain("Exception");
    }
  }

  @Test
  void mosquitto_clients_and_cli_commands_attach_to_its_mqtt_server_and_reach_the_twin() throws Exception {
    try (ChildProcess jar = ChildProcess.start(ChildProcess.javaJar(JAR, "local", "--api-port", "0", "--mqtt-port", "0"))) {
      String ready = jar.awaitLine(l -> l.startsWith("ready: 1 thing running"), START);
      Matcher mqtt = Pattern.compile("MQTT on (mqtt://127\\.0\\.0\\.1:(\\d+));").matcher(ready);
      assertThat(mqtt.find()).as(ready).isTrue();
      Matcher api = Pattern.compile("API on (http://\\S+)").matcher(jar.awaitLine(l -> l.startsWith("cloud twin"), START));
      assertThat(api.find()).isTrue();
      String update = "$aws/things/thingbridge-local/shadow/update";
      try (ChildProcess sub = ChildProcess.start(new ProcessBuilder("mosquitto_sub", "-h", "127.0.0.1", "-p",
          mqtt.group(2), "-V", "mqttv5", "-t", update + "/accepted", "-C", "1", "-W", "60"));
          ChildProcess cliSub = ChildProcess.start(ChildProcess.javaJar(JAR, "mqtt", "sub", "--endpoint",
              mqtt.group(1), "-t", update + "/+", "-C", "1", "--payload-only"))) {
        // Publish until both subscribers have had an answer from the twin: a JVM takes a while to subscribe.
        await().atMost(START).pollInterval(Duration.ofMillis(500)).until(() -> {
          if (!sub.process().isAlive() && !cliSub.process().isAlive()) {
            return true;
          }
          Process pub = new ProcessBuilder("mosquitto_pub", "-h", "127.0.0.1", "-p", mqtt.group(2), "-t", update,
              "-m", "{\"state\":{\"reported\":{\"lamp\":\"on\"}}}", "-q", "1").start();
          assertThat(pub.waitFor(10, TimeUnit.SECONDS) && pub.exitValue() == 0).isTrue();
          return false;
        });
        assertThat(sub.awaitExit(STOP)).as(sub.output()).isZero();
        assertThat(sub.output()).contains("\"lamp\":\"on\"").contains("\"version\":");
        assertThat(cliSub.awaitExit(STOP)).as(cliSub.output()).isZero();
        assertThat(cliSub.output()).contains("\"lamp\":\"on\"");
      }
      try (ChildProcess cliPub = ChildProcess.start(ChildProcess.javaJar(JAR, "mqtt", "pub", "--endpoint",
          mqtt.group(1), "-t", update, "-m", "{\"state\":{\"reported\":{\"lamp\":\"off\"}}}"))) {
        assertThat(cliPub.awaitExit(START)).as(cliPub.output()).isZero();
      }
      HttpClient http = HttpClient.newHttpClient();
      HttpRequest get = HttpRequest.newBuilder(URI.create(api.group(1) + "/things/thingbridge-local/shadow")).build();
      await().atMost(STOP).until(() -> http.send(get, HttpResponse.BodyHandlers.ofString()).body()
          .contains("\"lamp\":\"off\""));
      ChildProcess.signal(jar.pid(), "TERM");
      assertThat(jar.awaitExit(STOP)).isEqualTo(143);
    }
  }

  @Test
  void a_bounded_run_ends_by_itself_with_exit_code_0() throws Exception {
    try (ChildProcess jar = ChildProcess.start(ChildProcess.javaJar(JAR, "local", "--api-port", "0", "--mqtt-port", "0", "--duration", "500ms"))) {
      assertThat(jar.awaitExit(START)).isZero();
      assertThat(jar.output()).contains("stopping by itself after PT0.5S", "stopped after");
    }
  }
}
