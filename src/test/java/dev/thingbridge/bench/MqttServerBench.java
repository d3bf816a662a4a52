package dev.thingbridge.bench;

import dev.thingbridge.testing.ChildProcess;
import dev.thingbridge.testing.ConnectedLatch;
import dev.thingbridge.testing.Mosquitto;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import software.amazon.awssdk.crt.io.SocketOptions;
import software.amazon.awssdk.crt.mqtt5.Mqtt5Client;
import software.amazon.awssdk.crt.mqtt5.Mqtt5ClientOptions;
import software.amazon.awssdk.crt.mqtt5.QOS;
import software.amazon.awssdk.crt.mqtt5.packets.ConnectPacket;
import software.amazon.awssdk.crt.mqtt5.packets.PublishPacket;
import software.amazon.awssdk.crt.mqtt5.packets.SubscribePacket;

/**
 * The MQTT server of {@code thingbridge local} against Mosquitto 2.0 ({@code set_tcp_nodelay true}), both
 * as their own processes on loopback: the packaged jar started as a user starts it ({@code java -jar
 * target/thingbridge.jar local --mqtt-port 0}, so the twin and a thing's client share its bus), and the
 * clients here, bare aws-crt MQTT 5 clients with TCP_NODELAY and clean sessions.
 *
 * <p>Each client subscribes to a topic of its own with QoS 1 and publishes to it. Throughput: every client
 * publishes with at most 100 QoS 1 publishes un-acknowledged (AWS IoT's in-flight limit) and the clock stops
 * when every message has come back. Round trip: every client publishes one message and waits for it, one at
 * a time; percentiles over all clients' samples. 1 and 16 clients; each cell is the best of three interleaved
 * rounds (thingbridge, Mosquitto, thingbridge, ...).
 *
 * <p>Needs {@code target/thingbridge.jar} ({@code ./mvnw -q -B package -DskipTests}). {@code -Dbench.size=N}
 * sets the payload (default 1024 bytes). Run (a few minutes):
 *
 * <pre>
 * ./mvnw -q -B test-compile exec:exec -Dexec.executable=java -Dexec.classpathScope=test \
 *     -Dexec.args="-cp %classpath dev.thingbridge.bench.MqttServerBench"
 * </pre>
 */
public final class MqttServerBench {
  private static final int IN_FLIGHT = 100;
  private static final int ROUNDS = 3;
  private static final Duration WAIT = Duration.ofSeconds(120);
  private static final int[] CLIENTS = {1, 16};

  private record Result(double messagesPerSecond, double p50Micros, double p99Micros) {
    Result best(Result other) {
      return other == null ? this : new Result(Math.max(messagesPerSecond, other.messagesPerSecond),
          Math.min(p50Micros, other.p50Micros), Math.min(p99Micros, other.p99Micros));
    }
  }

  /** One bare aws-crt client publishing to and subscribed to its own topic. */
  private static final class Client implements AutoCloseable {
    final Mqtt5Client crt;
    final SocketOptions socket = new SocketOptions();
    final String topic;
    final AtomicInteger received = new AtomicInteger();
    final BlockingQueue<Long> echoes = new ArrayBlockingQueue<>(1);
    volatile boolean probing;

    Client(int port, String id) throws Exception {
      this.topic = "bench/" + id;
      socket.connectTimeoutMs = 10_000;
      socket.tcpNoDelay = SocketOptions.TcpNoDelay.ON;
      ConnectedLatch connected = new ConnectedLatch();
      crt = new Mqtt5Client(new Mqtt5ClientOptions.Mqtt5ClientOptionsBuilder("127.0.0.1", (long) port)
          .withSocketOptions(socket)
          .withConnectOptions(new ConnectPacket.ConnectPacketBuilder().withClientId(id)
              .withKeepAliveIntervalSeconds(60L).build())
          .withExtendedValidationAndFlowControlOptions(Mqtt5ClientOptions.ExtendedValidationAndFlowControlOptions.NONE)
          .withDisableMetrics(true)
          .withLifecycleEvents(connected)
          .withPublishEvents((c, r) -> {
            received.incrementAndGet();
            if (probing) {
              echoes.offer(System.nanoTime());
            }
          })
          .build());
      crt.start();
      if (!connected.await(WAIT)) {
        throw new IllegalStateException("client " + id + " did not connect to port " + port);
      }
      crt.subscribe(SubscribePacket.of(topic, QOS.AT_LEAST_ONCE)).get(WAIT.toSeconds(), TimeUnit.SECONDS);
    }

    CompletableFuture<?> publish(byte[] payload) {
      return crt.publish(PublishPacket.of(topic, QOS.AT_LEAST_ONCE, payload));
    }

    @Override
    public void close() {
      crt.stop();
      crt.close();
      socket.close();
    }
  }

