package dev.thingbridge.bench;

import dev.thingbridge.mqtt.MqttEndpoint;
import dev.thingbridge.mqtt.MqttLimits;
import dev.thingbridge.mqtt.QoS;
import dev.thingbridge.mqtt.SubscriptionFilter;
import dev.thingbridge.mqtt.crt.CrtMqttClient;
import dev.thingbridge.mqtt.crt.CrtMqttOptions;
import dev.thingbridge.testing.ConnectedLatch;
import dev.thingbridge.testing.Mosquitto;
import dev.thingbridge.testing.TestPki;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import software.amazon.awssdk.crt.io.SocketOptions;
import software.amazon.awssdk.crt.io.TlsContext;
import software.amazon.awssdk.crt.io.TlsContextOptions;
import software.amazon.awssdk.crt.mqtt5.Mqtt5Client;
import software.amazon.awssdk.crt.mqtt5.Mqtt5ClientOptions;
import software.amazon.awssdk.crt.mqtt5.QOS;
import software.amazon.awssdk.crt.mqtt5.packets.ConnectPacket;
import software.amazon.awssdk.crt.mqtt5.packets.PublishPacket;
import software.amazon.awssdk.crt.mqtt5.packets.SubscribePacket;

/**
 * Throughput and latency of the direct backend ({@link CrtMqttClient}) against a bare aws-crt {@code
 * Mqtt5Client} with the same settings, both through one Mosquitto on loopback, over plain TCP and over TLS
 * with client certificates.
 *
 * <p>Throughput: one client subscribes to a topic and publishes to it with QoS 1, at most 100 publishes
 * un-acknowledged (AWS IoT Core's in-flight limit); the clock stops when every message has been received.
 * Latency: the same client publishes one message and waits for it to come back, one at a time.
 *
 * <p>Each cell is the best of three interleaved rounds (thingbridge, bare, thingbridge, ...), so that neither
 * client always meets a cold broker or JIT first.
 *
 * <p>{@code -Dbench.links=TCP} and {@code -Dbench.sizes=16384} narrow a run. Run (a few minutes):
 *
 * <pre>
 * ./mvnw -q -B test-compile exec:exec -Dexec.executable=java -Dexec.classpathScope=test \
 *     -Dexec.args="-cp %classpath dev.thingbridge.bench.DirectMqttBench"
 * </pre>
 */
public final class DirectMqttBench {
  private static final int IN_FLIGHT = 100;
  private static final int[] SIZES = {1024, 16 * 1024, 128 * 1024};
  private static final int LATENCY_SAMPLES = 400;
  private static final Duration WAIT = Duration.ofSeconds(60);
  private static final int ROUNDS = 3;

  /** One publish-and-receive loop under test. */
  private interface Subject extends AutoCloseable {
    /** Publishes; the future completes on PUBACK. */
    CompletableFuture<?> publish(byte[] payload);

    /** Counts received messages and completes the latency probe. */
    AtomicInteger received();

    AtomicReference<CompletableFuture<Void>> probe();

    @Override
    void close();
  }

  private record Result(double messagesPerSecond, double mibPerSecond, double p50Micros, double p99Micros) {}

  public static void main(String[] args) throws Exception {
    Path dir = Files.createTempDirectory("thingbridge-bench");
    TestPki pki = TestPki.create(dir.resolve("pki"));
    TestPki.ClientCredentials device = pki.newClient("bench");
    List<String> rows = new ArrayList<>();
    try (Mosquitto plain = Mosquitto.plain(dir.resolve("plain"));
        Mosquitto tls = Mosquitto.tls(dir.resolve("tls"), pki)) {
      for (Mosquitto broker : List.of(plain, tls)) {
        String transport = broker.endpoint().tls() ? "TLS" : "TCP";
        if (!System.getProperty("bench.links", "TCP,TLS").contains(transport)) {
          continue;
        }
        for (int size : sizes()) {
          int count = size <= 1024 ? 20_000 : size <= 16 * 1024 ? 5_000 : 1_000;
          // Interleaved rounds, best of each: neither client always runs first on a warming broker and JIT.
          Result tb = null;
          Result bare = null;
          for (int round = 0; round < ROUNDS; round++) {
            try (Subject s = thingbridge(broker, device, pki)) {
              run(s, size, Math.min(count, 500), 50); // warm-up
              tb = best(tb, run(s, size, count, LATENCY_SAMPLES));
            }
            try (Subject s = bareCrt(broker, device, pki)) {
              run(s, size, Math.min(count, 500), 50);
              bare = best(bare, run(s, size, count, LATENCY_SAMPLES));
            }
          }
          rows.add(row(transport, size, "thingbridge", tb, null));
          rows.add(row(transport, size, "bare aws-crt", bare, null));
          rows.add(row(transport, size, "ratio", tb, bare));
        }
      }
    }
    System.out.printf("%-4s %7s %-13s %10s %9s %9s %9s%n", "link", "payload", "client", "msg/s", "MiB/s",
        "p50 µs", "p99 µs");
    rows.forEach(System.out::println);
    System.out.println("ratio = thingbridge / bare for msg/s and MiB/s, bare / thingbridge for latency"
        + " (higher is better for thingbridge; target >= 0.90)");
    System.exit(0); // the CRT's static event loop keeps native threads alive
  }

