package dev.thingbridge.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.thingbridge.mqtt.MqttClient;
import dev.thingbridge.mqtt.MqttEndpoint;
import dev.thingbridge.mqtt.QoS;
import dev.thingbridge.mqtt.SubscriptionFilter;
import dev.thingbridge.mqtt.crt.CrtMqttClient;
import dev.thingbridge.mqtt.crt.CrtMqttOptions;
import dev.thingbridge.testing.ChildProcess;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The local API as users run it outside Greengrass: the packaged jar as its own process ({@code java -jar
 * target/thingbridge.jar run --config F --local-api-port 0}, its state directory on disk), the caller in this JVM
 * with the aws-crt MQTT client over TCP on loopback. Subject: {@code component/status} requests on {@code
 * thingbridge/bench.Tool/component/status}, answered on {@code .../response} (the server's broker hands the request
 * to the local API in the jar's process, which answers through it). Baseline, measured in the same run against the
 * same process and server: an MQTT echo, a publish on a topic the caller itself subscribes to (the same two TCP
 * crossings and the same broker, no work). 2,000 calls one at a time and 2,000 with 8 in flight, three alternating
 * rounds, medians; the ratio is subject / baseline (below 1 for throughput, above 1 for latency means the local API
 * costs more).
 *
 * <p>Run from the project root after {@code ./mvnw -B -q package -DskipTests} (so that {@code target/thingbridge.jar}
 * exists) and {@code ./mvnw -q dependency:build-classpath -Dmdep.outputFile=cp.txt -Dmdep.includeScope=test}:
 * {@code java -cp target/test-classes:target/classes:$(cat cp.txt) dev.thingbridge.bench.LocalApiProcessBench}.
 */
public final class LocalApiProcessBench {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final Pattern SERVED = Pattern.compile("local API for other processes: \\S*?:(\\d+)");
  private static final String TOOL = "bench.Tool";
  private static final int WARMUP = 500;
  private static final int WIDTH = 40;

  public static void main(String[] args) throws Exception {
    Path work = Files.createTempDirectory("local-api-process-bench");
    Files.writeString(work.resolve("thingbridge.yaml"), "thingName: gw-bench\nstateDir: state\n");
    ProcessBuilder command = ChildProcess.javaJar(Path.of("target/thingbridge.jar").toAbsolutePath().toString(),
        "run", "--config", "thingbridge.yaml", "--local-api-port", "0").directory(work.toFile());
    try (ChildProcess jar = ChildProcess.start(command)) {
      Matcher m = SERVED.matcher(jar.awaitLine(l -> SERVED.matcher(l).find(), Duration.ofSeconds(60)));
      if (!m.find()) {
        throw new IllegalStateException("no local API port in the jar's output");
      }
      int port = Integer.parseInt(m.group(1));
      jar.awaitLine(l -> l.contains("thingbridge running"), Duration.ofSeconds(60));
      try (MqttClient caller = CrtMqttClient.start(CrtMqttOptions.builder(new MqttEndpoint("127.0.0.1", port, false),
          "bench-caller").connectTimeout(Duration.ofSeconds(10)).build())) {
        Correlated api = new Correlated(caller, "thingbridge/" + TOOL + "/component/status",
            "thingbridge/" + TOOL + "/response");
        Correlated echo = new Correlated(caller, "bench/echo", "bench/echo");
        api.start();
        echo.start();
        api.awaitAnswering();
        System.out.printf("jar pid %d, state in %s, local API on 127.0.0.1:%d; caller in pid %d%n", jar.pid(),
            work.resolve("state"), port, ProcessHandle.current().pid());
        RoundTrips.header(WIDTH);
        List<RoundTrips.Result> bases = new ArrayList<>();
        List<RoundTrips.Result> apis = new ArrayList<>();
        for (int round = 1; round <= RoundTrips.ROUNDS; round++) { // alternating: warm-up and load hit both alike
          bases.add(RoundTrips.measure(echo::call, WARMUP));
          apis.add(RoundTrips.measure(api::call, WARMUP));
          RoundTrips.print(WIDTH, "baseline: MQTT echo #" + round, bases.get(round - 1));
          RoundTrips.print(WIDTH, "local API: component/status #" + round, apis.get(round - 1));
        }
        RoundTrips.summary(WIDTH, "baseline", bases, "local API", apis);
        System.out.printf("jar's resident memory after the run: %s%n", residentMemory(jar.pid()));
      }
    }
  }

  private static String residentMemory(long pid) {
    try {
      for (String line : Files.readAllLines(Path.of("/proc/" + pid + "/status"))) {
        if (line.startsWith("VmRSS:")) {
          return line.substring(6).trim();
        }
      }
    } catch (Exception e) {
      return "unknown (" + e.getMessage() + ")";
    }
    return "unknown";
  }

  /**
   * Requests on one topic whose answers, on another, carry the request's {@code correlationId}: the local API's
   * request and response, or the same topic twice for the echo.
   */
  private static final class Correlated {
    private final MqttClient client;
    private final String requests;
    private final String answers;
    private final Map<String, CompletableFuture<Void>> pending = new ConcurrentHashMap<>();
    private final AtomicLong ids = new AtomicLong();

    Correlated(MqttClient client, String requests, String answers) {
      this.client = client;
      this.requests = requests;
      this.answers = answers;
    }

    void start() throws Exception {
      client.subscribe(List.of(SubscriptionFilter.of(answers, QoS.AT_MOST_ONCE)), message -> {
        try {
          JsonNode n = JSON.readTree(message.payload());
          CompletableFuture<Void> f = pending.remove(n.path("correlationId").asText());
          if (f != null) {
            if (n.has("ok") && !n.path("ok").asBoolean()) {
              f.completeExceptionally(new IllegalStateException("refused: " + n));
            } else {
              f.complete(null);
            }
          }
        } catch (java.io.IOException e) {
          throw new IllegalStateException(e);
        }
      }).get(10, TimeUnit.SECONDS);
    }

    /** The local API subscribes while the component starts: asks until it answers. */
    void awaitAnswering() throws Exception {
      for (int attempt = 0; attempt < 60; attempt++) {
        try {
          call().get(1, TimeUnit.SECONDS);
          return;
        } catch (java.util.concurrent.TimeoutException notYet) {
          // not subscribed yet
        }
      }
      throw new IllegalStateException("the local API never answered on " + requests);
    }

    CompletableFuture<?> call() {
      String id = "c-" + ids.incrementAndGet();
      CompletableFuture<Void> answered = new CompletableFuture<>();
      pending.put(id, answered);
      client.publish(requests, ("{\"correlationId\":\"" + id + "\"}").getBytes(StandardCharsets.UTF_8),
          QoS.AT_MOST_ONCE, false).whenComplete((v, e) -> {
            if (e != null) {
              pending.remove(id);
              answered.completeExceptionally(e);
            }
          });
      return answered;
    }
  }
}