  public static void main(String[] args) throws Exception {
    int size = Integer.getInteger("bench.size", 1024);
    String jar = System.getProperty("thingbridge.jar", "target/thingbridge.jar");
    Path dir = Files.createTempDirectory("thingbridge-server-bench");
    List<String> rows = new ArrayList<>();
    try (Mosquitto mosquitto = Mosquitto.plain(dir.resolve("mosquitto"));
        ChildProcess local = ChildProcess.start(ChildProcess.javaJar(jar, "local", "--api-port", "-1",
            "--mqtt-port", "0", "--thing", "bench-thing"))) {
      String ready = local.awaitLine(l -> l.startsWith("ready:"), Duration.ofSeconds(60));
      Matcher m = Pattern.compile("MQTT on mqtt://127\\.0\\.0\\.1:(\\d+);").matcher(ready);
      if (!m.find()) {
        throw new IllegalStateException("no MQTT port on the ready line: " + ready);
      }
      int thingbridgePort = Integer.parseInt(m.group(1));
      for (int clients : CLIENTS) {
        int messages = clients == 1 ? 20_000 : 4_000;
        int roundTrips = clients == 1 ? 2_000 : 300;
        Result tb = null;
        Result mq = null;
        for (int round = 0; round < ROUNDS; round++) {
          tb = run(thingbridgePort, clients, size, messages, roundTrips).best(tb);
          mq = run(mosquitto.port(), clients, size, messages, roundTrips).best(mq);
        }
        rows.add(String.format("%7d %-12s %10.0f %9.0f %9.0f", clients, "thingbridge", tb.messagesPerSecond(),
            tb.p50Micros(), tb.p99Micros()));
        rows.add(String.format("%7d %-12s %10.0f %9.0f %9.0f", clients, "mosquitto", mq.messagesPerSecond(),
            mq.p50Micros(), mq.p99Micros()));
        rows.add(String.format("%7d %-12s %10.2f %9.2f %9.2f", clients, "ratio", tb.messagesPerSecond()
            / mq.messagesPerSecond(), mq.p50Micros() / tb.p50Micros(), mq.p99Micros() / tb.p99Micros()));
      }
      ChildProcess.signal(local.pid(), "TERM");
      local.awaitExit(Duration.ofSeconds(10));
    }
    System.out.printf("QoS 1, %d-byte payloads, loopback TCP%n", size);
    System.out.printf("%7s %-12s %10s %9s %9s%n", "clients", "broker", "msg/s", "p50 µs", "p99 µs");
    rows.forEach(System.out::println);
    System.out.println("ratio = thingbridge / mosquitto for msg/s, mosquitto / thingbridge for round-trip times"
        + " (above 1 is better for thingbridge)");
    System.exit(0); // the CRT's static event loop keeps native threads alive
  }

  private static Result run(int port, int clients, int size, int messagesPerClient, int roundTripsPerClient)
      throws Exception {
    byte[] payload = new byte[size];
    Arrays.fill(payload, (byte) 'x');
    List<Client> all = new ArrayList<>();
    try {
      for (int i = 0; i < clients; i++) {
        all.add(new Client(port, "bench-" + i + "-" + System.nanoTime()));
      }
      for (Client c : all) { // warm-up
        pump(c, payload, 200);
      }
      long start = System.nanoTime();
      List<Thread> threads = new ArrayList<>();
      List<Exception> failures = new ArrayList<>();
      for (Client c : all) {
        threads.add(startThread(() -> pump(c, payload, messagesPerClient), failures));
      }
      join(threads, failures);
      double seconds = (System.nanoTime() - start) / 1e9;

      long[] micros = new long[clients * roundTripsPerClient];
      AtomicInteger next = new AtomicInteger();
      threads.clear();
      for (Client c : all) {
        threads.add(startThread(() -> {
          c.probing = true;
          for (int i = 0; i < roundTripsPerClient; i++) {
            long t = System.nanoTime();
            c.publish(payload);
            Long back = c.echoes.poll(WAIT.toMillis(), TimeUnit.MILLISECONDS);
            if (back == null) {
              throw new IllegalStateException("no echo within " + WAIT);
            }
            micros[next.getAndIncrement()] = (back - t) / 1000;
          }
          c.probing = false;
        }, failures));
      }
      join(threads, failures);
      Arrays.sort(micros);
      return new Result(clients * (double) messagesPerClient / seconds, micros[micros.length / 2],
          micros[Math.min(micros.length - 1, (int) (micros.length * 0.99))]);
    } finally {
      all.forEach(Client::close);
    }
  }

  /** Publishes {@code count} messages with at most {@link #IN_FLIGHT} un-acknowledged and waits for all echoes. */
  private static void pump(Client c, byte[] payload, int count) throws Exception {
    int before = c.received.get();
    Semaphore window = new Semaphore(IN_FLIGHT);
    for (int i = 0; i < count; i++) {
      if (!window.tryAcquire(WAIT.toMillis(), TimeUnit.MILLISECONDS)) {
        throw new IllegalStateException("no PUBACK within " + WAIT);
      }
      c.publish(payload).whenComplete((v, e) -> window.release());
    }
    long deadline = System.nanoTime() + WAIT.toNanos();
    while (c.received.get() - before < count) {
      if (System.nanoTime() > deadline) {
        throw new IllegalStateException("received " + (c.received.get() - before) + " of " + count);
      }
      Thread.sleep(1);
    }
    window.acquire(IN_FLIGHT);
  }

  private interface Work {
    void run() throws Exception;
  }

  private static Thread startThread(Work work, List<Exception> failures) {
    Thread t = new Thread(() -> {
      try {
        work.run();
      } catch (Exception e) {
        synchronized (failures) {
          failures.add(e);
        }
      }
    }, "bench-client");
    t.start();
    return t;
  }

  private static void join(List<Thread> threads, List<Exception> failures) throws Exception {
    for (Thread t : threads) {
      t.join();
    }
    if (!failures.isEmpty()) {
      throw failures.get(0);
    }
  }
}
