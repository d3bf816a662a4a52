package dev.thingbridge.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.thingbridge.component.ConfigurationException;
import dev.thingbridge.mqtt.MqttNotConnectedException;
import dev.thingbridge.mqtt.MqttRefusedException;
import dev.thingbridge.mqtt.MqttTimeoutException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/**
 * Bad input is refused before anything starts, with the flag's name in one line and exit code 2: the
 * commands' own checks that the tree-walking conventions test cannot see (free text, files, ports in use,
 * state directories). A connector that records every connection proves nothing connected.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class CliChecksBeforeStartTest {
  @TempDir Path dir;
  private final List<String> connections = new ArrayList<>();

  private CliRun run(String... args) {
    CommandLine cl = ThingBridgeCommand.newCommandLine(id -> {
      connections.add(id);
      throw new MqttNotConnectedException("the test refuses every connection");
    });
    return CliRun.of(cl, args);
  }

  private Path handler() throws Exception {
    Path p = dir.resolve("ok.sh");
    Files.writeString(p, "#!/bin/sh\ntrue\n");
    Files.setPosixFilePermissions(p, PosixFilePermissions.fromString("rwxr-xr-x"));
    return p;
  }

  private void assertUsage(CliRun r, String... mentions) {
    assertThat(r.exitCode()).as(r.err()).isEqualTo(ExitCodes.USAGE);
    assertThat(r.err()).startsWith("error: ").contains(mentions);
    assertThat(r.out()).isEmpty();
    assertThat(connections).as("nothing connected").isEmpty();
  }

  @Test
  void commands_handle_checks_every_flag_before_connecting() throws Exception {
    String ok = handler().toString();
    assertUsage(run("commands", "handle", "--thing", "bad name", "--handler", ok), "--thing", "'bad name'");
    assertUsage(run("commands", "handle", "--thing", "", "--handler", ok), "--thing", "''");
    assertUsage(run("commands", "handle", "--client-target", "a/b/#", "--handler", ok), "--client-target", "a/b/#");
    assertUsage(run("commands", "handle", "--thing", "pump-3", "--handler", dir.resolve("nope.sh").toString()),
        "--handler", "nope.sh", "does not exist");
    Path notExecutable = Files.writeString(dir.resolve("plain.sh"), "true\n");
    assertUsage(run("commands", "handle", "--thing", "pump-3", "--handler", notExecutable.toString()),
        "--handler", "not executable");
    assertUsage(run("commands", "handle", "--thing", "pump-3", "--handler", "no-such-program-on-path"),
        "--handler", "not a file and not a program on PATH");
    assertUsage(run("commands", "handle", "--thing", "pump-3", "--handler", ok, "--client-id", "a+b"),
        "--client-id");
    assertUsage(run("commands", "handle", "--thing", "pump-3", "--handler", ok, "--count", "0"), "--count");
  }

  @Test
  void commands_handle_serves_a_client_target_as_that_client() throws Exception {
    CliRun r = run("commands", "handle", "--client-target", "sensor-7", "--handler", handler().toString());
    assertThat(r.exitCode()).isEqualTo(ExitCodes.CONNECTION);
    assertThat(connections).containsExactly("sensor-7");
  }

  @Test
  void jobs_handle_checks_its_directories_before_connecting() throws Exception {
    assertUsage(run("jobs", "handle", "--thing", "gw-1", "--handler-dir", dir.resolve("none").toString()),
        "--handler-dir");
    Path file = Files.writeString(dir.resolve("a-file"), "x");
    assertUsage(run("jobs", "handle", "--thing", "gw-1", "--handler-dir", dir.toString(), "--state-dir",
        file.toString()), "--state-dir", "is not a directory");
    assertUsage(run("jobs", "handle", "--thing", "gw-1", "--handler-dir", dir.toString(), "--state-dir",
        "/proc/self/thingbridge"), "--state-dir", "/proc");
  }

  @Test
  void one_off_commands_connect_with_a_random_client_id_and_device_roles_with_the_thing_name() throws Exception {
    run("jobs", "list", "--thing", "gw-20");
    run("shadow", "get", "--thing", "gw-20");
    run("shadow", "watch", "--thing", "gw-20");
    run("jobs", "handle", "--thing", "gw-20", "--handler-dir", dir.toString());
    run("shadow", "watch", "--thing", "gw-20", "--ack");
    run("jobs", "list", "--thing", "gw-20", "--client-id", "mine");
    assertThat(connections).hasSize(6);
    assertThat(connections.subList(0, 3)).allMatch(id -> id.matches("thingbridge-cli-[0-9a-f]{8}"));
    assertThat(connections.subList(3, 6)).containsExactly("gw-20", "gw-20", "mine");
  }

  @Test
  void local_refuses_a_bad_or_busy_port_before_its_banner() throws Exception {
    CliRun tooHigh = run("local", "--api-port", "99999", "--duration", "1");
    assertUsage(tooHigh, "--api-port", "99999");
    try (ServerSocket busy = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      CliRun inUse = run("local", "--api-port", Integer.toString(busy.getLocalPort()), "--duration", "1");
      assertUsage(inUse, "--api-port " + busy.getLocalPort() + " is in use");
    }
  }

  @Test
  void twin_refuses_a_busy_port_and_an_unusable_state_dir_before_it_connects() throws Exception {
    try (ServerSocket busy = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      assertUsage(run("twin", "--api-port", Integer.toString(busy.getLocalPort())),
          "--api-port " + busy.getLocalPort() + " is in use");
    }
    Path file = Files.writeString(dir.resolve("state-file"), "x");
    assertUsage(run("twin", "--api-port", "0", "--state-dir", file.toString()), "--state-dir", "is not a directory");
    assertUsage(run("twin", "--api-port", "0", "--state-dir", "/proc/thingbridge"), "--state-dir", "/proc");
    assertUsage(run("twin", "--api-port", "0", "--state-dir", file.resolve("below").toString()), "--state-dir",
        "cannot be created");
  }

  @Test
  void the_exit_code_mapping_is_one_function() {
    assertThat(ExitCodes.of(new UsageException("x"))).isEqualTo(ExitCodes.USAGE);
    assertThat(ExitCodes.of(new ConfigurationException("configuration: x"))).isEqualTo(ExitCodes.USAGE);
    assertThat(ExitCodes.of(new CompletionException(new MqttTimeoutException("get", Duration.ofSeconds(1)))))
        .isEqualTo(ExitCodes.TIMEOUT);
    assertThat(ExitCodes.of(new ExecutionException(new MqttRefusedException("connect", 0x87, "no"))))
        .isEqualTo(ExitCodes.CONNECTION);
    assertThat(ExitCodes.of(new ConnectionTakenOverException("taken"))).isEqualTo(ExitCodes.CONNECTION);
    assertThat(ExitCodes.of(new IllegalStateException("bug"))).isEqualTo(ExitCodes.FAILURE);
    assertThat(ExitCodes.message(new IllegalStateException("Error: error: boom\nat somewhere"))).isEqualTo("boom");
    assertThat(ExitCodes.message(new NullPointerException())).startsWith("NullPointerException");
  }

  @Test
  void the_component_reports_a_bad_configuration_as_a_usage_error() throws Exception {
    Path config = Files.writeString(dir.resolve("config.yaml"), "mqtt:\n  maxPayloadBytes: -1\n");
    CliRun r = run("run", "--config", config.toString());
    assertThat(r.exitCode()).isEqualTo(ExitCodes.USAGE);
    assertThat(r.err()).isEqualTo("error: configuration: mqtt.maxPayloadBytes must be an integer between 1 and "
        + "131072, got \"-1\"" + System.lineSeparator());
  }

  @Test
  void run_takes_thing_with_the_old_name_as_an_alias_and_the_endpoint_as_uri_or_host_port() {
    for (String flag : List.of("--thing", "--thing-name")) {
      CommandLine.ParseResult p = ThingBridgeCommand.newCommandLine().parseArgs("run", flag, "gw-9",
          "--endpoint", "abc-ats.iot.eu-west-1.amazonaws.com");
      RunCommand run = (RunCommand) p.subcommand().commandSpec().userObject();
      assertThat(run.thingName).isEqualTo("gw-9");
      assertThat(run.endpoint).isEqualTo("mqtts://abc-ats.iot.eu-west-1.amazonaws.com:8883");
    }
    RunCommand uri = (RunCommand) ThingBridgeCommand.newCommandLine()
        .parseArgs("run", "--endpoint", "mqtts://broker.local:8884").subcommand().commandSpec().userObject();
    assertThat(uri.endpoint).isEqualTo("mqtts://broker.local:8884");
    assertUsage(run("run", "--endpoint", "mqtt://broker.local"), "--endpoint", "mutual TLS");
  }
}
