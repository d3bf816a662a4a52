package dev.thingbridge.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.thingbridge.mqtt.MqttClient;
import dev.thingbridge.mqtt.crt.CrtMqttClient;
import dev.thingbridge.mqtt.crt.CrtMqttOptions;
import dev.thingbridge.testing.Mosquitto;
import dev.thingbridge.twin.server.TwinServer;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/**
 * One-off commands no longer take a running device's connection, and a long-running command whose connection is
 * taken over stops with one line and exit code 3 instead of reconnecting in a loop: against a real Mosquitto,
 * which sends MQTT 5's "session taken over".
 */
@Timeout(value = 90, unit = TimeUnit.SECONDS)
class ConnectionTakeoverTest {
  private static final Duration WAIT = Duration.ofSeconds(30);

  @TempDir static Path dir;
  private static Mosquitto mosquitto;
  private static MqttClient twinClient;
  private static TwinServer twin;
  private static String endpoint;

  @BeforeAll
  static void start() throws Exception {
    mosquitto = Mosquitto.plain(dir.resolve("mosquitto"));
    endpoint = mosquitto.endpoint().toString();
    twinClient = CrtMqttClient.connect(CrtMqttOptions.builder(mosquitto.endpoint(), "twin").build(), WAIT);
    twin = TwinServer.start(twinClient, TwinServer.Options.defaults());
  }

  @AfterAll
  static void stop() {
    twin.close();
    twinClient.close();
    mosquitto.close();
  }

  private static CliRun run(StringWriter out, StringWriter err, String... args) {
    CommandLine cl = ThingBridgeCommand.newCommandLine();
    return CliRun.of(cl, out, err, args);
  }

  private static CliRun run(String... args) {
    return run(new StringWriter(), new StringWriter(), args);
  }

  private static Path handlers(String thing) throws Exception {
    Path d = Files.createDirectories(dir.resolve(thing));
    Path reboot = Files.writeString(d.resolve("reboot"), "#!/bin/sh\ntrue\n");
    Files.setPosixFilePermissions(reboot, PosixFilePermissions.fromString("rwxr-xr-x"));
    return d;
  }

  @Test
  void a_one_off_command_does_not_take_over_a_running_handler_and_a_second_handler_does() throws Exception {
    String thing = "gw-20";
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    String handlerDir = handlers(thing).toString();
    CompletableFuture<Integer> handler = CompletableFuture.supplyAsync(() -> run(out, err, "jobs", "handle",
        "--endpoint", endpoint, "--thing", thing, "--handler-dir", handlerDir).exitCode());
    await().atMost(WAIT).until(() -> out.toString().contains("\"event\":\"ready\"") || handler.isDone());
    assertThat(handler).as(err.toString()).isNotDone();

    for (int i = 0; i < 3; i++) {
      CliRun list = run("jobs", "list", "--endpoint", endpoint, "--thing", thing);
      assertThat(list.exitCode()).as(list.err()).isZero();
      CliRun get = run("shadow", "get", "--endpoint", endpoint, "--thing", thing);
      assertThat(get.exitCode()).isEqualTo(ExitCodes.FAILURE); // no shadow yet: 404, but answered
    }
    assertThat(mosquitto.log()).doesNotContain("Client " + thing + " already connected");
    assertThat(handler).isNotDone();

    // A second device with the same client id (the thing name): the handler learns it and stops.
    try (MqttClient second = CrtMqttClient.connect(CrtMqttOptions.builder(mosquitto.endpoint(), thing).build(),
        WAIT)) {
      assertThat(handler.get(WAIT.toSeconds(), TimeUnit.SECONDS)).isEqualTo(ExitCodes.CONNECTION);
    }
    assertThat(err.toString().lines()).hasSize(1);
    // Mosquitto 2.0 closes the socket without MQTT 5's "session taken over": the pattern of drops gives it away.
    assertThat(err.toString()).startsWith("error: ").contains(endpoint).contains("client id '" + thing + "'")
        .contains("give each process its own --client-id");
  }