  /** Payload sizes, or those named by {@code -Dbench.sizes=1024,16384}. */
  private static int[] sizes() {
    String named = System.getProperty("bench.sizes");
    return named == null ? SIZES : Arrays.stream(named.split(",")).mapToInt(Integer::parseInt).toArray();
  }

  /** The better of two results: highest throughput, lowest latencies. */
  private static Result best(Result a, Result b) {
    if (a == null) {
      return b;
    }
    return new Result(Math.max(a.messagesPerSecond(), b.messagesPerSecond()), Math.max(a.mibPerSecond(),
        b.mibPerSecond()), Math.min(a.p50Micros(), b.p50Micros()), Math.min(a.p99Micros(), b.p99Micros()));
  }

  private static String row(String transport, int size, String name, Result r, Result baseline) {
    if (baseline == null) {
      return String.format("%-4s %6dK %-13s %10.0f %9.1f %9.0f %9.0f", transport, size / 1024, name,
          r.messagesPerSecond(), r.mibPerSecond(), r.p50Micros(), r.p99Micros());
    }
    return String.format("%-4s %6dK %-13s %10.2f %9.2f %9.2f %9.2f", transport, size / 1024, name,
        r.messagesPerSecond() / baseline.messagesPerSecond(), r.mibPerSecond() / baseline.mibPerSecond(),
        baseline.p50Micros() / r.p50Micros(), baseline.p99Micros() / r.p99Micros());
  }

  private static Result run(Subject s, int size, int count, int latencySamples) throws Exception {
    byte[] payload = new byte[size];
    Arrays.fill(payload, (byte) 'x');
    int before = s.received().get();
    Semaphore window = new Semaphore(IN_FLIGHT);
    long start = System.nanoTime();
    for (int i = 0; i < count; i++) {
      if (!window.tryAcquire(WAIT.toMillis(), TimeUnit.MILLISECONDS)) {
        throw new IllegalStateException("no PUBACK within " + WAIT);
      }
      s.publish(payload).whenComplete((v, e) -> window.release());
    }
    long deadline = System.nanoTime() + WAIT.toNanos();
    while (s.received().get() - before < count) {
      if (System.nanoTime() > deadline) {
        throw new IllegalStateException("received " + (s.received().get() - before) + " of " + count);
      }
      Thread.onSpinWait();
    }
    double seconds = (System.nanoTime() - start) / 1e9;
    window.acquire(IN_FLIGHT);

    long[] micros = new long[latencySamples];
    for (int i = 0; i < latencySamples; i++) {
      CompletableFuture<Void> back = new CompletableFuture<>();
      s.probe().set(back);
      long t = System.nanoTime();
      s.publish(payload);
      back.get(WAIT.toMillis(), TimeUnit.MILLISECONDS);
      micros[i] = (System.nanoTime() - t) / 1000;
    }
    s.probe().set(null);
    Arrays.sort(micros);
    return new Result(count / seconds, count * (double) size / seconds / (1024 * 1024),
        micros[latencySamples / 2], micros[Math.min(latencySamples - 1, (int) (latencySamples * 0.99))]);
  }

