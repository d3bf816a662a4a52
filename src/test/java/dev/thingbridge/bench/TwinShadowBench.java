package dev.thingbridge.bench;

import dev.thingbridge.mqtt.MqttClient;
import dev.thingbridge.mqtt.MqttMessage;
import dev.thingbridge.mqtt.QoS;
import dev.thingbridge.mqtt.Subscription;
import dev.thingbridge.mqtt.SubscriptionFilter;
import dev.thingbridge.mqtt.SubscriptionListener;
import dev.thingbridge.mqtt.crt.CrtMqttClient;
import dev.thingbridge.mqtt.crt.CrtMqttOptions;
import dev.thingbridge.mqtt.local.LocalBroker;
import dev.thingbridge.testing.Mosquitto;
import dev.thingbridge.twin.Twin;
import dev.thingbridge.twin.TwinOutbox;
import dev.thingbridge.twin.TwinService;
import dev.thingbridge.twin.shadows.ShadowsService;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.TimeUnit;

/**
 * Shadow update round trips through the twin: a device publishes {@code .../shadow/update} and waits for
 * {@code .../update/accepted}, one request at a time. Baselines in the same run, on the same bus:
 *
 * <ul>
 *   <li>a bare echo responder on its own client, which answers every update with a fixed accepted message
 *       from its subscription callback: the bus's own round trip;
 *   <li>the same echo as a {@link TwinService} inside a {@link Twin} on its own client: the twin's delivery
 *       path (lock, reply after save, ordered flush) without any shadow logic.
 * </ul>
 *
 * <p>Each responder has its own client, so none shares a connection or delivery thread with another; they run
 * interleaved for {@link #ROUNDS} rounds and the best round of each is reported, which keeps a busy machine's
 * noise from favouring whichever ran last. Runs on the in-process bus, then through a real Mosquitto (plain
 * TCP on loopback) with the direct aws-crt backend. The twin runs with relaxed limits: AWS's per-thing rate
 * limit (100 publishes/s) would measure the throttle instead.
 *
 * <p>Run: {@code ./mvnw -q -B test-compile exec:java -Dexec.classpathScope=test
 * -Dexec.mainClass=dev.thingbridge.bench.TwinShadowBench [-Dexec.args="BUS_ROUND_TRIPS BROKER_ROUND_TRIPS"]}
 */
public final class TwinShadowBench {
  private static final Duration WAIT = Duration.ofSeconds(10);
  private static final int ROUNDS = 3;
  private static final String THING = "bench-thing";
  private static final String UPDATE = "$aws/things/" + THING + "/shadow/update";
  private static final String ACCEPTED = UPDATE + "/accepted";
  private static final byte[] CANNED =
      "{\"state\":{},\"metadata\":{},\"version\":1,\"timestamp\":0}".getBytes(StandardCharsets.UTF_8);

  private TwinShadowBench() {}

  /** Throughput and latency of one series. */
  record Result(String name, int roundTrips, double perSecond, double p50Micros, double p99Micros) {}

  /** The three clients a comparison needs: the twin's, the baselines', the device's. */
  record Clients(MqttClient twinSide, MqttClient echoSide, MqttClient deviceSide) {}

  public static void main(String[] args) throws Exception {
    int busRoundTrips = args.length > 0 ? Integer.parseInt(args[0]) : 20_000;
    int brokerRoundTrips = args.length > 1 ? Integer.parseInt(args[1]) : 5_000;
    LocalBroker bus = new LocalBroker();
    try (MqttClient twin = bus.connect("bench-twin"); MqttClient echo = bus.connect("bench-echo");
        MqttClient device = bus.connect("bench-device")) {
      print("in-process bus", compare(new Clients(twin, echo, device), busRoundTrips));
    }
    Path dir = Files.createTempDirectory("twin-shadow-bench");
    try (Mosquitto broker = Mosquitto.plain(dir);
        MqttClient twin = connect(broker, "bench-twin"); MqttClient echo = connect(broker, "bench-echo");
        MqttClient device = connect(broker, "bench-device")) {
      print("Mosquitto (plain TCP, loopback, aws-crt direct backend)",
          compare(new Clients(twin, echo, device), brokerRoundTrips));
    }
    System.exit(0); // the CRT's static event loop keeps native threads alive
  }