  @Test
  void shadow_watch_with_ack_is_taken_over_by_a_device_with_the_thing_name() throws Exception {
    String thing = "gw-21";
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    CompletableFuture<Integer> watch = CompletableFuture.supplyAsync(() -> run(out, err, "shadow", "watch",
        "--endpoint", endpoint, "--thing", thing, "--ack").exitCode());
    await().atMost(WAIT).until(() -> out.toString().contains("\"event\":\"synced\"") || watch.isDone());
    try (MqttClient device = CrtMqttClient.connect(CrtMqttOptions.builder(mosquitto.endpoint(), thing).build(),
        WAIT)) {
      assertThat(watch.get(WAIT.toSeconds(), TimeUnit.SECONDS)).isEqualTo(ExitCodes.CONNECTION);
      assertThat(err.toString()).contains("client id '" + thing + "'");
    }
  }

  @Test
  void two_twins_on_one_broker_do_not_take_each_other_over() {
    CompletableFuture<CliRun> first = CompletableFuture.supplyAsync(() ->
        run("twin", "--endpoint", endpoint, "--api-port", "0", "--duration", "3"));
    CliRun second = run("twin", "--endpoint", endpoint, "--api-port", "0", "--duration", "3");
    CliRun one = first.join();
    assertThat(List.of(one.exitCode(), second.exitCode())).containsOnly(ExitCodes.OK);
    String idOne = one.out().replaceAll("(?s).* as (thingbridge-twin-[0-9a-f]{8}),.*", "$1");
    String idTwo = second.out().replaceAll("(?s).* as (thingbridge-twin-[0-9a-f]{8}),.*", "$1");
    assertThat(idOne).matches("thingbridge-twin-[0-9a-f]{8}").isNotEqualTo(idTwo);
  }

  @Test
  void the_session_taken_over_reason_is_a_takeover_at_once() {
    AtomicReference<Exception> reported = new AtomicReference<>();
    new TakeoverWatch("gw-1", mosquitto.endpoint(), reported::set)
        .onDisconnected("broker sent DISCONNECT SESSION_TAKEN_OVER");
    assertThat(reported.get()).isInstanceOf(ConnectionTakenOverException.class);
    assertThat(reported.get().getMessage()).contains("session taken over").contains("'gw-1'");
  }

  @Test
  void a_pattern_of_drops_soon_after_connecting_is_a_takeover_too() {
    AtomicLong now = new AtomicLong();
    AtomicReference<Exception> reported = new AtomicReference<>();
    TakeoverWatch watch = new TakeoverWatch("gw-1", mosquitto.endpoint(), reported::set, now::get);
    for (int i = 0; i < TakeoverWatch.QUICK_DROPS - 1; i++) {
      now.addAndGet(Duration.ofSeconds(2).toNanos());
      watch.onConnected(false);
      now.addAndGet(Duration.ofMillis(300).toNanos());
      watch.onDisconnected("AWS_ERROR_MQTT5_DISCONNECT_RECEIVED");
    }
    assertThat(reported.get()).isNull();
    now.addAndGet(Duration.ofSeconds(30).toNanos());
    watch.onConnected(false);
    now.addAndGet(Duration.ofSeconds(10).toNanos());
    now.addAndGet(Duration.ofSeconds(35).toNanos());
    watch.onDisconnected("a connection that lasted is not a takeover");
    assertThat(reported.get()).isNull();
    now.addAndGet(Duration.ofSeconds(1).toNanos());
    watch.onConnected(false);
    now.addAndGet(Duration.ofMillis(100).toNanos());
    watch.onDisconnected("AWS_IO_SOCKET_CLOSED");
    assertThat(reported.get()).isInstanceOf(ConnectionTakenOverException.class);
    assertThat(reported.get().getMessage()).contains("3 times in").contains("'gw-1'");
  }

  @Test
  void quick_drops_spread_over_more_than_the_window_are_not_a_takeover() {
    AtomicLong now = new AtomicLong();
    AtomicReference<Exception> reported = new AtomicReference<>();
    TakeoverWatch watch = new TakeoverWatch("gw-1", null, reported::set, now::get);
    for (int i = 0; i < 5; i++) {
      now.addAndGet(Duration.ofSeconds(70).toNanos());
      watch.onConnected(false);
      now.addAndGet(Duration.ofMillis(100).toNanos());
      watch.onDisconnected("AWS_IO_SOCKET_CLOSED");
    }
    assertThat(reported.get()).isNull();
  }
}
