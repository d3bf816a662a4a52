package dev.thingbridge.twin.streams;

import dev.thingbridge.internal.NamedThreadFactory;
import dev.thingbridge.mqtt.MqttMessage;
import dev.thingbridge.mqtt.QoS;
import dev.thingbridge.twin.TwinLimits;
import java.io.IOException;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Sends the stream service's answers off the twin's lock, on {@code thingbridge-twin-streams}: blocks are read
 * from their files as they go out, paced per thing under AWS limits, and put through the fault knobs. Answers to
 * one thing keep their order; a thing held back by its rate does not hold back the others.
 */
final class StreamSender implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(StreamSender.class);

  /** One answer: a message ready to go, or the blocks of a GetStream, read when sent. */
  public interface Answer {
    /** The next message, or null when the answer is done. */
    MqttMessage next() throws IOException;
  }

  private final ScheduledThreadPoolExecutor exec =
      new ScheduledThreadPoolExecutor(1, new NamedThreadFactory("thingbridge-twin-streams", true));
  private final Consumer<MqttMessage> publish;
  private final Map<String, ArrayDeque<Answer>> queues = new HashMap<>();
  private final Map<String, Boolean> running = new HashMap<>();
  private volatile ThingPacer pacer;
  private volatile StreamFaults faults = StreamFaults.NONE;
  private Random random = new Random(StreamFaults.NONE.seed());

  public StreamSender(Consumer<MqttMessage> publish) {
    this.publish = publish;
    exec.setRemoveOnCancelPolicy(true);
    // The thread ends when idle: a twin closed without closing this service leaves nothing running.
    exec.setKeepAliveTime(2, TimeUnit.SECONDS);
    exec.allowCoreThreadTimeOut(true);
  }

  /** Applies the twin's limits (pacing only when it enforces rates). */
  public void limits(TwinLimits limits) {
    pacer = limits.enforceRates()
        ? new ThingPacer(limits.maxPublishesPerSecondPerThing(), limits.maxBytesPerSecondPerThing()) : null;
  }

  /** New faults, in force for requests from now on (the generator restarts from their seed). */
  public void faults(StreamFaults value) {
    faults = value;
    execute(() -> random = new Random(value.seed()));
  }

  public StreamFaults faults() {
    return faults;
  }

  /** Counts a request against its thing's rate. */
  public void request(String thing, int bytes) {
    execute(() -> {
      ThingPacer p = pacer;
      if (p != null) {
        p.account(thing, bytes, System.nanoTime());
      }
    });
  }

  /** Queues an answer for a thing, after the fault delay. */
  public void send(String thing, Answer answer) {
    long delay = faults.delay().toNanos();
    Runnable enqueue = () -> {
      queues.computeIfAbsent(thing, k -> new ArrayDeque<>()).add(answer);
      if (!running.getOrDefault(thing, false)) {
        running.put(thing, true);
        drain(thing);
      }
    };
    if (delay > 0) {
      try {
        exec.schedule(enqueue, delay, TimeUnit.NANOSECONDS);
      } catch (RejectedExecutionException stopped) {
        log.debug("twin streams: stopped; answer dropped");
      }
    } else {
      execute(enqueue);
    }
  }

  private void drain(String thing) {
    ArrayDeque<Answer> q = queues.get(thing);
    while (!q.isEmpty()) {
      MqttMessage m;
      try {
        m = q.peek().next();
      } catch (IOException | RuntimeException e) {
        log.warn("twin streams: answer to {} abandoned: {}", thing, e.toString());
        q.poll();
        continue;
      }
      if (m == null) {
        q.poll();
        continue;
      }
      ThingPacer p = pacer;
      long wait = p == null ? 0 : p.delay(thing, m.payload().length, System.nanoTime());
      if (wait > 0) {
        MqttMessage held = m;
        q.addFirst(new Held(held, q.poll()));
        exec.schedule(() -> drain(thing), wait, TimeUnit.NANOSECONDS);
        return;
      }
      publish.accept(m);
    }
    running.put(thing, false);
    queues.remove(thing);
  }

  /** A message that had to wait for the pacer, in front of the rest of its answer. */
  private static final class Held implements Answer {
    private MqttMessage first;
    private final Answer rest;

    Held(MqttMessage first, Answer rest) {
      this.first = first;
      this.rest = rest;
    }

    @Override
    public MqttMessage next() throws IOException {
      if (first != null) {
        MqttMessage m = first;
        first = null;
        return m;
      }
      return rest == null ? null : rest.next();
    }
  }

  /**
   * The order blocks go out in under the current faults: some dropped, some sent twice, some swapped with their
   * neighbour. Runs on the sender's thread (the generator is not shared).
   */
  public List<Long> schedule(List<Long> blocks) {
    StreamFaults f = faults;
    if (f.dropRate() == 0 && f.duplicateRate() == 0 && f.reorderRate() == 0) {
      return blocks;
    }
    List<Long> out = new ArrayList<>(blocks.size() + 4);
    for (Long id : blocks) {
      if (random.nextDouble() < f.dropRate()) {
        continue;
      }
      out.add(id);
      if (random.nextDouble() < f.duplicateRate()) {
        out.add(id);
      }
    }
    for (int i = 0; i + 1 < out.size(); i++) {
      if (random.nextDouble() < f.reorderRate()) {
        Long t = out.get(i);
        out.set(i, out.get(i + 1));
        out.set(i + 1, t);
        i++;
      }
    }
    return out;
  }

  /** Whether the next block is to be damaged (sender's thread). */
  public boolean corruptNext() {
    return faults.corruptRate() > 0 && random.nextDouble() < faults.corruptRate();
  }

  /** Runs a task on the sender's thread. */
  public void execute(Runnable task) {
    try {
      exec.execute(task);
    } catch (RejectedExecutionException stopped) {
      log.debug("twin streams: stopped; task dropped");
    }
  }

  /** A QoS 0 message (stream answers go at QoS 0, as AWS sends them to a QoS 0 subscription). */
  public static MqttMessage message(String topic, byte[] payload) {
    return MqttMessage.of(topic, payload, QoS.AT_MOST_ONCE);
  }

  @Override
  public void close() {
    exec.shutdownNow();
    try {
      exec.awaitTermination(2, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