  static MqttClient connect(Mosquitto broker, String clientId) throws InterruptedException {
    return CrtMqttClient.connect(CrtMqttOptions.builder(broker.endpoint(), clientId).build(), WAIT);
  }

  /**
   * Runs the baselines and the twin on the given clients: a warm-up of each, then {@link #ROUNDS}
   * interleaved rounds; the best round of each responder.
   */
  public static List<Result> compare(Clients c, int roundTrips) throws Exception {
    echo(c, roundTrips / 4, "warm-up");
    echoInTwin(c, roundTrips / 4, "warm-up");
    twin(c, roundTrips / 4, "warm-up");
    List<List<Result>> rounds = new ArrayList<>();
    for (int round = 0; round < ROUNDS; round++) {
      rounds.add(List.of(echo(c, roundTrips, "bare echo responder"),
          echoInTwin(c, roundTrips, "echo inside a Twin"),
          twin(c, roundTrips, "twin shadow service")));
    }
    List<Result> best = new ArrayList<>();
    for (int i = 0; i < 3; i++) {
      int column = i;
      best.add(rounds.stream().map(r -> r.get(column)).max(Comparator.comparingDouble(Result::perSecond))
          .orElseThrow());
    }
    return best;
  }

  private static Result echo(Clients c, int n, String name) throws Exception {
    MqttClient echo = c.echoSide();
    try (Subscription responder = echo.subscribe(List.of(new SubscriptionFilter(UPDATE, QoS.AT_LEAST_ONCE, true)),
        new SubscriptionListener() {
          @Override
          public void onMessage(MqttMessage message) {
            echo.publish(ACCEPTED, CANNED, QoS.AT_LEAST_ONCE, false);
          }

          @Override
          public void onSessionLost() {}
        }).get(10, TimeUnit.SECONDS)) {
      return run(c.deviceSide(), n, name);
    }
  }

  private static Result echoInTwin(Clients c, int n, String name) throws Exception {
    try (Twin twin = Twin.builder(c.echoSide()).service(new EchoService()).build()) {
      twin.start().get(10, TimeUnit.SECONDS);
      return run(c.deviceSide(), n, name);
    }
  }

  private static Result twin(Clients c, int n, String name) throws Exception {
    try (Twin twin = Twin.builder(c.twinSide()).service(new ShadowsService()).build()) {
      twin.start().get(10, TimeUnit.SECONDS);
      return run(c.deviceSide(), n, name);
    }
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
    System.out.printf(Locale.ROOT, "Shadow update round trips on the %s (%d each, one in flight, best of %d)%n",
        bus, baseline.roundTrips(), ROUNDS);
    System.out.printf(Locale.ROOT, "%-22s %14s %10s %10s %12s%n", "responder", "round trips/s", "p50 us",
        "p99 us", "vs baseline");
    for (Result r : results) {
      System.out.printf(Locale.ROOT, "%-22s %14.0f %10.1f %10.1f %11.2fx%n", r.name(), r.perSecond(),
          r.p50Micros(), r.p99Micros(), r.perSecond() / baseline.perSecond());
    }
  }

  /** The canned echo as a twin service: the twin's delivery path with no shadow logic. */
  private static final class EchoService implements TwinService {
    @Override
    public String name() {
      return "echo";
    }

    @Override
    public List<SubscriptionFilter> filters() {
      return List.of(SubscriptionFilter.of(UPDATE, QoS.AT_LEAST_ONCE));
    }

    @Override
    public boolean handle(MqttMessage request, TwinOutbox out) {
      out.publish(MqttMessage.of(ACCEPTED, CANNED, QoS.AT_LEAST_ONCE));
      return false;
    }

    @Override
    public com.fasterxml.jackson.databind.JsonNode snapshot() {
      return com.fasterxml.jackson.databind.node.JsonNodeFactory.instance.objectNode();
    }

    @Override
    public void restore(com.fasterxml.jackson.databind.JsonNode snapshot) {}
  }
}
