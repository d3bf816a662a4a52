package dev.thingbridge.bench;

import dev.thingbridge.mqtt.MqttEndpoint;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Closed-loop shadow updaters: each client on its own thing and its own connection, one update in flight,
 * the next sent from the callback of the previous one's {@code /accepted}. Counts round trips and their
 * latencies inside a measuring window that starts after a warm-up.
 */
final class ClosedLoop implements AutoCloseable {
  /** Round trips per second (all clients together) and latency percentiles. */
  /**
   * @param cpuMicros CPU time (user + system) the responder process spent per round trip in the measured
   *     window, or NaN if not measured
   */
  record Result(int clients, double perSecond, double p50Micros, double p99Micros, long rejected, double cpuMicros) {}

  private final List<Client> clients = new ArrayList<>();
  private volatile long measureFrom = Long.MAX_VALUE;
  private volatile long measureUntil = Long.MAX_VALUE;
  private volatile CountDownLatch stopped;
  private final AtomicLong rejected = new AtomicLong();

  private final class Client {
    final String update;
    final BareCrt mqtt;
    long sentAt;
    long seq;
    long[] latencies = new long[1 << 16];
    int count;
    boolean running;

    Client(MqttEndpoint endpoint, String prefix, String thing, String clientId) throws Exception {
      this.update = prefix + thing + "/shadow/update";
      this.mqtt = BareCrt.connect(endpoint, clientId, this::onReply);
      mqtt.subscribe(List.of(update + "/accepted", update + "/rejected"));
    }

    private synchronized void onReply(String topic, byte[] payload) {
      long now = System.nanoTime();
      if (topic.endsWith("/rejected")) {
        rejected.incrementAndGet();
      } else if (sentAt >= measureFrom && now <= measureUntil) {
        if (count == latencies.length) {
          latencies = Arrays.copyOf(latencies, count * 2);
        }
        latencies[count++] = now - sentAt;
      }
      if (now < measureUntil) {
        send(now);
      } else {
        running = false;
        stopped.countDown();
      }
    }

    synchronized void start() {
      running = true;
      count = 0;
      send(System.nanoTime());
    }

    private void send(long now) {
      seq++;
      sentAt = now;
      mqtt.publish(update, ("{\"state\":{\"reported\":{\"temp\":" + (seq % 50) + ",\"seq\":" + seq + "}}}")
          .getBytes(StandardCharsets.UTF_8));
    }
  }

  /**
   * Connects {@code things.size()} clients, one per thing, asking under {@code prefix} ({@code $aws/things/}
   * for the twin, {@code echo/things/} for the echo responder).
   */
  ClosedLoop(MqttEndpoint endpoint, String prefix, List<String> things, String clientPrefix) throws Exception {
    for (int i = 0; i < things.size(); i++) {
      clients.add(new Client(endpoint, prefix, things.get(i), clientPrefix + "-" + i));
    }
  }

  /** Runs every client for {@code warmUp + measure}, measuring the second part. */
  Result run(Duration warmUp, Duration measure) throws InterruptedException {
    return run(warmUp, measure, -1);
  }

  /** The same, and the CPU time process {@code responderPid} spends per round trip (Linux; -1 for none). */
  Result run(Duration warmUp, Duration measure, long responderPid) throws InterruptedException {
    long now = System.nanoTime();
    measureFrom = now + warmUp.toNanos();
    measureUntil = measureFrom + measure.toNanos();
    stopped = new CountDownLatch(clients.size());
    rejected.set(0);
    clients.forEach(Client::start);
    double cpuSeconds = Double.NaN;
    if (responderPid > 0) {
      TimeUnit.NANOSECONDS.sleep(Math.max(0, measureFrom - System.nanoTime()));
      double before = cpuSeconds(responderPid);
      TimeUnit.NANOSECONDS.sleep(Math.max(0, measureUntil - System.nanoTime()));
      cpuSeconds = cpuSeconds(responderPid) - before;
    }
    if (!stopped.await(warmUp.plus(measure).toSeconds() + 30, TimeUnit.SECONDS)) {
      throw new IllegalStateException("a client got no reply for 30 s (is the responder up?)");
    }
    long total = 0;
    List<long[]> all = new ArrayList<>();
    for (Client c : clients) {
      synchronized (c) {
        total += c.count;
        all.add(Arrays.copyOf(c.latencies, c.count));
      }
    }
    long[] merged = all.stream().flatMapToLong(Arrays::stream).sorted().toArray();
    if (merged.length == 0) {
      throw new IllegalStateException("no round trip completed in the measuring window");
    }
    return new Result(clients.size(), total / (measure.toNanos() / 1e9), merged[merged.length / 2] / 1e3,
        merged[(int) Math.min(merged.length - 1, merged.length * 0.99)] / 1e3, rejected.get(),
        cpuSeconds * 1e6 / total);
  }

  /** User + system CPU seconds of a process so far, from {@code /proc/PID/stat} (clock ticks of 10 ms). */
  static double cpuSeconds(long pid) {
    return cpuSecondsOf(java.nio.file.Path.of("/proc/" + pid + "/stat"));
  }

  /** User + system CPU seconds from a {@code stat} file of /proc (a process's or a thread's). */
  static double cpuSecondsOf(java.nio.file.Path statFile) {
    try {
      String stat = java.nio.file.Files.readString(statFile);
      String[] f = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
      return (Long.parseLong(f[11]) + Long.parseLong(f[12])) / 100.0;
    } catch (java.io.IOException | RuntimeException e) {
      return Double.NaN;
    }
  }

  @Override
  public void close() {
    clients.forEach(c -> c.mqtt.close());
  }
}
