package dev.thingbridge.bench;

import dev.thingbridge.mqtt.MqttEndpoint;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * One device running jobs: start-next, then update(SUCCEEDED) of the execution it got, each waiting for its
 * {@code /accepted}; the next cycle is sent from the callback. {@link #run} times a batch of cycles.
 */
final class JobCycles implements AutoCloseable {
  private static final Pattern JOB_ID = Pattern.compile("\"jobId\"\\s*:\\s*\"([^\"]+)\"");
  private static final byte[] START_NEXT = "{\"clientToken\":\"b\"}".getBytes(StandardCharsets.UTF_8);
  private static final byte[] SUCCEEDED = "{\"status\":\"SUCCEEDED\",\"clientToken\":\"b\"}".getBytes(StandardCharsets.UTF_8);

  private final String jobs;
  private final BareCrt mqtt;
  private int left;
  private CountDownLatch done;
  private String failure;

  JobCycles(MqttEndpoint endpoint, String prefix, String thing) throws Exception {
    this.jobs = prefix + thing + "/jobs/";
    this.mqtt = BareCrt.connect(endpoint, "bench-jobs-" + (prefix.startsWith("$") ? "twin" : "echo") + "-" + thing, this::onReply);
    mqtt.subscribe(List.of(jobs + "start-next/accepted", jobs + "+/update/accepted", jobs + "start-next/rejected",
        jobs + "+/update/rejected"));
  }

  private synchronized void onReply(String topic, byte[] payload) {
    if (topic.endsWith("/rejected")) {
      failure = topic + " " + new String(payload, StandardCharsets.UTF_8);
      done.countDown();
    } else if (topic.endsWith("start-next/accepted")) {
      Matcher m = JOB_ID.matcher(new String(payload, StandardCharsets.UTF_8));
      if (!m.find()) {
        failure = "no job pending with " + left + " cycles left";
        done.countDown();
        return;
      }
      mqtt.publish(jobs + m.group(1) + "/update", SUCCEEDED);
    } else if (--left > 0) {
      mqtt.publish(jobs + "start-next", START_NEXT);
    } else {
      done.countDown();
    }
  }

  /** Runs {@code cycles} cycles; returns their wall time in nanoseconds. */
  long run(int cycles) throws InterruptedException {
    CountDownLatch latch = new CountDownLatch(1);
    synchronized (this) {
      left = cycles;
      done = latch;
      failure = null;
    }
    long t0 = System.nanoTime();
    mqtt.publish(jobs + "start-next", START_NEXT);
    if (!latch.await(60, TimeUnit.SECONDS)) {
      throw new IllegalStateException("jobs cycles stalled on " + jobs);
    }
    long elapsed = System.nanoTime() - t0;
    synchronized (this) {
      if (failure != null) {
        throw new IllegalStateException(failure);
      }
    }
    return elapsed;
  }

  @Override
  public void close() {
    mqtt.close();
  }
}
