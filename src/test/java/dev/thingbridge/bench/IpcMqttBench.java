package dev.thingbridge.bench;

import dev.thingbridge.greengrass.GreengrassIpc;
import dev.thingbridge.greengrass.IpcMqttClient;
import dev.thingbridge.mqtt.QoS;
import dev.thingbridge.mqtt.SubscriptionFilter;
import dev.thingbridge.mqtt.local.LocalBroker;
import dev.thingbridge.testing.nucleus.AccessControl;
import dev.thingbridge.testing.nucleus.FakeNucleus;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import software.amazon.awssdk.aws.greengrass.GreengrassCoreIPCClientV2;
import software.amazon.awssdk.aws.greengrass.model.PublishToIoTCoreRequest;
import software.amazon.awssdk.aws.greengrass.model.QOS;
import software.amazon.awssdk.aws.greengrass.model.SubscribeToIoTCoreRequest;

/**
 * QoS 1 publish/receive through the fake nucleus: thingbridge's {@link IpcMqttClient} against the bare
 * {@code GreengrassCoreIPCClientV2} (single-thread executor, no thingbridge layer), same nucleus, same run.
 * Throughput: messages published with up to 5 in flight (the nucleus' default maxInFlightPublishes) until all
 * came back; round trip: one message at a time, publish to receipt.
 *
 * <p>Run from the project root: {@code ./mvnw -q -B test-compile exec:java -Dexec.classpathScope=test
 * -Dexec.mainClass=dev.thingbridge.bench.IpcMqttBench}
 */
public final class IpcMqttBench {
  private static final int IN_FLIGHT = 5;
  private static final int RTT_SAMPLES = 300;

  /** A way to publish and to receive, under test. */
  private interface Subject extends AutoCloseable {
    CompletableFuture<?> publish(byte[] payload);

    byte[] take() throws InterruptedException;
  }

  private record Result(double msgsPerSec, double mibPerSec, double p50Ms, double p99Ms) {}

  public static void main(String[] args) throws Exception {
    LocalBroker broker = new LocalBroker();
    try (FakeNucleus nucleus = FakeNucleus.builder().recipe(Path.of("recipe.yaml"))
        .upstream(broker.connect("nucleus-upstream"))
        .grant(AccessControl.MQTT_PROXY, List.of("*"), List.of("bench/#")).start()) {
      System.out.printf("%-8s %-12s %10s %9s %9s %9s%n", "size", "client", "msg/s", "MiB/s", "p50 ms", "p99 ms");
      int[][] plan = {{1024, 5000}, {16 * 1024, 2000}, {128 * 1024, 400}};
      for (int[] p : plan) {
        Result bare = measure(thingbridgeOrBare(false, nucleus), p[0], p[1]);
        Result tb = measure(thingbridgeOrBare(true, nucleus), p[0], p[1]);
        print(p[0], "bare-v2", bare);
        print(p[0], "thingbridge", tb);
        System.out.printf("%-8s %-12s %9.2fx %8.2fx %8.2fx %8.2fx%n", "", "ratio tb/bare", tb.msgsPerSec / bare.msgsPerSec,
            tb.mibPerSec / bare.mibPerSec, tb.p50Ms / bare.p50Ms, tb.p99Ms / bare.p99Ms);
      }
    }
  }

  private static void print(int size, String who, Result r) {
    System.out.printf("%-8s %-12s %10.0f %9.2f %9.3f %9.3f%n", size / 1024 + "KiB", who, r.msgsPerSec, r.mibPerSec,
        r.p50Ms, r.p99Ms);
  }

  private static Function<String, Subject> thingbridgeOrBare(boolean thingbridge, FakeNucleus nucleus) {
    return topic -> thingbridge ? thingbridge(nucleus, topic) : bare(nucleus, topic);
  }