  private static Subject thingbridge(Mosquitto broker, TestPki.ClientCredentials device, TestPki pki)
      throws Exception {
    CrtMqttOptions.Builder b = CrtMqttOptions.builder(broker.endpoint(), "bench-tb-" + System.nanoTime())
        .limits(new MqttLimits(256 * 1024, 256));
    if (broker.endpoint().tls()) {
      b.clientCertificate(device.certificate(), device.privateKey()).certificateAuthority(pki.caFile());
    }
    CrtMqttClient client = CrtMqttClient.connect(b.build(), WAIT);
    AtomicInteger received = new AtomicInteger();
    AtomicReference<CompletableFuture<Void>> probe = new AtomicReference<>();
    client.subscribe(List.of(SubscriptionFilter.of("bench/tb", QoS.AT_LEAST_ONCE)), m -> {
      received.incrementAndGet();
      CompletableFuture<Void> p = probe.get();
      if (p != null) {
        p.complete(null);
      }
    }).get(WAIT.toSeconds(), TimeUnit.SECONDS);
    return new Subject() {
      @Override
      public CompletableFuture<?> publish(byte[] payload) {
        return client.publish("bench/tb", payload, QoS.AT_LEAST_ONCE, false);
      }

      @Override
      public AtomicInteger received() {
        return received;
      }

      @Override
      public AtomicReference<CompletableFuture<Void>> probe() {
        return probe;
      }

      @Override
      public void close() {
        client.close();
      }
    };
  }

  /**
   * The baseline: aws-crt's own client with the same socket, TLS, session and flow-control settings, no
   * thingbridge.
   */
  private static Subject bareCrt(Mosquitto broker, TestPki.ClientCredentials device, TestPki pki)
      throws Exception {
    MqttEndpoint endpoint = broker.endpoint();
    SocketOptions socket = new SocketOptions();
    socket.connectTimeoutMs = 10_000;
    socket.tcpNoDelay = SocketOptions.TcpNoDelay.ON;
    TlsContext tls = null;
    if (endpoint.tls()) {
      try (TlsContextOptions o = TlsContextOptions.createWithMtlsFromPath(
          device.certificate().toString(), device.privateKey().toString())) {
        o.overrideDefaultTrustStoreFromPath(null, pki.caFile().toString());
        tls = new TlsContext(o);
      }
    }
    AtomicInteger received = new AtomicInteger();
    AtomicReference<CompletableFuture<Void>> probe = new AtomicReference<>();
    ConnectedLatch connected = new ConnectedLatch();
    Mqtt5ClientOptions options = new Mqtt5ClientOptions.Mqtt5ClientOptionsBuilder(endpoint.host(), (long) endpoint.port())
        .withSocketOptions(socket)
        .withTlsContext(tls)
        .withConnectOptions(new ConnectPacket.ConnectPacketBuilder()
            .withClientId("bench-bare-" + System.nanoTime()).withKeepAliveIntervalSeconds(60L)
            // The same persistent session thingbridge asks for: it costs the broker work per QoS 1 message.
            .withSessionExpiryIntervalSeconds(CrtMqttOptions.DEFAULT_SESSION_EXPIRY.toSeconds()).build())
        .withSessionBehavior(Mqtt5ClientOptions.ClientSessionBehavior.REJOIN_POST_SUCCESS)
        .withExtendedValidationAndFlowControlOptions(Mqtt5ClientOptions.ExtendedValidationAndFlowControlOptions.NONE)
        .withDisableMetrics(true)
        .withLifecycleEvents(connected)
        .withPublishEvents((c, r) -> {
          received.incrementAndGet();
          CompletableFuture<Void> p = probe.get();
          if (p != null) {
            p.complete(null);
          }
        })
        .build();
    Mqtt5Client client = new Mqtt5Client(options);
    client.start();
    if (!connected.await(WAIT)) {
      throw new IllegalStateException("bare CRT client did not connect to " + endpoint);
    }
    client.subscribe(SubscribePacket.of("bench/bare", QOS.AT_LEAST_ONCE)).get(WAIT.toSeconds(), TimeUnit.SECONDS);
    TlsContext tlsToClose = tls;
    return new Subject() {
      @Override
      public CompletableFuture<?> publish(byte[] payload) {
        return client.publish(PublishPacket.of("bench/bare", QOS.AT_LEAST_ONCE, payload));
      }

      @Override
      public AtomicInteger received() {
        return received;
      }

      @Override
      public AtomicReference<CompletableFuture<Void>> probe() {
        return probe;
      }

      @Override
      public void close() {
        client.stop();
        client.close();
        if (tlsToClose != null) {
          tlsToClose.close();
        }
        socket.close();
      }
    };
  }
}
