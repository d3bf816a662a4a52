package dev.thingbridge.bench;

import dev.thingbridge.mqtt.MqttEndpoint;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.CountDownLatch;

/**
 * The benchmarks' baseline: a bare echo responder in its own process, on the same broker as the twin, that
 * answers the twin's request shapes with canned accepted replies of the twin's sizes, straight from the CRT
 * callback. It listens under {@code echo/things/...} instead of {@code $aws/things/...} (same topic lengths),
 * so it and the twin run side by side and rounds interleave.
 *
 * <p>{@code java -cp <test classpath> dev.thingbridge.bench.EchoResponder mqtt://127.0.0.1:PORT}; prints
 * {@code echo ready} once subscribed, runs until killed.
 */
public final class EchoResponder {
  static final String PREFIX = "echo/things/";
  /** About the size of the twin's accepted document for the benchmark's shadow update. */
  private static final byte[] SHADOW_ACCEPTED = ("{\"state\":{\"reported\":{\"temp\":21,\"seq\":123456}},"
      + "\"metadata\":{\"reported\":{\"temp\":{\"timestamp\":1700000000},\"seq\":{\"timestamp\":1700000000}}},"
      + "\"version\":123456,\"timestamp\":1700000000}").getBytes(StandardCharsets.UTF_8);
  private static final byte[] STARTED = ("{\"execution\":{\"jobId\":\"job\",\"thingName\":\"echo\",\"jobDocument\":"
      + "{\"operation\":\"reboot\",\"n\":1},\"status\":\"IN_PROGRESS\",\"queuedAt\":1700000000,\"startedAt\":1700000000,"
      + "\"lastUpdatedAt\":1700000000,\"versionNumber\":2,\"executionNumber\":1},\"timestamp\":1700000000,"
      + "\"clientToken\":\"b\"}").getBytes(StandardCharsets.UTF_8);
  private static final byte[] UPDATED = "{\"timestamp\":1700000000,\"clientToken\":\"b\"}".getBytes(StandardCharsets.UTF_8);

  private EchoResponder() {}

  public static void main(String[] args) throws Exception {
    MqttEndpoint endpoint = MqttEndpoint.parse(args[0]);
    BareCrt[] self = new BareCrt[1];
    CountDownLatch ready = new CountDownLatch(1);
    self[0] = BareCrt.connect(endpoint, "bench-echo", (topic, payload) -> {
      try {
        ready.await();
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
      byte[] reply = topic.endsWith("/shadow/update") ? SHADOW_ACCEPTED
          : topic.endsWith("/start-next") ? STARTED : UPDATED;
      self[0].publish(topic + "/accepted", reply);
    });
    self[0].subscribe(List.of(PREFIX + "+/shadow/update", PREFIX + "+/jobs/start-next", PREFIX + "+/jobs/+/update"));
    ready.countDown();
    System.out.println("echo ready");
    Thread.currentThread().join();
  }
}
