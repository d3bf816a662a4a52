package dev.thingbridge.bench;

import dev.thingbridge.mqtt.MqttClient;
import dev.thingbridge.mqtt.MqttMessage;
import dev.thingbridge.mqtt.QoS;
import dev.thingbridge.mqtt.Subscription;
import dev.thingbridge.mqtt.SubscriptionFilter;
import dev.thingbridge.mqtt.SubscriptionListener;
import dev.thingbridge.mqtt.local.LocalBroker;
import dev.thingbridge.twin.Twin;
import dev.thingbridge.twin.shadows.ShadowService;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.TimeUnit;

/**
 * Shadow update round trips through the twin: a device publishes {@code .../shadow/update} and waits for
 * {@code .../update/accepted}, one request at a time. Baseline in the same run: a bare echo responder that
 * answers every update with a fixed accepted message and no shadow logic, on the same bus.
 *
 * <p>The bus is a parameter: {@link #compare(MqttClient, MqttClient, int)} takes the twin-side and the
 * device-side client (the in-process bus here; a broker backend the same way).
 *
 * <p>Run: {@code ./mvnw -q -B test-compile exec:java -Dexec.classpathScope=test
 * -Dexec.mainClass=dev.thingbridge.bench.TwinShadowBench [-Dexec.args=ROUND_TRIPS]}
 */
public final class TwinShadowBench {
  private static final Duration WAIT = Duration.ofSeconds(10);
  private static final String THING = "bench-thing";
  private static final String UPDATE = "$aws/things/" + THING + "/shadow/update";
  private static final String ACCEPTED = UPDATE + "/accepted";

  /** Throughput and latency of one series. */
  record Result(String name, int roundTrips, double perSecond, double p50Micros, double p99Micros) {}

  public static void main(String[] args) throws Exception {
    int roundTrips = args.length > 0 ? Integer.parseInt(args[0]) : 20_000;
    LocalBroker broker = new LocalBroker();
    try (MqttClient twinSide = broker.connect("bench-twin"); MqttClient deviceSide = broker.connect("bench-device")) {
      List<Result> results = compare(twinSide, deviceSide, roundTrips);
      print("in-process bus", results);
    }
  }

  /**
   * Runs the echo baseline and the twin on the given clients. Both are warmed up (JIT, thread pools) before
   * either is measured, so that the order does not favour the second.
   */
  public static List<Result> compare(MqttClient twinSide, MqttClient deviceSide, int roundTrips) throws Exception {
    echo(twinSide, deviceSide, roundTrips / 2, "warm-up");
    twin(twinSide, deviceSide, roundTrips / 2, "warm-up");
    Result echo = echo(twinSide, deviceSide, roundTrips, "bare echo responder");
    Result twin = twin(twinSide, deviceSide, roundTrips, "twin shadow service");
    return List.of(echo, twin);
  }

  private static Result echo(MqttClient twinSide, MqttClient deviceSide, int n, String name) throws Exception {
    try (Subscription responder = startEcho(twinSide)) {
      return run(deviceSide, n, name);
    }
  }

  private static Result twin(MqttClient twinSide, MqttClient deviceSide, int n, String name) throws Exception {
    try (Twin twin = Twin.builder(twinSide).service(new ShadowService()).build()) {
      twin.start().get(10, TimeUnit.SECONDS);
      return run(deviceSide, n, name);
    }
  }

  private static Subscription startEcho(MqttClient twinSide) throws Exception {
    byte[] reply = "{\"state\":{},\"metadata\":{},\"version\":1,\"timestamp\":0}".getBytes(StandardCharsets.UTF_8);
    return twinSide.subscribe(List.of(new SubscriptionFilter(UPDATE, QoS.AT_LEAST_ONCE, true)),
        new SubscriptionListener() {
          @Override
          public void onMessage(MqttMessage message) {
            twinSide.publish(ACCEPTED, reply, QoS.AT_LEAST_ONCE, false);
          }

          @Override
          public void onSessionLost() {}
        }).get(10, TimeUnit.SECONDS);
  }

  private static Result run(MqttClient device, int n, String name) throws Exception {
    long[] nanos = new long[n];
    try (Subscription accepted = device.subscribe(ACCEPTED, QoS.AT_LEAST_ONCE).get(10, TimeUnit.SECONDS)) {
      long start = System.nanoTime();
      for (int i = 0; i < n; i++) {
        byte[] payload = ("{\"state\":{\"reported\":{\"temp\":" + (i % 50) + ",\"seq\":" + i + "}}}")
            .getBytes(StandardCharsets.UTF_8);
        long t0 = System.nanoTime();
        device.publish(UPDATE, payload, QoS.AT_LEAST_ONCE, false).get(10, TimeUnit.SECONDS);
        accepted.next(WAIT);
        nanos[i] = System.nanoTime() - t0;
      }
      double seconds = (System.nanoTime() - start) / 1e9;
      Arrays.sort(nanos);
      return new Result(name, n, n / seconds, nanos[n / 2] / 1e3, nanos[(int) (n * 0.99)] / 1e3);
    }
  }

  static void print(String bus, List<Result> results) {
    Result baseline = results.get(0);
    System.out.printf(Locale.ROOT, "Shadow update round trips on the %s (%d each, one in flight)%n", bus,
        baseline.roundTrips());
    System.out.printf(Locale.ROOT, "%-22s %12s %10s %10s %14s%n", "responder", "round trips/s", "p50 us",
        "p99 us", "vs baseline");
    for (Result r : results) {
      System.out.printf(Locale.ROOT, "%-22s %12.0f %10.1f %10.1f %13.2fx%n", r.name(), r.perSecond(),
          r.p50Micros(), r.p99Micros(), r.perSecond() / baseline.perSecond());
    }
  }
}
