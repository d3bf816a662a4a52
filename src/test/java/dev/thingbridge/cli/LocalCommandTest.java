package dev.thingbridge.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

class LocalCommandTest {
  private final StringWriter out = new StringWriter();
  private final StringWriter err = new StringWriter();

  private int run(String... args) {
    CommandLine cl = ThingBridgeCommand.newCommandLine();
    cl.setOut(new PrintWriter(out, true));
    cl.setErr(new PrintWriter(err, true));
    if (args.length > 0 && args[0].equals("local")) {
      // Free ports for the twin's HTTP API and the MQTT server, so that tests never collide on 8443 and 1883.
      List<String> withPorts = new ArrayList<>(List.of(args));
      for (String port : List.of("--api-port", "--mqtt-port")) {
        if (!withPorts.contains(port)) {
          withPorts.addAll(List.of(port, "0"));
        }
      }
      args = withPorts.toArray(String[]::new);
    }
    return cl.execute(args);
  }

  @Test
  void a_bounded_run_prints_each_thing_how_to_drive_it_then_ready_then_stopped_and_exits_0() {
    assertThat(run("local", "--duration", "200ms")).isZero();
    List<String> lines = out.toString().lines().filter(l -> !l.startsWith("event ")).toList();
    assertThat(lines.get(0)).startsWith("thingbridge local: in-process broker");
    assertThat(lines.get(1)).matches("cloud twin: shadows, jobs, commands, things, fleet provisioning and Device "
        + "Defender on the in-process broker; AWS-compatible API on http://127\\.0\\.0\\.1:\\d+");
    assertThat(lines.get(2)).matches("mqtt server: mqtt://127\\.0\\.0\\.1:\\d+ \\(MQTT 3\\.1\\.1 and 5\\)"
        + " for CLI commands, mosquitto_sub and the AWS IoT device SDK");
    assertThat(lines.get(3)).isEqualTo("thing thingbridge-local: mqtt.maxPayloadBytes=131072"
        + " mqtt.operationTimeoutSeconds=10 localApi.topicPrefix=thingbridge logLevel=info state=temporary");
    assertThat(lines).anyMatch(l -> l.startsWith("  desired state: curl -s -X POST http://127.0.0.1:"))
        .anyMatch(l -> l.startsWith("  a job:         curl -s -X PUT http://127.0.0.1:"))
        .anyMatch(l -> l.startsWith("  an OTA update: thingbridge ota create --api http://127.0.0.1:"));
    assertThat(lines.get(lines.size() - 2)).matches("ready: 1 thing running on one connection; "
        + "MQTT on mqtt://127\\.0\\.0\\.1:\\d+; stopping by itself after PT0\\.2S");
    assertThat(lines.get(lines.size() - 1)).matches("stopped after \\d+\\.\\d s");
    assertThat(out.toString()).contains("event component.started thing=thingbridge-local");
    assertThat(err.toString()).isEmpty();
  }

  @Test
  void several_things_each_get_a_line_with_their_settings() {
    assertThat(run("local", "--duration", "50ms", "--thing", "gw-1,mcu:a_1", "--thing", "mcu-b", "--max-payload-bytes", "4096"))
        .isZero();
    assertThat(out.toString().lines().filter(l -> l.startsWith("thing ")))
        .extracting(l -> l.substring(0, l.indexOf(": mqtt")))
        .containsExactly("thing gw-1", "thing mcu:a_1", "thing mcu-b");
    assertThat(out.toString()).contains("mqtt.maxPayloadBytes=4096").contains("ready: 3 things running");
  }

  @Test
  void a_bad_thing_name_a_duplicate_or_a_bad_duration_is_a_usage_error() {
    assertThat(run("local", "--thing", "has space", "--duration", "1s")).isEqualTo(ExitCodes.USAGE);
    assertThat(err.toString()).contains("'has space' is not an AWS IoT thing name");
    assertThat(run("local", "--thing", "a,a", "--duration", "1s")).isEqualTo(ExitCodes.USAGE);
    assertThat(err.toString()).contains("given twice");
    assertThat(run("local", "--thing", "x".repeat(129), "--duration", "1s")).isEqualTo(ExitCodes.USAGE);
    assertThat(run("local", "--duration", "soon")).isEqualTo(ExitCodes.USAGE);
    assertThat(err.toString()).contains("'soon' is not a duration");
    assertThat(run("local", "--duration", "0s")).isEqualTo(ExitCodes.USAGE);
    assertThat(out.toString()).doesNotContain("ready");
  }

  @Test
  void the_mqtt_server_can_be_turned_off_and_a_taken_port_is_a_usage_error_before_ready() throws IOException {
    assertThat(run("local", "--duration", "50ms", "--mqtt-port", "-1")).isZero();
    assertThat(out.toString()).doesNotContain("mqtt server:").contains("ready: 1 thing running on one connection; stopping");

    try (ServerSocket taken = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      out.getBuffer().setLength(0);
      assertThat(run("local", "--duration", "1s", "--mqtt-port", Integer.toString(taken.getLocalPort())))
          .isEqualTo(ExitCodes.USAGE);
      assertThat(err.toString()).contains("--mqtt-port " + taken.getLocalPort() + " is in use on 127.0.0.1");
      assertThat(out.toString()).doesNotContain("ready");
    }
    assertThat(run("local", "--duration", "1s", "--mqtt-host", "no-such-host.invalid")).isEqualTo(ExitCodes.USAGE);
    assertThat(err.toString()).contains("--mqtt-host no-such-host.invalid");
  }

  @Test
  void local_mode_runs_on_the_recipes_default_configuration() throws IOException {
    JsonNode defaults =
        new YAMLMapper()
            .readTree(Path.of(System.getProperty("basedir", "")).toAbsolutePath().resolve("recipe.yaml").toFile())
            .at("/ComponentConfiguration/DefaultConfiguration");
    assertThat(defaults.at("/mqtt/maxPayloadBytes").asInt()).isEqualTo(LocalCommand.DEFAULT_MAX_PAYLOAD_BYTES);
    assertThat(defaults.at("/mqtt/operationTimeoutSeconds").asInt())
        .isEqualTo(LocalCommand.DEFAULT_OPERATION_TIMEOUT_SECONDS);
    assertThat(defaults.at("/localApi/topicPrefix").asText()).isEqualTo(LocalCommand.DEFAULT_TOPIC_PREFIX);
    assertThat(defaults.at("/logLevel").asText()).isEqualTo(LocalCommand.DEFAULT_LOG_LEVEL);
  }
}