  private static Result measure(Function<String, Subject> factory, int size, int count) throws Exception {
    try (Subject s = factory.apply("bench/" + size + "/" + System.nanoTime())) {
      byte[] payload = new byte[size];
      Arrays.fill(payload, (byte) 'x');
      for (int i = 0; i < 50; i++) { // warm-up
        s.publish(payload).get(10, TimeUnit.SECONDS);
        s.take();
      }
      long start = System.nanoTime();
      ArrayDeque<CompletableFuture<?>> inFlight = new ArrayDeque<>();
      Thread drain = new Thread(() -> {
        try {
          for (int i = 0; i < count; i++) {
            s.take();
          }
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
        }
      }, "bench-drain");
      drain.start();
      for (int i = 0; i < count; i++) {
        inFlight.add(s.publish(payload));
        if (inFlight.size() >= IN_FLIGHT) {
          inFlight.poll().get(30, TimeUnit.SECONDS);
        }
      }
      for (CompletableFuture<?> f : inFlight) {
        f.get(30, TimeUnit.SECONDS);
      }
      drain.join(60_000);
      double secs = (System.nanoTime() - start) / 1e9;
      long[] rtt = new long[RTT_SAMPLES];
      for (int i = 0; i < RTT_SAMPLES; i++) {
        long t0 = System.nanoTime();
        s.publish(payload);
        s.take();
        rtt[i] = System.nanoTime() - t0;
      }
      Arrays.sort(rtt);
      return new Result(count / secs, count * (double) size / secs / (1024 * 1024),
          rtt[RTT_SAMPLES / 2] / 1e6, rtt[(int) (RTT_SAMPLES * 0.99)] / 1e6);
    }
  }

  private static Subject thingbridge(FakeNucleus nucleus, String topic) {
    GreengrassIpc ipc = GreengrassIpc.builder().socketPath(nucleus.socketPath()).authToken(nucleus.token()).connect();
    IpcMqttClient client = IpcMqttClient.builder(ipc).clientId("bench-tb").closeIpcOnClose(true).build();
    LinkedBlockingQueue<byte[]> received = new LinkedBlockingQueue<>();
    client.subscribe(List.of(SubscriptionFilter.of(topic, QoS.AT_LEAST_ONCE)), m -> received.add(m.payload())).join();
    return new Subject() {
      @Override
      public CompletableFuture<?> publish(byte[] payload) {
        return client.publish(topic, payload, QoS.AT_LEAST_ONCE, false);
      }

      @Override
      public byte[] take() throws InterruptedException {
        return received.take();
      }

      @Override
      public void close() {
        client.close();
      }
    };
  }

  private static Subject bare(FakeNucleus nucleus, String topic) {
    ExecutorService executor = Executors.newSingleThreadExecutor();
    GreengrassCoreIPCClientV2 client;
    try {
      client = GreengrassCoreIPCClientV2.builder().withSocketPath(nucleus.socketPath())
          .withAuthToken(nucleus.token()).withExecutor(executor).build();
    } catch (java.io.IOException e) {
      throw new IllegalStateException(e);
    }
    LinkedBlockingQueue<byte[]> received = new LinkedBlockingQueue<>();
    SubscribeToIoTCoreRequest sub = new SubscribeToIoTCoreRequest();
    sub.setTopicName(topic);
    sub.setQos(QOS.AT_LEAST_ONCE);
    client.subscribeToIoTCoreAsync(sub, e -> received.add(e.getMessage().getPayload()), java.util.Optional.empty(),
        java.util.Optional.empty()).getResponse().join();
    return new Subject() {
      @Override
      public CompletableFuture<?> publish(byte[] payload) {
        PublishToIoTCoreRequest r = new PublishToIoTCoreRequest();
        r.setTopicName(topic);
        r.setQos(QOS.AT_LEAST_ONCE);
        r.setPayload(payload);
        return client.publishToIoTCoreAsync(r);
      }

      @Override
      public byte[] take() throws InterruptedException {
        return received.take();
      }

      @Override
      public void close() throws Exception {
        client.close();
        executor.shutdownNow();
      }
    };
  }
}
